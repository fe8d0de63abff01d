/**
 * "Waivers and audit log" on the project settings page, as a project admin uses it in the
 * preview build in Chromium (real resolvers, Jira emulator with the demo project): inline errors
 * of the grant form, granting a waiver for the demo's enabler without a scoped outcome, seeing it
 * listed with who approved it and the audit entry it made, revoking it, paging the audit log
 * with "Load more", a member getting the server's refusal, and axe-core in light and dark.
 */
import type { Page } from 'playwright-core';
import { formatDate } from '../../static/shared/dates';
import { AuditHeadSchema } from '../../src/storage/audit-store';
import { colorModeOf, seriousAxeViolations, usePreviewInChromium } from './preview-harness';
import { AUDIT_KEYS } from '../../src/storage/key-families';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

async function open(theme = 'light'): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
  const url = new URL(`project-settings/${theme === 'dark' ? '?theme=dark' : ''}`, server().url);
  await page.goto(url.href);
  await page.getByTestId('waivers-audit').waitFor({ state: 'visible' });
  return page;
}

/** The demo's enabler in the backlog without a scoped outcome: not ready for a sprint. */
function unreadyEnabler(): { key: string } {
  const { em } = server();
  const outcome = [...em.fields.values()].find((f) => f.name === 'Scoped outcome');
  const issue = [...em.issues.values()].find(
    (i) =>
      em.issueTypes.get(i.issueTypeId)?.name === 'Enabler' &&
      outcome !== undefined &&
      i.custom.get(outcome.id) === undefined,
  );
  if (!issue) throw new Error('the demo has no enabler without a scoped outcome');
  return issue;
}

const auditRows = (page: Page) =>
  page.getByRole('table', { name: 'Audit log' }).locator('tbody tr');
const waiverRow = (page: Page, key: string) =>
  page.getByRole('table', { name: 'Active waivers' }).locator('tbody tr').filter({ hasText: key });

const dayFromNow = (days: number) =>
  new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

describe('waivers and audit log (project settings)', () => {
  it('the grant form names what is wrong next to each field before anything is sent', async () => {
    const page = await open();
    await page.getByTestId('audit-counts').waitFor({ state: 'visible' });
    await page.getByTestId('waiver-grant').click();
    await expect(page.getByTestId('waiver-issueKey-error').textContent()).resolves.toBe(
      'Item is required',
    );
    await expect(page.getByTestId('waiver-reason-error').textContent()).resolves.toBe(
      'Reason is required',
    );
    await expect(page.getByTestId('waiver-expiresOn-error').textContent()).resolves.toBe(
      'Expires after is required',
    );

    await page.locator('#waiver-issueKey').fill('not a key');
    await page.locator('#waiver-expiresOn').fill(dayFromNow(120));
    await page.getByTestId('waiver-grant').click();
    await expect(page.getByTestId('waiver-issueKey-error').textContent()).resolves.toContain(
      'must be an issue key like "DT-12"',
    );
    await expect(page.getByTestId('waiver-expiresOn-error').textContent()).resolves.toBe(
      'Expires after must be at most 90 days from today',
    );
    // The field points at its error for screen readers.
    await expect(page.locator('#waiver-issueKey').getAttribute('aria-describedby')).resolves.toBe(
      'waiver-issueKey-error',
    );
    await page.close();
  });

  it('grant a waiver for an unready item: listed with who approved it, audited; then revoked', async () => {
    const item = unreadyEnabler();
    const page = await open();
    await page.getByTestId('audit-counts').waitFor({ state: 'visible' });
    const expiresOn = dayFromNow(30);

    // Keyboard only: type into each field and submit with Enter.
    await page.locator('#waiver-issueKey').fill(item.key.toLowerCase());
    await page.locator('#waiver-reason').fill('Needed for the payment hotfix; outcome follows');
    await page.locator('#waiver-expiresOn').fill(expiresOn);
    await page.locator('#waiver-reason').press('Enter');

    // Shown in the reader's locale, by the screens' one date formatter.
    const locale = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().locale);
    await expect(
      page
        .getByTestId('waiver-status')
        .getByText(`Waiver granted for ${item.key} until ${formatDate(expiresOn, locale)}.`)
        .waitFor({ state: 'visible' }),
    ).resolves.toBeUndefined();
    const row = waiverRow(page, item.key);
    await row.waitFor({ state: 'visible' });
    const rowText = await row.textContent();
    expect(rowText).toContain('Needed for the payment hotfix; outcome follows');
    expect(rowText).toContain(formatDate(expiresOn, locale));
    const admin = server().contexts['project-settings']?.accountId ?? '';
    const adminName = server().em.users.get(admin)?.displayName ?? admin;
    expect(rowText).toContain(adminName);

    // The audit list reloads after the grant; wait for that reload, then it is the newest row.
    const granted = new RegExp(`${item.key}.*Waiver.*Waiver granted.*${adminName}`);
    await auditRows(page).filter({ hasText: granted }).first().waitFor({ state: 'visible' });
    await expect(auditRows(page).first().textContent()).resolves.toMatch(granted);
    // The stored audit detail keeps its ISO day; the row shows it in the reader's locale.
    const auditText = await auditRows(page).first().textContent();
    expect(auditText).toContain(`Waiver until ${formatDate(expiresOn, locale)}`);
    expect(auditText).not.toContain(expiresOn);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: `Revoke the waiver for ${item.key}` }).click();
    await page.getByTestId('waiver-status').getByText(`Waiver for ${item.key} revoked.`).waitFor();
    await expect(waiverRow(page, item.key).count()).resolves.toBe(0);
    await auditRows(page)
      .filter({ hasText: 'Waiver revoked' })
      .first()
      .waitFor({ state: 'visible' });
    await expect(auditRows(page).first().textContent()).resolves.toContain('Waiver revoked');
    await page.close();
  });

  it('the audit log is paged: "Load more" adds the older entries; the counts name what was dropped', async () => {
    const { em } = server();
    const head = AuditHeadSchema.parse(em.kvs.peek(AUDIT_KEYS.head('DT')));
    // About a demo item the admin can see (others are listed without their detail).
    const about = em.findIssue('DT-50');
    if (!about) throw new Error('the demo has no DT-50');
    for (let i = 0; i < 30; i++) {
      const seq = head.next + i;
      em.kvs.seed(AUDIT_KEYS.entry('DT', seq), {
        version: 1,
        seq,
        at: new Date(Date.UTC(2026, 10, 1, 9, i)).toISOString(),
        action: 'moved-back',
        source: 'sprint-guard',
        rule: 'scoped-outcome',
        issueId: about.id,
        issueKey: about.key,
        actor: null,
        detail: `Seeded entry ${seq}.`,
      });
    }
    const kept = head.next + 30 - head.oldest;
    em.kvs.seed(AUDIT_KEYS.head('DT'), { ...head, next: head.next + 30, dropped: 7 });

    const page = await open('dark');
    expect(await colorModeOf(page)).toBe('dark');
    const counts = page.getByTestId('audit-counts');
    await counts.waitFor({ state: 'visible' });
    await expect(counts.textContent()).resolves.toBe(
      `${kept} entries kept, newest first; 7 older entries dropped to keep the log within its size.`,
    );
    const rows = auditRows(page);
    await expect(rows.count()).resolves.toBe(25);
    await expect(rows.first().textContent()).resolves.toContain(`Seeded entry ${head.next + 29}.`);

    await page.getByTestId('audit-more').focus();
    await page.keyboard.press('Enter');
    await rows.nth(Math.min(kept, 50) - 1).waitFor({ state: 'visible' });
    await expect(rows.count()).resolves.toBe(Math.min(kept, 50));
    await expect(rows.nth(25).textContent()).resolves.toContain(`Seeded entry ${head.next + 4}.`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('a user who is not a project admin sees the server refusing, and no form', async () => {
    const context = server().contexts['project-settings'];
    const member = server().contexts['project-page']?.accountId;
    if (!context || !member) throw new Error('the preview has no project settings or project page');
    const admin = context.accountId;
    context.accountId = member;
    try {
      const page = await open();
      const refusal = page.getByTestId('waivers-refused');
      await refusal.waitFor({ state: 'visible' });
      const text = await refusal.textContent();
      expect(text).toContain('Only project admins can see waivers and the audit log');
      expect(text).toContain(
        'Only project admins can see the waivers and the audit log of this project.',
      );
      await expect(page.getByTestId('waiver-grant').count()).resolves.toBe(0);
      await page.close();
    } finally {
      context.accountId = admin;
    }
  });
});
