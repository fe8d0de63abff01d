/**
 * "New discovery item" as a person uses it: the project page's dialog and the admin page's
 * "Discovery templates" section, the preview builds in Debian's Chromium served by the local
 * preview (real resolvers, Jira emulator with the demo project). Creates an item from each of the
 * four templates (the press release and FAQ as part of an idea), checks what Jira got (issue
 * type, description headings, Scoped outcome), that the page shows the new item, accessibility
 * with axe-core, that Escape closes the dialog, and that an admin's edit shows in the dialog. Saves
 * docs/screenshots/new-discovery-item.png.
 */
import path from 'path';
import type { Locator, Page } from 'playwright-core';
import type { EmIssue } from '../../dev/emulator/model';
import { formatDate } from '../../static/shared/dates';
import { SCREENSHOTS, seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

async function open(resource: string, ready: string): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(new URL(`${resource}/`, server().url).href);
  // On the admin page the templates start closed, behind their contents entry.
  if (ready === 'templates-editor') await page.getByTestId('admin-templates-toggle').click();
  await page.getByTestId(ready).waitFor({ state: 'visible' });
  return page;
}

/** Opens the project page's dialog on a template. */
async function dialogOn(template: RegExp): Promise<{ page: Page; dialog: Locator }> {
  const page = await open('project-page', 'new-discovery-item');
  await page.getByTestId('new-discovery-item').click();
  const dialog = page.getByRole('dialog', { name: 'New discovery item' });
  await dialog.getByRole('radio', { name: template }).check();
  return { page, dialog };
}

const field = (dialog: Locator, label: string) => dialog.getByLabel(label, { exact: true });

/** Submits and returns the created issue, after the dialog names it with a link. */
async function create(dialog: Locator, summary: string): Promise<EmIssue> {
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await dialog.getByTestId('ndi-created').waitFor({ state: 'visible' });
  const message = (await dialog.getByTestId('ndi-created-message').textContent()) ?? '';
  const key = /^Created (DT-\d+) /.exec(message)?.[1];
  if (!key) throw new Error(`unexpected message: ${message}`);
  await expect(dialog.getByRole('link', { name: `Open ${key}` }).isVisible()).resolves.toBe(true);
  const issue = server().em.findIssue(key);
  if (!issue) throw new Error(`${key} is not in Jira`);
  expect(issue.summary).toBe(summary);
  return issue;
}

const typeOf = (issue: EmIssue) => server().em.issueTypes.get(issue.issueTypeId)?.name;
const headings = (issue: EmIssue) =>
  (
    issue.description as { content: Array<{ type: string; content: Array<{ text: string }> }> }
  ).content
    .filter((b) => b.type === 'heading')
    .map((b) => b.content[0]?.text);
const scopedOutcomeOf = (issue: EmIssue) => {
  const field = [...server().em.fields.values()].find((f) => f.name === 'Scoped outcome');
  return field ? issue.custom.get(field.id) : undefined;
};

/** The new item shows on the refreshed page, behind the dialog. */
async function onBoard(page: Page, summary: string): Promise<void> {
  await page.getByTestId('new-discovery-item').waitFor({ state: 'visible' });
  await page
    .locator('main')
    .getByText(summary, { exact: true })
    .first()
    .waitFor({ state: 'attached' });
}

describe('New discovery item on the project page (Chromium)', () => {
  it('creates an idea with a working-backwards press release and FAQ, accessibly', async () => {
    const summary = 'Reorder from the order history';
    const { page, dialog } = await dialogOn(/^Idea/);
    await field(dialog, 'Summary').fill(summary);
    await field(dialog, 'Problem').fill('Customers retype their usual order every week');
    await field(dialog, 'Target users').fill('Weekly grocery shoppers');
    await field(dialog, 'Hypothesis').fill('A reorder button halves the time to check out');
    await dialog.getByRole('checkbox', { name: /press release and FAQ/ }).check();
    await field(dialog, 'Headline').fill('Reorder your week in one tap');
    await field(dialog, 'Press release').fill(
      'Today we launch one-tap reorder for weekly shoppers.',
    );
    await field(dialog, 'FAQ (optional)').fill('Can I change quantities? Yes, before checkout.');
    // The dialog from its top, as a person first sees it (the page behind it is dimmed).
    await dialog.evaluate((el: { scrollTop: number }) => {
      el.scrollTop = 0;
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'new-discovery-item.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);

    const issue = await create(dialog, summary);
    expect(typeOf(issue)).toBe('Discovery');
    expect(headings(issue)).toEqual([
      'Problem',
      'Target users',
      'Hypothesis',
      'Working backwards: press release and FAQ',
      'Headline',
      'Press release',
      'FAQ',
    ]);
    expect(scopedOutcomeOf(issue)).toBeUndefined();
    await onBoard(page, summary);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('creates a spike with its scoped outcome, refusing a timebox over the maximum first', async () => {
    const summary = 'Session cache choice';
    const { page, dialog } = await dialogOn(/^Spike/);
    const before = server().em.issues.size;
    await field(dialog, 'Summary').fill(summary);
    await field(dialog, 'Question').fill('Can Postgres serve session lookups under 20 ms?');
    await field(dialog, 'Timebox (days)').fill('9');
    await field(dialog, 'Decision it informs').fill('Whether we buy a managed Redis');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(dialog.getByRole('alert').first().textContent()).resolves.toBe(
      'Whole days from 1 to 3.',
    );
    expect(server().em.issues.size).toBe(before);
    await field(dialog, 'Timebox (days)').fill('2');
    const issue = await create(dialog, summary);
    expect(typeOf(issue)).toBe('Spike');
    expect(scopedOutcomeOf(issue)).toEqual({
      outcome: 'Can Postgres serve session lookups under 20 ms?',
      successMeasure: 'Decision it informs: Whether we buy a managed Redis',
      timeboxDays: 2,
    });
    await onBoard(page, summary);
    await page.close();
  });

  it('creates an enabler bound by a target date', async () => {
    const summary = 'Event store for orders';
    const { page, dialog } = await dialogOn(/^Enabler/);
    await field(dialog, 'Summary').fill(summary);
    await field(dialog, 'Outcome').fill('Orders go to an event store that replays per customer');
    await field(dialog, 'Success measure').fill('Replay of 1M events under 5 minutes');
    // Typed as YYYY-MM-DD; once the field is left, it reads in the reader's locale.
    await field(dialog, 'Target date (optional)').fill('2026-12-18');
    await field(dialog, 'Summary').focus();
    const locale = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().locale);
    await expect(
      dialog.getByTestId('ndi-answers.target-date--container').textContent(),
    ).resolves.toContain(formatDate('2026-12-18', locale));
    const issue = await create(dialog, summary);
    expect(typeOf(issue)).toBe('Enabler');
    expect(headings(issue)).toEqual(['Outcome', 'Success measure', 'Target date']);
    expect(scopedOutcomeOf(issue)).toEqual({
      outcome: 'Orders go to an event store that replays per customer',
      successMeasure: 'Replay of 1M events under 5 minutes',
      targetDate: '2026-12-18',
    });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('closes on Escape without creating anything, focus back on its button', async () => {
    const { page, dialog } = await dialogOn(/^Idea/);
    const before = server().em.issues.size;
    await field(dialog, 'Summary').fill('Not this one');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(server().em.issues.size).toBe(before);
    await expect(
      page
        .getByTestId('new-discovery-item')
        .evaluate(
          (el) =>
            (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
              .activeElement === el,
        ),
    ).resolves.toBe(true);
    await page.close();
  });

  it("shows an admin's template edit in the dialog", async () => {
    const admin = await open('admin-settings', 'templates-editor');
    const heading = admin.getByTestId('tpl-templates.0.sections.0.heading');
    await heading.waitFor({ state: 'visible' });
    await expect(heading.inputValue()).resolves.toBe('Problem');
    await heading.fill('Customer problem');
    await admin.getByTestId('tpl-templates.0.sections.3.required--hidden-checkbox').check();
    await admin.getByTestId('templates-save').click();
    await admin
      .getByTestId('templates-status')
      .getByText('Discovery templates saved. Version 1.')
      .waitFor({ state: 'visible' });
    expect(await seriousAxeViolations(admin)).toEqual([]);
    await admin.close();

    const { page, dialog } = await dialogOn(/^Idea/);
    await expect(field(dialog, 'Customer problem').isVisible()).resolves.toBe(true);
    await expect(field(dialog, 'Evidence plan').isVisible()).resolves.toBe(true);
    await expect(field(dialog, 'Problem').count()).resolves.toBe(0);
    await page.close();
  });
});
