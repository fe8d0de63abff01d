/**
 * The project page as a person sees it: the preview build of the Custom UI in Debian's Chromium,
 * served by the local preview server (dev/preview) that runs the real resolvers against the Jira
 * emulator seeded with the demo project. Also checks accessibility with axe-core and saves the
 * README's screenshots (project-page-{light,dark}.png, refreshed by `npm run screenshots`).
 */
import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { addDemoItem } from '../../dev/emulator/demo-project';
import { startPreviewServer, type PreviewServer } from '../../dev/preview/server';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { launchChromium } from '../../dev/tools/browser';
import { buildPreviewOnce, patientPages, SCREENSHOTS } from './preview-harness';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

jest.setTimeout(120_000);

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let overview: ProjectOverview;

/** What the preview records instead of navigating Jira (dev/preview/bridge-shim.ts). */
interface PreviewRecord {
  __dualTrackPreview?: { navigations: string[] };
}

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

beforeAll(async () => {
  // Once per jest run: another browser test file may be serving the build.
  const buildMs = await buildPreviewOnce();
  console.log(`preview build: ${buildMs} ms`);
  server = await startPreviewServer({ port: 0 });
  browser = (await launchChromium()).browser;
  patientPages(browser);
  overview = await fetchOverview();
});

/** The resolver's answer for the project page, as the preview serves it. */
async function fetchOverview(): Promise<ProjectOverview> {
  if (!server) throw new Error('the preview did not start');
  const answer = await fetch(new URL('api/invoke', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resource: 'project-page', functionKey: 'project/overview' }),
  });
  const result = (await answer.json()) as { ok: boolean; data: ProjectOverview };
  if (!result.ok) throw new Error(`project/overview failed: ${JSON.stringify(result)}`);
  return result.data;
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The User Timing mark the page sets when it first shows the overview (ProjectPage.tsx). */
const FIRST_RENDER_MARK = 'dt:first-render';

async function openProjectPage(theme: 'light' | 'dark'): Promise<{ page: Page; ms: number }> {
  if (!browser || !server) throw new Error('the preview did not start');
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const url = new URL(`project-page/${theme === 'dark' ? '?theme=dark' : ''}`, server.url);
  await page.goto(url.href);
  await page.getByTestId('signals').waitFor({ state: 'visible' });
  // Milliseconds from the start of navigation to the page's first render of the overview.
  const handle = await page.waitForFunction(
    (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime,
    FIRST_RENDER_MARK,
  );
  const ms = Math.round(Number(await handle.jsonValue()));
  return { page, ms };
}

async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated over CDP: an inline <script> would be blocked by the page's CSP.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: () => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const summary = (violations: AxeViolation[]) =>
  violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes[0]?.target)}`,
  );

describe('project page in the local preview (Chromium)', () => {
  it('marks its first render once (the time is printed: median of 3 loads)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { page, ms } = await openProjectPage('light');
      const marks = await page.evaluate(
        (name) => performance.getEntriesByName(name, 'mark').length,
        FIRST_RENDER_MARK,
      );
      expect(marks).toBe(1);
      expect(ms).toBeGreaterThan(0);
      times.push(ms);
      await page.close();
    }
    const median = [...times].sort((a, b) => a - b)[1];
    console.log(
      `project page: first render (${FIRST_RENDER_MARK}) ${median} ms after navigation start, median of 3 loads [${times.join(', ')}]`,
    );
  });

  it('shows both tracks, every signal with its number and reason, and the demo warnings', async () => {
    const { page } = await openProjectPage('light');

    await expect(
      page.getByRole('heading', { name: 'Discovery track', level: 2 }).isVisible(),
    ).resolves.toBe(true);
    await expect(
      page.getByRole('heading', { name: 'Delivery track', level: 2 }).isVisible(),
    ).resolves.toBe(true);

    for (const id of [
      'runway',
      'buildTrap',
      'paralysis',
      'capacity',
      'openEnded',
      'unscopedEnablers',
      'needsDiscovery',
      'cadence',
    ] as const) {
      const card = page.getByTestId(`signal-${id}`);
      await expect(card.getByTestId(`signal-${id}-reason`).textContent()).resolves.toBe(
        overview.signals[id].reason,
      );
      await expect(card.getByTestId(`signal-${id}-value`).textContent()).resolves.toMatch(
        id === 'buildTrap' || id === 'paralysis' ? /^None$/ : /\d/,
      );
    }
    // The demo is in balance: both failure modes are named, with their thresholds, and clear.
    await expect(
      page
        .getByTestId('signal-paralysis')
        .getByText(
          'Pause at 3 sprints; promote validated ideas within 42 days; evidence fresh for 28 days',
          {
            exact: true,
          },
        )
        .isVisible(),
    ).resolves.toBe(true);
    await expect(
      page.getByTestId('signal-buildTrap').getByText('No risk').isVisible(),
    ).resolves.toBe(true);
    // The demo project: 1.1 sprints of runway (healthy) and an unscoped enabler in the sprint.
    const runway = overview.signals.runway;
    expect(runway.verdict).toBe('healthy');
    await expect(page.getByTestId('signal-runway-value').textContent()).resolves.toBe(
      `${runway.sprints} sprints`,
    );
    await expect(page.getByTestId('signal-runway').getByText('Healthy').isVisible()).resolves.toBe(
      true,
    );
    // The card lists the ready-looking items it left out, each with why; a key opens the item.
    const left = page.getByRole('list', { name: 'Runway: items' });
    const [first] = runway.excluded.items;
    if (!first) throw new Error('the demo project leaves nothing out of runway');
    await expect(left.getByRole('listitem').nth(0).textContent()).resolves.toBe(
      `${first.key}: explore first (entry criteria)`,
    );
    await expect(
      page.getByTestId('signal-runway').getByText('and 1 more').isVisible(),
    ).resolves.toBe(true);
    await left.getByRole('button', { name: first.key }).click();
    await expect(
      page.evaluate(() => (globalThis as PreviewRecord).__dualTrackPreview?.navigations ?? []),
    ).resolves.toEqual([`/browse/${first.key}`]);
    // The ready column badges an item left out of runway.
    await expect(
      page
        .getByTestId('column-delivery-ready')
        .getByText('Not ready: not estimated', { exact: true })
        .isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByTestId('signal-capacity-value').textContent()).resolves.toBe(
      `${overview.signals.capacity.discoveryPercent}% of the sprint`,
    );
    // The card says where "On target" ends: the target less its tolerance.
    const { targetPercent, warnBelowPercent, leftOut } = overview.signals.capacity;
    const capacityCard = page.getByTestId('signal-capacity');
    await expect(
      capacityCard
        .getByText(
          `Target ${targetPercent}% for spikes and scoped enablers; a warning below ${warnBelowPercent}%`,
          { exact: true },
        )
        .isVisible(),
    ).resolves.toBe(true);
    // The unscoped enabler in the sprint is named as left out of the share.
    const [notCounted] = leftOut;
    if (!notCounted) throw new Error('the demo sprint leaves nothing out of the share');
    await expect(
      capacityCard.getByRole('listitem').filter({ hasText: notCounted.key }).textContent(),
    ).resolves.toBe(`${notCounted.key}: no scoped outcome`);
    // The product discovery cadence: the sprint's activities against the target.
    const { cadence } = overview.signals;
    await expect(page.getByTestId('signal-cadence-value').textContent()).resolves.toBe(
      `${cadence.count} activities by day ${cadence.days?.elapsed} of ${cadence.days?.length}`,
    );
    await expect(
      page
        .getByTestId('signal-cadence')
        .getByText(`At least ${cadence.target} interviews, tests or reviews each sprint`, {
          exact: true,
        })
        .isVisible(),
    ).resolves.toBe(true);
    // Every column lists all it holds: no "Open all in Jira" link anywhere.
    await expect(page.locator('[data-testid$="-search"]').count()).resolves.toBe(0);
    expect(overview.signals.unscopedEnablers.inSprintCount).toBeGreaterThan(0);
    await expect(
      page.getByTestId('signal-unscopedEnablers').getByText('Unscoped in sprint').isVisible(),
    ).resolves.toBe(true);

    await page.close();
  });

  it('flags delivery work that needs discovery first: the signal card and a badge on each flagged item', async () => {
    const { page } = await openProjectPage('light');
    const signal = overview.signals.needsDiscovery;
    // The demo project: one item to explore first, one waiting on a spike, one waiting on an
    // idea, one covered.
    expect(signal.items.map((i) => i.state)).toEqual(['needs-discovery', 'waiting', 'waiting']);
    const card = page.getByTestId('signal-needsDiscovery');
    await expect(
      card.getByRole('heading', { name: 'Needs discovery first' }).isVisible(),
    ).resolves.toBe(true);
    await expect(card.getByTestId('signal-needsDiscovery-value').textContent()).resolves.toBe(
      '3 items',
    );
    await expect(
      card.getByText(`Explore first when: ${signal.criteria}`, { exact: true }).isVisible(),
    ).resolves.toBe(true);
    await expect(card.getByText('Explore first', { exact: true }).isVisible()).resolves.toBe(true);
    const [explore, waiting] = signal.items;
    if (!explore || !waiting) throw new Error('the demo project flags no items');
    const listed = card.getByRole('list', { name: 'Needs discovery first: items' });
    await expect(listed.getByRole('listitem').nth(0).textContent()).resolves.toBe(
      `${explore.key}: explore first (label "architecture")`,
    );
    await expect(listed.getByRole('listitem').nth(1).textContent()).resolves.toBe(
      `${waiting.key}: waiting on ${waiting.waitingOn.join(', ')}`,
    );

    const exploreItem = page.getByTestId('track-delivery').getByTestId(`item-${explore.key}`);
    await expect(
      exploreItem.getByText('Explore first: label "architecture"', { exact: true }).isVisible(),
    ).resolves.toBe(true);
    const waitingItem = page.getByTestId('track-delivery').getByTestId(`item-${waiting.key}`);
    await expect(
      waitingItem
        .getByText(`Waiting on ${waiting.waitingOn.join(', ')}`, { exact: true })
        .isVisible(),
    ).resolves.toBe(true);
    expect(summary(await seriousAxeViolations(page))).toEqual([]);
    await page.close();
  });

  it('puts each item in its own track and column, and opens it in Jira by mouse or keyboard', async () => {
    const { page } = await openProjectPage('light');
    const idea = [...overview.discovery.validated, ...overview.discovery.validating][0];
    const delivery = [...overview.delivery.ready, ...overview.delivery.activeSprint][0];
    if (!idea || !delivery) throw new Error('the demo project has no discovery or delivery items');
    const ideaColumn = overview.discovery.validated.includes(idea) ? 'validated' : 'validating';
    const deliveryColumn = overview.delivery.ready.includes(delivery) ? 'ready' : 'activeSprint';

    const ideaCard = page
      .getByTestId(`column-discovery-${ideaColumn}`)
      .getByTestId(`item-${idea.key}`);
    await expect(ideaCard.isVisible()).resolves.toBe(true);
    await expect(
      page.getByTestId('track-delivery').getByTestId(`item-${idea.key}`).count(),
    ).resolves.toBe(0);
    await expect(
      page
        .getByTestId(`column-delivery-${deliveryColumn}`)
        .getByTestId(`item-${delivery.key}`)
        .isVisible(),
    ).resolves.toBe(true);

    await ideaCard.getByRole('button').click();
    await page.getByTestId(`item-${delivery.key}`).getByRole('button').focus();
    await page.keyboard.press('Enter');
    const navigations = await page.evaluate(
      () => (globalThis as PreviewRecord).__dualTrackPreview?.navigations ?? [],
    );
    expect(navigations).toEqual([`/browse/${idea.key}`, `/browse/${delivery.key}`]);
    await page.close();
  });

  it.each(['light', 'dark'] as const)(
    'the discovery track in two lanes, ideas by stage and spikes and enablers by readiness (%s theme, axe, screenshot)',
    async (theme) => {
      const { page } = await openProjectPage(theme);
      const track = page.getByTestId('track-discovery');
      await expect(
        track.getByRole('heading', { name: 'Ideas', level: 3 }).isVisible(),
      ).resolves.toBe(true);
      const lane = page.getByTestId('lane-engineering');
      await expect(
        lane.getByRole('heading', { name: 'Engineering discovery', level: 3 }).isVisible(),
      ).resolves.toBe(true);
      for (const [id, items] of Object.entries(overview.engineering)) {
        const column = lane.getByTestId(`column-engineering-${id}`);
        await expect(column.isVisible()).resolves.toBe(true);
        for (const item of items) {
          await expect(column.getByTestId(`item-${item.key}`).isVisible()).resolves.toBe(true);
          // Never also among the ideas.
          await expect(
            page.getByTestId('lane-ideas').getByTestId(`item-${item.key}`).count(),
          ).resolves.toBe(0);
        }
      }
      const [overrun] = overview.engineering['over-timebox'];
      if (!overrun) throw new Error('the demo has no spike past its timebox');
      await expect(
        lane.getByTestId('column-engineering-over-timebox').textContent(),
      ).resolves.toContain(overrun.summary);
      await expect(lane.getByTestId('column-engineering-done').textContent()).resolves.toContain(
        'Nothing finished this sprint.',
      );
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await lane.screenshot({ path: path.join(SCREENSHOTS, `project-page-lanes-${theme}.png`) });
      expect(summary(await seriousAxeViolations(page))).toEqual([]);
      await page.close();
    },
  );

  it.each(['light', 'dark'] as const)(
    'has no serious accessibility violations in the %s theme (and saves its screenshot)',
    async (theme) => {
      const { page } = await openProjectPage(theme);
      const mode = await page.evaluate(() =>
        (
          globalThis as unknown as {
            document: { documentElement: { getAttribute(n: string): string | null } };
          }
        ).document.documentElement.getAttribute('data-color-mode'),
      );
      expect(mode).toBe(theme);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({
        path: path.join(SCREENSHOTS, `project-page-${theme}.png`),
        fullPage: true,
      });
      expect(summary(await seriousAxeViolations(page))).toEqual([]);
      await page.close();
    },
  );

  // Last: it grows the demo project's backlog for the rest of this server's life.
  it('a backlog above the list limit: the column says how many it holds and runway says "at least"', async () => {
    if (!server) throw new Error('the preview did not start');
    for (let i = 1; i <= 120; i++) {
      addDemoItem(server.em, 'DT', new Date(), {
        type: 'Story',
        summary: `Backlog story ${i}`,
        status: 'To Do',
        points: 3,
      });
    }
    const big = await fetchOverview();
    const ready = big.columnCounts.delivery.ready;
    expect(ready).toBe(overview.columnCounts.delivery.ready + 120);
    expect(big.delivery.ready).toHaveLength(big.listLimit);
    expect(big.signals.runway).toMatchObject({ atLeast: true, verdict: 'paralysis' });

    const { page } = await openProjectPage('light');
    const column = page.getByTestId('column-delivery-ready');
    await expect(column.getByRole('heading', { level: 4 }).textContent()).resolves.toBe(
      `Ready (${ready})`,
    );
    await expect(column.getByRole('listitem').count()).resolves.toBe(big.listLimit);
    await expect(page.getByTestId('column-delivery-ready-more').textContent()).resolves.toBe(
      `First ${big.listLimit} shown; ${ready - big.listLimit} more counted.`,
    );
    // The rest opens in Jira's issue search, with the JQL the resolver read the column with.
    const jql = big.columnJql.delivery.ready;
    if (!jql) throw new Error('the ready column has no JQL');
    const search = page.getByTestId('column-delivery-ready-search');
    await expect(search.textContent()).resolves.toBe(`Open all ${ready} in Jira`);
    await expect(page.getByTestId('column-delivery-inProgress-search').count()).resolves.toBe(0);
    await search.click();
    const navigations = await page.evaluate(
      () => (globalThis as PreviewRecord).__dualTrackPreview?.navigations ?? [],
    );
    expect(navigations).toEqual([`/issues/?jql=${encodeURIComponent(jql)}`]);
    await expect(page.getByTestId('signal-runway-value').textContent()).resolves.toBe(
      `At least ${big.signals.runway.sprints} sprints`,
    );
    await expect(
      page.getByTestId('signal-runway').getByText('Pause discovery', { exact: true }).isVisible(),
    ).resolves.toBe(true);
    expect(summary(await seriousAxeViolations(page))).toEqual([]);
    await page.close();
  });
});
