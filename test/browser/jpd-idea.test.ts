/**
 * An idea of a connected Jira Product Discovery space on the project page, as a person uses it
 * in the preview (Chromium, real resolvers, the emulated site with DT connected to the JPD space
 * IDEA): "Evidence and promote" opens the idea in the page, evidence is added until the
 * software project's rule validates it, and promote creates a delivery item in DT whose key is
 * shown. Both themes, with axe on the open idea.
 */
import type { Locator, Page } from 'playwright-core';
import {
  choose,
  colorModeOf,
  seriousAxeViolations,
  startPreviewInChromium,
  type Preview,
} from './preview-harness';

jest.setTimeout(180_000);

let preview: Preview | undefined;

beforeAll(async () => {
  preview = await startPreviewInChromium({ connectJpd: true });
});

afterAll(async () => {
  await preview?.close();
});

async function openPage(theme: 'light' | 'dark'): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = new URL('project-page/', preview.server.url);
  if (theme === 'dark') url.searchParams.set('theme', 'dark');
  await page.goto(url.href);
  await page.getByTestId('signals').waitFor({ state: 'visible' });
  if (theme === 'dark') await expect(colorModeOf(page)).resolves.toBe('dark');
  return page;
}

/** Opens the idea from its card on the discovery track, by keyboard. */
async function openIdea(page: Page, summary: string): Promise<Locator> {
  const card = page.locator('li', { hasText: summary }).first();
  const button = card.getByRole('button', { name: /^Evidence and promote/ });
  await button.focus();
  await page.keyboard.press('Enter');
  const view = page.getByTestId('idea-view');
  await view.getByTestId('evidence-state').waitFor({ state: 'visible' });
  return view;
}

async function addEvidence(page: Page, view: Locator, type: string, learned: string) {
  await view.getByRole('button', { name: 'Add evidence' }).click();
  const form = view.getByTestId('evidence-form');
  await choose(form, 'Type', type);
  await form.getByLabel('What we learned').fill(learned);
  await form.getByRole('button', { name: 'Save evidence' }).click();
  // A change that validates the idea is confirmed first.
  const dialog = page.getByRole('dialog', { name: 'Save this evidence?' });
  const flips = await dialog
    .waitFor({ state: 'visible', timeout: 1500 })
    .then(() => true)
    .catch(() => false);
  if (flips) await dialog.getByRole('button', { name: 'Save anyway' }).click();
  await view.getByTestId('evidence-list').getByText(learned).waitFor({ state: 'visible' });
}

describe.each(['light', 'dark'] as const)('%s theme', (theme) => {
  it('opens an idea of the connected space in the page, without axe violations', async () => {
    const page = await openPage(theme);
    const view = await openIdea(page, 'Save the basket across devices');
    await expect(view.getByTestId('evidence-state').textContent()).resolves.toBe(
      'Not validated yet',
    );
    await expect(view.getByTestId('promote-blocked').isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await view.getByRole('button', { name: 'Close' }).click();
    await view.waitFor({ state: 'detached' });
    await page.close();
  });
});

it('adds evidence to an idea until it is validated, promotes it, and shows the created key', async () => {
  const page = await openPage('light');
  const view = await openIdea(page, 'Pay in three instalments');
  for (const n of [1, 2, 3]) {
    await addEvidence(page, view, 'Interview', `Shopper ${n} splits large baskets over pay days`);
  }
  await addEvidence(page, view, 'Usability test', 'Five of five paid in three on the prototype');
  await view
    .getByTestId('evidence-state')
    .getByText('Validated', { exact: true })
    .waitFor({ state: 'visible' });
  await view.getByRole('button', { name: 'Promote to delivery' }).click();
  const form = view.getByTestId('promote-form');
  await expect(form.getByLabel('Summary').inputValue()).resolves.toBe('Pay in three instalments');
  await form.getByRole('button', { name: 'Review' }).click();
  await view.getByRole('button', { name: 'Create 1 item' }).click();
  const result = view.getByTestId('promote-result');
  await result.waitFor({ state: 'visible' });
  await expect(result.textContent()).resolves.toMatch(/DT-\d+/);
  const key = /DT-\d+/.exec((await result.textContent()) ?? '')?.[0] ?? '';
  await view.getByRole('button', { name: `Open ${key}` }).waitFor({ state: 'visible' });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await view.getByRole('button', { name: 'Close' }).click();
  // The page loaded its overview again: the idea is validated on the discovery track.
  await page
    .getByTestId('column-discovery-validated')
    .getByText('Pay in three instalments')
    .waitFor({ state: 'visible' });
  await page.close();
});
