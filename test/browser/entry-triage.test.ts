/**
 * Discovery entry as a person sees it: the issue panel and the Entry triage field editor, the
 * preview builds in Debian's Chromium served by the local preview (real resolvers, Jira emulator
 * with the demo project). Covers the "belongs in discovery first" flag with its reasons, "Explore
 * first" creating a linked spike after which the panel shows the item waiting on it, editing the
 * triage in the panel (a high level needs a reason), and the field's own editor. Checks
 * accessibility with axe-core and saves docs/screenshots/issue-panel-entry.png.
 */
import type { Page } from 'playwright-core';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import {
  choose,
  colorModeOf,
  screenshot,
  seriousAxeViolations,
  usePreviewInChromium,
} from './preview-harness';

jest.setTimeout(120_000);

const { server, browser, keyOf } = usePreviewInChromium();

async function open(path: string, theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 900, height: 1000 } });
  const url = new URL(path, server().url);
  if (theme === 'dark') url.searchParams.set('theme', 'dark');
  await page.goto(url.href);
  return page;
}

async function openPanel(issueKey: string, theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await open(`issue-panel/?issue=${encodeURIComponent(issueKey)}`, theme);
  await page.getByTestId('headline').waitFor({ state: 'visible' });
  return page;
}

const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe('discovery entry in the issue panel (Chromium)', () => {
  it.each(['light', 'dark'] as const)(
    'flags a story that belongs in discovery first, with its reasons, accessibly in the %s theme',
    async (theme) => {
      const page = await openPanel(keyOf('Order tracking page'), theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      const flag = page.getByTestId('entry-flag');
      await expect(
        flag.getByText('Belongs in discovery first', { exact: true }).isVisible(),
      ).resolves.toBe(true);
      await expect(text(page, 'entry-reasons')).resolves.toBe(
        'Meets the discovery entry criteria: label "architecture".',
      );
      await expect(text(page, 'triage-text')).resolves.toBe('Uncertainty medium · Risk low');
      await expect(
        page.getByRole('button', { name: 'Explore first', exact: true }).isVisible(),
      ).resolves.toBe(true);
      if (theme === 'light') {
        await page.getByRole('button', { name: 'Explore first', exact: true }).click();
        await page.getByTestId('explore-form').waitFor({ state: 'visible' });
        await screenshot(page, 'issue-panel-entry.png');
      }
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.close();
    },
  );

  it('explores first: creates a linked spike with the question, then shows the story waiting on it', async () => {
    const story = keyOf('Order tracking page');
    const before = server().em.issues.size;
    const page = await openPanel(story);
    await page.getByRole('button', { name: 'Explore first', exact: true }).click();
    const form = page.getByTestId('explore-form');
    await expect(form.getByLabel('Question to answer').inputValue()).resolves.toBe(
      'What do we need to learn before we build “Order tracking page”?',
    );
    await form.getByRole('radio', { name: /Spike/ }).check();
    await form
      .getByLabel('Question to answer')
      .fill('Can we show live courier positions without a paid maps licence?');
    await form.getByLabel('What we know so far (optional)').fill('Two providers have a free tier.');
    await form.getByRole('button', { name: 'Create and link' }).click();

    const result = page.getByTestId('explore-result');
    await result.waitFor({ state: 'visible' });
    const message = (await result.textContent()) ?? '';
    const created = /^Created (DT-\d+) \(Spike\) and linked it/.exec(message)?.[1];
    if (!created) throw new Error(`unexpected message: ${message}`);
    await expect(text(page, 'entry-waiting-text')).resolves.toBe(`Waiting on ${created}`);
    await expect(page.getByTestId('entry-flag').count()).resolves.toBe(0);
    expect(server().em.issues.size).toBe(before + 1);
    const spike = server().em.findIssue(created);
    expect(spike?.summary).toBe('Can we show live courier positions without a paid maps licence?');
    expect(issueLinkSite(server().em).describe(server().em, story)).toContain(
      `${created} blocks ${story}`,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();

    // Opened again, the story waits on the spike; there is nothing to explore first.
    const again = await openPanel(story);
    await expect(text(again, 'entry-waiting-text')).resolves.toBe(`Waiting on ${created}`);
    await expect(
      again.getByRole('button', { name: 'Explore first', exact: true }).count(),
    ).resolves.toBe(0);
    await again.close();
  });

  it('edits the triage in place: a high level needs a reason, and then the story is flagged', async () => {
    const page = await openPanel(keyOf('Loyalty points'));
    await expect(text(page, 'triage-text')).resolves.toBe('Not triaged yet.');
    await expect(page.getByTestId('entry-flag').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Set triage' }).click();
    const form = page.getByTestId('triage-form');
    await choose(form, 'Uncertainty', 'High');
    await choose(form, 'Risk', 'Low');
    await form.getByRole('button', { name: 'Save triage' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toBe(
      'A one-line reason is required when uncertainty or risk is high.',
    );
    await form.getByLabel('Reason').fill('Points rules differ per country');
    await form.getByRole('button', { name: 'Save triage' }).click();
    await page
      .getByTestId('triage-text')
      .getByText('Uncertainty high · Risk low — Points rules differ per country')
      .waitFor({ state: 'visible' });
    await expect(text(page, 'entry-reasons')).resolves.toBe(
      'Meets the discovery entry criteria: uncertainty high.',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('shows a reader the triage and where discovery stands, without editing or exploring', async () => {
    // The preview's panel user is a member: take Edit, Create and Link issues away for a moment.
    const em = server().em;
    const taken = ['EDIT_ISSUES', 'CREATE_ISSUES', 'LINK_ISSUES'] as const;
    em.revoke('DT', 'user-member', taken);
    try {
      const page = await openPanel(keyOf('Wishlist sharing'));
      await expect(text(page, 'entry-waiting-text')).resolves.toMatch(/^Waiting on DT-\d+$/);
      await expect(text(page, 'triage-text')).resolves.toBe(
        'Uncertainty high · Risk low — Share previews depend on the image CDN we are still benchmarking',
      );
      await expect(page.getByRole('button', { name: /triage/ }).count()).resolves.toBe(0);
      await page.close();
      const triageField = [...em.fields.values()].find((f) =>
        f.schema.custom?.endsWith('/static/entry-triage'),
      );
      if (!triageField) throw new Error('no Entry triage field');
      const gifts = keyOf('Gift messages');
      em.setCustom(gifts, triageField.id, {
        uncertainty: 'low',
        risk: 'high',
        reason: 'Gift messages are printed by the warehouse system',
      });
      const flagged = await openPanel(gifts);
      await expect(text(flagged, 'entry-reasons')).resolves.toBe(
        'Meets the discovery entry criteria: risk high.',
      );
      await expect(text(flagged, 'explore-not-allowed')).resolves.toBe(
        'Exploring first needs the Create issues and Link issues permissions in this project.',
      );
      await flagged.close();
    } finally {
      em.grant('DT', 'user-member', taken);
    }
  });
});

describe('the Entry triage field editor (Chromium)', () => {
  it.each(['light', 'dark'] as const)(
    'edits the field value and hands it to Jira, accessibly in the %s theme',
    async (theme) => {
      const page = await open('entry-triage-edit/', theme);
      const form = page.getByRole('form', { name: 'Entry triage' });
      await form.waitFor({ state: 'visible' });
      await expect(form.getByTestId('triage-uncertainty').textContent()).resolves.toBe('High');
      await expect(form.getByTestId('triage-risk').textContent()).resolves.toBe('Low');
      await expect(form.getByLabel('Reason').inputValue()).resolves.toBe(
        'Share previews depend on the image CDN we are still benchmarking',
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      await form.getByLabel('Reason').fill('');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(form.getByRole('alert').textContent()).resolves.toBe(
        'A one-line reason is required when uncertainty or risk is high.',
      );
      await choose(form, 'Uncertainty', 'Medium');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('preview-banner').waitFor({ state: 'visible' });
      const submitted = await page.evaluate(
        () =>
          (globalThis as unknown as { __dualTrackPreview: { submissions: unknown[] } })
            .__dualTrackPreview.submissions,
      );
      expect(submitted).toEqual([{ uncertainty: 'medium', risk: 'low' }]);
      await page.close();
    },
  );
});
