/**
 * The retro and trends sub-page as a person sees it: the preview build in Debian's Chromium,
 * served by the local preview (real resolvers, Jira emulator with the demo project and its
 * seeded sprint history). Checks the per-sprint table, the charts, the plain-words trend
 * summary, the CSV download, an outcome recorded from the page, accessibility with axe-core in
 * both themes, and saves docs/screenshots/retro-{light,dark}.png.
 */
import type { Page } from 'playwright-core';
import { RETRO_CSV_HEADER } from '../../src/shared/retro-report';
import {
  colorModeOf,
  screenshot,
  seriousAxeViolations,
  startPreviewInChromium,
  type Preview,
} from './preview-harness';

jest.setTimeout(120_000);

let preview: Preview | undefined;

beforeAll(async () => {
  preview = await startPreviewInChromium();
});

afterAll(async () => {
  await preview?.close();
});

async function openRetro(theme: 'light' | 'dark' = 'light'): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 1440, height: 900 } });
  const url = new URL(
    `project-page/?route=retro${theme === 'dark' ? '&theme=dark' : ''}`,
    preview.server.url,
  );
  await page.goto(url.href);
  await page.getByTestId('sprint-table').waitFor({ state: 'visible' });
  return page;
}

describe('retro sub-page in the local preview (Chromium)', () => {
  it('is listed on the preview index as a sub-page of the project page', async () => {
    if (!preview) throw new Error('the preview did not start');
    const html = await (await fetch(preview.server.url)).text();
    expect(html).toContain('href="/project-page/?route=retro"');
    expect(html).toContain('Retro and trends');
  });

  it('shows the per-sprint table, the charts and the trend summary', async () => {
    const page = await openRetro();
    const rows = page.getByTestId('sprint-table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(6);
    await expect(rows.first().locator('th').textContent()).resolves.toBe('DT Sprint 1');
    await expect(page.getByTestId('share-chart').isVisible()).resolves.toBe(true);
    const summary = (await page.getByTestId('trend-summary').textContent()) ?? '';
    expect(summary).toMatch(/Runway (steady at|back to|up from|down from)/);
    expect(summary).toMatch(/Overrun spikes/);
    await expect(page.getByTestId('misses').textContent()).resolves.toContain(
      'Basket size unchanged after four weeks',
    );
    await page.close();
  });

  it('the CSV link downloads the retro data with the expected header', async () => {
    const page = await openRetro();
    const link = page.getByTestId('csv-link');
    await page.waitForFunction(() =>
      (
        globalThis as unknown as {
          document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };
        }
      ).document
        .querySelector('[data-testid="csv-link"]')
        ?.getAttribute('href')
        ?.startsWith('blob:'),
    );
    await expect(link.getAttribute('download')).resolves.toBe('retro-DT.csv');
    const href = (await link.getAttribute('href')) ?? '';
    expect(href.startsWith('blob:')).toBe(true);
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(RETRO_CSV_HEADER.join(','));
    expect(lines).toHaveLength(7);
    await page.close();
  });

  it.each(['light', 'dark'] as const)(
    'has no serious accessibility violations in the %s theme',
    async (theme) => {
      const page = await openRetro(theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      await screenshot(page, `retro-${theme}.png`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.close();
    },
  );
});
