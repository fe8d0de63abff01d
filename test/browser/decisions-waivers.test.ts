/**
 * Decisions and waivers where people look, in the preview build in Chromium (real resolvers,
 * Jira emulator with the demo project): the issue panel of a story waiting on a spike shows the
 * spike's status and decision; a waived enabler's panel shows who waived it, why and until when,
 * and reads "Waived until …"; the project page shows it waived on the board and the unscoped
 * card. axe-core in light and dark on both.
 */
import type { Page } from 'playwright-core';
import { ISSUE_NOTE_KEYS } from '../../src/storage/key-families';
import { formatDate } from '../../static/shared/dates';
import { seedWaiver } from '../helpers/emulator';
import {
  colorModeOf,
  seriousAxeViolations,
  textOf as text,
  usePreviewInChromium,
} from './preview-harness';

jest.setTimeout(120_000);

const { server, browser, keyOf, openPanel } = usePreviewInChromium();

const DECISION = 'Build share previews on the CDN: 80 ms on 4G.';
/** The browser's locale, which the screens format dates in. */
const localeOf = (page: Page) =>
  page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().locale);
const EXPIRES = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

/** The spike's decision note and a waiver on the enabler in the sprint, seeded in storage. */
beforeAll(() => {
  const { em } = server();
  const spike = em.findIssue(keyOf('Spike: benchmark the image CDN'));
  const enabler = em.findIssue(keyOf('Enabler: split the session service'));
  const explore = em.findIssue(keyOf('Order tracking page'));
  if (!spike || !enabler || !explore) throw new Error('demo items missing');
  em.kvs.seed(ISSUE_NOTE_KEYS.spikeNote(spike.id), {
    note: DECISION,
    by: 'user-member',
    at: new Date().toISOString(),
  });
  seedWaiver(em, enabler, {
    reason: 'Session split ships with the release',
    expiresOn: EXPIRES,
    grantedBy: 'user-admin',
    grantedAt: new Date().toISOString(),
  });
  seedWaiver(em, explore, {
    reason: 'Agreed with the architects',
    expiresOn: EXPIRES,
    grantedBy: 'user-admin',
    grantedAt: new Date().toISOString(),
  });
});

async function openProjectPage(theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 1440, height: 900 } });
  const url = new URL(`project-page/${theme === 'dark' ? '?theme=dark' : ''}`, server().url);
  await page.goto(url.href);
  await page.getByTestId('signals').waitFor({ state: 'visible' });
  return page;
}

describe('decisions flow to waiting work (issue panel)', () => {
  it.each(['light', 'dark'] as const)(
    'shows the spike a story waits on with its status and decision (%s, axe)',
    async (theme) => {
      const spike = keyOf('Spike: benchmark the image CDN');
      const page = await openPanel(keyOf('Wishlist sharing'), theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      const row = page.getByTestId(`discovery-${spike}`);
      await expect(row.getByText('In Progress', { exact: true }).isVisible()).resolves.toBe(true);
      await expect(text(page, `decision-${spike}`)).resolves.toMatch(
        new RegExp(`^Decision \\((?!\\d{4}-)[^)]*\\d{4}\\): ${DECISION.replace(/[.:]/g, '\\$&')}$`),
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.close();
    },
  );
});

describe('waivers visible where people look', () => {
  it.each(['light', 'dark'] as const)(
    'the panel of a waived enabler says who waived it, why and until when (%s, axe)',
    async (theme) => {
      const page = await openPanel(keyOf('Enabler: split the session service'), theme);
      // The back end sends ISO days; the reader sees them in their own locale, never as ISO.
      const until = formatDate(EXPIRES, await localeOf(page));
      await expect(text(page, 'ready-state')).resolves.toBe(`Waived until ${until}`);
      await expect(text(page, 'headline')).resolves.toBe(
        `Waived until ${until} by Ada Admin: it may enter a sprint although 3 of 3 checks fail.`,
      );
      await expect(page.locator('body').innerText()).resolves.not.toContain(EXPIRES);
      await expect(text(page, 'waiver-by')).resolves.toMatch(/^Granted by Ada Admin on /);
      await expect(text(page, 'waiver-reason')).resolves.toBe(
        'Why: Session split ships with the release',
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.close();
    },
  );

  it.each(['light', 'dark'] as const)(
    'the project page shows it waived on the board and leaves it off the unscoped count (%s, axe)',
    async (theme) => {
      const page = await openProjectPage(theme);
      const key = keyOf('Enabler: split the session service');
      const card = page.getByTestId('signal-unscopedEnablers');
      await expect(card.getByText('Unscoped in sprint').count()).resolves.toBe(0);
      // Listed apart from the failing items, with who, until when and why.
      const waived = page.getByTestId('signal-unscopedEnablers-waived');
      await expect(text(page, 'signal-unscopedEnablers-waived')).resolves.toMatch(/^Waived \(1\)/);
      await expect(
        waived.getByRole('list', { name: /waived items/ }).textContent(),
      ).resolves.toMatch(
        new RegExp(
          `^${key} \\(enabler\\): waived by Ada Admin until .+ \\(Session split ships with the release\\)$`,
        ),
      );
      await expect(
        card
          .getByRole('list', { name: /: items$/ })
          .getByText(key)
          .count(),
      ).resolves.toBe(0);
      // The delivery item waived past the entry criteria: off the count, listed apart.
      const explore = keyOf('Order tracking page');
      const needs = page.getByTestId('signal-needsDiscovery');
      await expect(text(page, 'signal-needsDiscovery-waived')).resolves.toContain(
        `${explore}: waived by Ada Admin until`,
      );
      await expect(
        needs
          .getByRole('list', { name: /: items$/ })
          .getByText(explore)
          .count(),
      ).resolves.toBe(0);
      const item = page.getByTestId(`item-${key}`).first();
      await expect(
        item
          .getByText(`Waived until ${formatDate(EXPIRES, await localeOf(page))}`, { exact: true })
          .isVisible(),
      ).resolves.toBe(true);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.close();
    },
  );
});
