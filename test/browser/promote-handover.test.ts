/**
 * Promote as a reviewed handover and Explore first's spike review, as a person sees them in the
 * issue panel: the preview builds in Debian's Chromium served by the local preview (real
 * resolvers, Jira emulator with the demo project). The promote form (drafted item, delivery
 * types, estimate, acceptance criteria, several items), its confirmation listing what will be
 * created before anything is sent, and Explore first's drafted scoped outcome, edited and set on
 * the spike. Checks accessibility with axe-core in the light and dark themes.
 */
import {
  colorModeOf,
  screenshot,
  seriousAxeViolations,
  usePreviewInChromium,
} from './preview-harness';

jest.setTimeout(120_000);

const preview = usePreviewInChromium();
const { server, keyOf } = preview;
const openPanel = (key: string, theme: 'light' | 'dark' = 'light') =>
  preview.openPanel(key, theme, 1000);

const issueCount = () => server().em.issues.size;
const scopedOutcomeField = () => {
  const id = [...server().em.fields.values()].find((f) =>
    f.schema.custom?.endsWith('/static/scoped-outcome'),
  )?.id;
  if (!id) throw new Error('no Scoped outcome field');
  return id;
};

describe('promote to delivery: the form and its confirmation (Chromium)', () => {
  it.each(['light', 'dark'] as const)(
    'drafts an item from the idea and confirms before creating anything, accessibly in the %s theme',
    async (theme) => {
      const before = issueCount();
      const page = await openPanel(keyOf('One-page checkout'), theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      await page.getByRole('button', { name: 'Promote to delivery' }).click();
      const form = page.getByTestId('promote-form');
      await form.waitFor({ state: 'visible' });
      await expect(form.getByLabel('Summary').inputValue()).resolves.toBe('One-page checkout');
      await expect(
        form.getByLabel('Acceptance criteria (one per line)').inputValue(),
      ).resolves.toMatch(
        /^Delivers what DT-\d+ validated: One-page checkout\nWorks as in the usability tested design \(1 passed test\), without help\nSolves the problem 3 interviewed customers confirmed$/,
      );
      await expect(form.getByText('Story', { exact: true }).isVisible()).resolves.toBe(true);
      expect(await seriousAxeViolations(page)).toEqual([]);

      await form.getByRole('button', { name: 'Review' }).click();
      const confirm = page.getByTestId('promote-confirm');
      await confirm.waitFor({ state: 'visible' });
      if (theme === 'light') await screenshot(page, 'promote-review.png');
      await expect(page.getByTestId('promote-confirm-list').textContent()).resolves.toMatch(
        /^One-page checkout \(Story, \d+ acceptance criteria\)$/,
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      // Nothing is sent before the confirmation.
      expect(issueCount()).toBe(before);
      await confirm.getByRole('button', { name: 'Back to edit' }).click();
      await form.waitFor({ state: 'visible' });
      expect(issueCount()).toBe(before);
      await page.close();
    },
  );

  it('refuses to review an item without a summary, naming the field', async () => {
    const page = await openPanel(keyOf('One-page checkout'));
    await page.getByRole('button', { name: 'Promote to delivery' }).click();
    const form = page.getByTestId('promote-form');
    await form.getByLabel('Summary').fill('');
    await form.getByRole('button', { name: 'Review' }).click();
    await expect(form.getByText('Write a summary.').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('promote-confirm').count()).resolves.toBe(0);
    await page.close();
  });

  it('creates two reviewed items, each with its type, estimate and criteria, and the idea shows them', async () => {
    const before = issueCount();
    const page = await openPanel(keyOf('One-page checkout'));
    await page.getByRole('button', { name: 'Promote to delivery' }).click();
    const form = page.getByTestId('promote-form');
    await form.getByLabel('Estimate (story points, optional)').fill('5');
    await form.getByRole('button', { name: 'Add another item' }).click();
    const second = page.getByTestId('promote-item-1');
    await second.getByLabel('Summary').fill('Checkout keeps the basket when payment fails');
    await second.getByLabel('Issue type').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: 'Bug' }).click();
    await second.getByLabel('Acceptance criteria (one per line)').fill('The basket is kept');
    await form.getByRole('button', { name: 'Review' }).click();
    const list = page.getByTestId('promote-confirm-list');
    await list.waitFor({ state: 'visible' });
    await expect(list.locator('li').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^One-page checkout \(Story, estimate 5, \d+ acceptance criteria\)$/),
      'Checkout keeps the basket when payment fails (Bug, 1 acceptance criterion)',
    ]);
    await page.getByRole('button', { name: 'Create 2 items' }).click();
    const result = page.getByTestId('promote-result');
    await result.waitFor({ state: 'visible' });
    const keys = [...((await result.textContent()) ?? '').matchAll(/DT-\d+/g)].map((m) => m[0]);
    expect(issueCount()).toBe(before + 2);
    const bug = [...server().em.issues.values()].find(
      (i) => i.summary === 'Checkout keeps the basket when payment fails',
    );
    expect(JSON.stringify(bug?.description)).toContain('The basket is kept');
    expect(keys).toContain(bug?.key);
    await page
      .getByTestId('promoted-to')
      .getByRole('button', { name: bug?.key ?? '' })
      .waitFor({ state: 'visible' });
    await page.close();
  });
});

describe('explore first: reviewing the spike’s scoped outcome (Chromium)', () => {
  it.each(['light', 'dark'] as const)(
    'shows the drafted outcome with the default timebox, accessibly in the %s theme',
    async (theme) => {
      const page = await openPanel(keyOf('Order tracking page'), theme);
      await page.getByRole('button', { name: 'Explore first', exact: true }).click();
      const fields = page.getByTestId('spike-outcome-review');
      await fields.waitFor({ state: 'visible' });
      await expect(fields.getByLabel('Outcome').inputValue()).resolves.toMatch(
        /^Know whether DT-\d+ \(Order tracking page\) can be built as planned/,
      );
      await expect(fields.getByLabel('Timebox (days)').inputValue()).resolves.toBe('3');
      expect(await seriousAxeViolations(page)).toEqual([]);
      // An idea has no scoped outcome to review.
      await page.getByRole('radio', { name: /Discovery item/ }).check();
      await expect(page.getByTestId('spike-outcome-review').count()).resolves.toBe(0);
      await page.close();
    },
  );

  it('refuses a timebox past the maximum, then creates the spike with the edited outcome set', async () => {
    const before = issueCount();
    const page = await openPanel(keyOf('Order tracking page'));
    await page.getByRole('button', { name: 'Explore first', exact: true }).click();
    const fields = page.getByTestId('spike-outcome-review');
    await fields.getByLabel('Timebox (days)').fill('5');
    await page.getByRole('button', { name: 'Create and link' }).click();
    await expect(fields.getByText('Enter whole days from 1 to 3.').isVisible()).resolves.toBe(true);
    expect(issueCount()).toBe(before);
    await fields.getByLabel('Timebox (days)').fill('2');
    await fields.getByLabel('Success measure').fill('A recommended maps provider');
    await page.getByRole('button', { name: 'Create and link' }).click();
    const result = page.getByTestId('explore-result');
    await result.waitFor({ state: 'visible' });
    const key = /^Created (DT-\d+) \(Spike\)/.exec((await result.textContent()) ?? '')?.[1];
    expect(key).toBeDefined();
    expect(
      server()
        .em.findIssue(key ?? '')
        ?.custom.get(scopedOutcomeField()),
    ).toMatchObject({
      successMeasure: 'A recommended maps provider',
      timeboxDays: 2,
    });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});
