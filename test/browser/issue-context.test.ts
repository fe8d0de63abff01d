/**
 * The compact issue context summary (`jira:issueContext`) as a person sees it: the preview build
 * in Debian's Chromium, served by the local preview (real resolvers, Jira emulator with the demo
 * project), opened on demo issues by `?issue=KEY`. It shows the item's track, whether it is
 * ready and what is missing, for an enabler without a scoped outcome and for a validated idea,
 * with no serious accessibility violations in either theme.
 */
import type { Page } from 'playwright-core';
import { colorModeOf, seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(120_000);

const { server, browser, keyOf } = usePreviewInChromium();

async function openSummary(issueKey: string, theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 360, height: 600 } });
  const query = `?issue=${encodeURIComponent(issueKey)}${theme === 'dark' ? '&theme=dark' : ''}`;
  await page.goto(new URL(`issue-context/${query}`, server().url).href);
  await page.getByTestId('headline').waitFor({ state: 'visible' });
  return page;
}

const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe('issue context summary in the local preview (Chromium)', () => {
  it('shows an enabler without a scoped outcome as discovery, not ready, with what is missing', async () => {
    const page = await openSummary(keyOf('Enabler: split the session service'));
    await expect(text(page, 'track')).resolves.toBe('Discovery');
    await expect(text(page, 'ready-state')).resolves.toBe('Not ready');
    await expect(text(page, 'headline')).resolves.toBe(
      'Not ready for a sprint: 3 of 3 checks fail.',
    );
    const missing = page.getByRole('list', { name: 'What is missing' }).getByRole('listitem');
    await expect(missing.count()).resolves.toBe(3);
    await expect(missing.nth(1).textContent()).resolves.toBe(
      'Add a success measure (how we will know the outcome was reached) to the Scoped outcome field',
    );
    await page.close();
  });

  it('shows a validated idea as discovery and ready, with nothing missing', async () => {
    const page = await openSummary(keyOf('One-page checkout'));
    await expect(text(page, 'track')).resolves.toBe('Discovery');
    await expect(text(page, 'ready-state')).resolves.toBe('Ready');
    await expect(text(page, 'headline')).resolves.toBe('Validated: ready to promote to delivery.');
    await expect(page.getByRole('list', { name: 'What is missing' }).count()).resolves.toBe(0);
    await page.close();
  });

  it.each(['light', 'dark'] as const)(
    'has no serious accessibility violations in the %s theme',
    async (theme) => {
      const page = await openSummary(keyOf('Enabler: split the session service'), theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.close();
    },
  );
});
