/**
 * The retro and trends sub-page as a person sees it: the preview build in Debian's Chromium,
 * served by the local preview (real resolvers, Jira emulator with the demo project and its
 * seeded sprint history). Checks the per-sprint table, the charts (no label overlapping another,
 * the hit rate of validated ideas over time, each chart's numbers one click away), the
 * plain-words trend summary, the CSV download, accessibility with axe-core in both themes (saving
 * docs/screenshots/retro-{light,dark}.png), and, last since the preview keeps what is recorded
 * while it runs, an outcome recorded from the page: the hit rate, its chart and the misses follow,
 * also after a reload.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { RETRO_CSV_HEADER } from '../../src/contract/retro-report';
import {
  choose,
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

/**
 * What a chart label (SVG text) overlaps, within any chart matching `selector`: another label, a
 * line (the target line, a trend or the hit rate to date), a bar or a point.
 */
async function overlappingLabels(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    interface Box {
      x: number;
      y: number;
      width: number;
      height: number;
    }
    interface El {
      tagName: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
      getBBox(): Box;
      querySelectorAll(s: string): ArrayLike<El>;
    }
    const doc = (globalThis as unknown as { document: El }).document;
    const found: string[] = [];
    const num = (el: El, name: string) => Number(el.getAttribute(name) ?? 0);
    const inside = (b: Box, px: number, py: number) =>
      px > b.x + 0.5 && px < b.x + b.width - 0.5 && py > b.y + 0.5 && py < b.y + b.height - 0.5;
    const meet = (a: Box, b: Box) =>
      a.x + 0.5 < b.x + b.width &&
      b.x + 0.5 < a.x + a.width &&
      a.y + 0.5 < b.y + b.height &&
      b.y + 0.5 < a.y + a.height;
    for (const svg of Array.from(doc.querySelectorAll(sel))) {
      const labels = Array.from(svg.querySelectorAll('text'))
        .filter((t) => (t.textContent ?? '').trim() !== '')
        .map((t) => ({ text: t.textContent ?? '', box: t.getBBox() }));
      const segments: Array<[number, number, number, number]> = [];
      for (const line of Array.from(svg.querySelectorAll('line'))) {
        segments.push([num(line, 'x1'), num(line, 'y1'), num(line, 'x2'), num(line, 'y2')]);
      }
      for (const poly of Array.from(svg.querySelectorAll('polyline'))) {
        const pts = (poly.getAttribute('points') ?? '')
          .trim()
          .split(/\s+/)
          .filter((p) => p !== '')
          .map((p) => p.split(',').map(Number));
        for (let i = 1; i < pts.length; i++) {
          const [x1 = 0, y1 = 0] = pts[i - 1] ?? [];
          const [x2 = 0, y2 = 0] = pts[i] ?? [];
          segments.push([x1, y1, x2, y2]);
        }
      }
      // A target band (.retro-band) is a backdrop: labels sit on it, as on the page.
      const shapes = Array.from(svg.querySelectorAll('rect:not(.retro-band), circle')).map(
        (el) => ({
          what: el.tagName,
          box: el.getBBox(),
        }),
      );
      labels.forEach((a, i) => {
        for (const b of labels.slice(i + 1)) {
          if (meet(a.box, b.box)) found.push(`"${a.text}" overlaps "${b.text}"`);
        }
        for (const [x1, y1, x2, y2] of segments) {
          const steps = Math.ceil(Math.hypot(x2 - x1, y2 - y1) * 2);
          for (let k = 0; k <= steps; k++) {
            const t = steps === 0 ? 0 : k / steps;
            if (inside(a.box, x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)) {
              found.push(`"${a.text}" is crossed by a line`);
              break;
            }
          }
        }
        for (const shape of shapes) {
          if (meet(a.box, shape.box)) found.push(`"${a.text}" overlaps a ${shape.what}`);
        }
      });
    }
    return found;
  }, selector);
}

/** The text of one column of a table's body rows (1 = the row header). */
async function column(table: ReturnType<Page['locator']>, n: number): Promise<string[]> {
  return table.locator(`tbody tr > :nth-child(${n})`).allTextContents();
}

describe('retro sub-page in the local preview (Chromium)', () => {
  it("is listed in the preview frame's sidebar as a sub-page of the project page", async () => {
    if (!preview) throw new Error('the preview did not start');
    const html = await (await fetch(preview.server.url)).text();
    expect(html).toContain(
      '<a href="/project/retro" data-testid="nav-project:retro">Retro and trends</a>',
    );
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
    await expect(page.getByTestId('hit-rate-chart').isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('runway: the sprint without a value is a gap, each sprint shaded by the target of its end', async () => {
    const page = await openRetro();
    const chart = page.getByTestId('trend-runway').locator('svg');
    // Demo: sprint 1 has no velocity before it, so no runway; sprints 4 and 5 fell below 1-2.
    await expect(chart.getByTestId('trend-target').count()).resolves.toBe(6);
    const points = chart.getByTestId('trend-point');
    await expect(points.count()).resolves.toBe(5);
    const judged = await Promise.all(
      (await points.all()).map((p) => p.getAttribute('data-judged')),
    );
    expect(judged).toEqual(['within', 'within', 'below', 'below', 'within']);
    // The line starts at sprint 2: nothing is drawn at sprint 1's place, least of all at the bottom.
    const first = await chart.getByTestId('trend-target').first().boundingBox();
    const leftmost = await points.first().boundingBox();
    expect((leftmost?.x ?? 0) > (first?.x ?? 0) + (first?.width ?? 0)).toBe(true);
    await expect(chart.getAttribute('aria-label')).resolves.toContain(
      'S1 not measured (target then 1-2)',
    );
    await page.close();
  });

  it('no chart label overlaps another label, a line, a bar or a point', async () => {
    const page = await openRetro();
    await expect(page.getByTestId('target-label').textContent()).resolves.toBe('target 20%');
    expect(await overlappingLabels(page, 'svg.retro-chart')).toEqual([]);
    // The target line's label is right of every bar.
    const target = await page.getByTestId('target-label').boundingBox();
    const bars = await page.getByTestId('share-chart').locator('rect').all();
    expect(bars).toHaveLength(6);
    for (const bar of bars) {
      const box = await bar.boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThan(target?.x ?? 0);
    }
    await page.close();
  });

  it("each chart's numbers are one click away, the same as the sprint table's", async () => {
    const page = await openRetro();
    const figures = page.locator('figure.retro-figure');
    // Five trends, the discovery share and the hit rate.
    await expect(figures.count()).resolves.toBe(11);
    for (const figure of await figures.all()) {
      const table = figure.locator('table');
      await expect(table.isVisible()).resolves.toBe(false);
      const toggle = figure.getByRole('button', { name: 'Show the numbers' });
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await toggle.click();
      await expect(table.isVisible()).resolves.toBe(true);
      await expect(
        figure.getByRole('button', { name: 'Hide the numbers' }).getAttribute('aria-expanded'),
      ).resolves.toBe('true');
      await expect(table.locator('tbody tr').count()).resolves.toBe(6);
    }
    const sprints = page.getByTestId('sprint-table');
    const share = page.getByTestId('share-figure').locator('table');
    const hitRate = page.getByTestId('hit-rate-figure').locator('table');
    // Discovery share and its target then: the sprint table's 4th and 5th columns; the sprint's
    // hit rate: its 15th.
    await expect(column(share, 4)).resolves.toEqual(await column(sprints, 4));
    await expect(column(share, 5)).resolves.toEqual(await column(sprints, 5));
    await expect(column(hitRate, 6)).resolves.toEqual(await column(sprints, 15));
    // Each sprint's share is drawn against the target in force when it ended: a mark per sprint.
    await expect(page.getByTestId('share-chart').getByTestId('target-mark').count()).resolves.toBe(
      6,
    );
    // The seeded outcomes: hit (sprint 2), missed (3), partly (4), too early (5).
    await expect(column(hitRate, 7)).resolves.toEqual(['–', '100%', '50%', '33%', '33%', '33%']);
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
    // A click downloads it, the way a user gets it. (A fetch() of the blob: URL would be refused
    // by the page's connect-src, as on a real site; a download is not a connection.)
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('retro-DT.csv');
    const csv = readFileSync(await download.path(), 'utf8');
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

  it('records an outcome from the page: the hit rate, its chart and the misses follow, also after a reload', async () => {
    const page = await openRetro();
    const hitRate = page.getByTestId('hit-rate');
    await expect(hitRate.textContent()).resolves.toBe(
      'Hit rate of validated ideas: 33% (1 of 3 judged)',
    );
    // The one delivered item from a validated idea with no outcome yet (sprint 6).
    const open = page.getByTestId(/^outcome-/).filter({ hasText: 'not recorded yet' });
    await expect(open.count()).resolves.toBe(1);
    const [, key = '', ideaKey = ''] =
      /^(\S+) .*\(from (\S+) /.exec((await open.textContent()) ?? '') ?? [];
    expect(key).toMatch(/^DT-\d+$/);
    const note = 'Nobody subscribed in the first month';
    await choose(open, 'Outcome', 'Missed');
    await open.getByLabel('Note', { exact: true }).fill(note);
    await open.getByRole('button', { name: `Record the outcome of ${key}` }).click();
    await hitRate.filter({ hasText: '25%' }).waitFor();

    const check = async () => {
      await expect(hitRate.textContent()).resolves.toBe(
        'Hit rate of validated ideas: 25% (1 of 4 judged)',
      );
      await expect(page.getByTestId(`outcome-${key}`).textContent()).resolves.toContain(
        `(from ${ideaKey} Subscribe and save): Missed`,
      );
      const misses = page.getByTestId('misses').locator(':scope > ul > li');
      await expect(misses.count()).resolves.toBe(2);
      const miss = misses.filter({ hasText: note });
      await expect(miss.locator('strong').textContent()).resolves.toBe(key);
      // With the idea's original evidence, its key a link and its date in the reader's locale.
      await expect(miss.locator('li').allTextContents()).resolves.toContainEqual(
        expect.stringMatching(
          new RegExp(`^${ideaKey} · [A-Z][a-z]{2} \\d{1,2}, \\d{4} · interview: `),
        ),
      );
      await expect(
        miss.locator('li').first().getByRole('link', { name: ideaKey }).count(),
      ).resolves.toBe(1);
      // The chart: sprint 6 judged once, no hit; the hit rate to date falls to 25%.
      await expect(
        page.getByTestId('hit-rate-chart').getAttribute('aria-label'),
      ).resolves.toContain('S6: 0% of 1 judged, 25% to date');
      const figure = page.getByTestId('hit-rate-figure');
      await figure.getByRole('button', { name: 'Show the numbers' }).click();
      await expect(
        figure.locator('tbody tr').last().locator('th, td').allTextContents(),
      ).resolves.toEqual(['S6', '1', '0', '0', '1', '0%', '25%']);
      await expect(column(figure.locator('table'), 7)).resolves.toEqual([
        '–',
        '100%',
        '50%',
        '33%',
        '33%',
        '25%',
      ]);
    };
    await check();
    await page.reload();
    await page.getByTestId('sprint-table').waitFor({ state: 'visible' });
    await check();
    await page.close();
  });
});
