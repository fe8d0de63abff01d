import { DEMO_USERS, seedSyntheticProject } from '../emulator/demo-project';
import { connectJpdSpace, openIdeasOf, seedJpdBacklog, seedJpdSpace } from '../emulator/jpd-space';

import { JiraEmulator } from '../emulator/jira-emulator';
import { SEARCH_PAGE_WITH_FIELDS } from '../emulator/routes/search';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { KEYS } from '../../src/storage/key-families';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { loadProjectData, loadProjectOverview } from '../../src/project-page/load-project';
import { readIssuesInPages } from '../../src/jira/search';
import { AGILE_MAX_RESULTS } from '../../src/jira/boards';
import { allResolvers } from '../../src/resolvers/all-resolvers';
import { projectOf, resolver, type Requirement } from '../../src/resolvers/resolver-kit';
import type { Result } from '../../src/contract/bridge-contract';
import type { ProjectOverview } from '../../src/contract/project-overview';
import {
  budget,
  describeStrategy,
  formatTable,
  independentLowerBound,
  openBudget,
  type BudgetLine,
  type CallLatency,
  type LowerBound,
} from './cost-model';
import { neededItems, type DataVariant, type NeededItems } from './page-variants';

/**
 * The project page in the bench: one data variant at one size, loaded by the app, by the plain
 * read-everything baseline and priced by the independent lower bound, each load inside a Forge
 * invocation whose virtual clock advances by the latency model (cost-model.ts): calls, points,
 * modelled time, the app's own computing time, memory and the response to the browser; then
 * twenty viewers in a minute (the page shared). Budgets: docs/costs.md.
 */

/** Storage requests: the emulator's chosen 10 ms (Atlassian documents no latency). */
const STORAGE_MS = 10;
const NO_LATENCY: CallLatency = { perCallMs: 0, perObjectMs: 0 };

interface Measured<T> {
  value: T;
  wallMs: number;
  peakHeapMb: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Wall time and the peak heap growth over the call (sampled every 5 ms; emulator included). */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 5);
  const started = performance.now();
  try {
    const value = await fn();
    const wallMs = performance.now() - started;
    sample();
    return { value, wallMs, peakHeapMb: (peak - before) / 1_048_576 };
  } finally {
    clearInterval(timer);
  }
}

export const ms = (n: number): string => `${Math.round(n).toLocaleString('en-US')} ms`;
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const ratio = (a: number, b: number): string => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);

const CAN_BROWSE: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['BROWSE_PROJECTS'],
  because: 'Browse projects is needed.',
};

/**
 * The deliberately plain baseline: the same resolver and page, but it reads every open item
 * (and velocity), each search's pages one after another with all navigable fields
 * (`*navigable`; Jira grants 100 a page).
 */
const baselineOverview = resolver('project/overview', [CAN_BROWSE], (caller) =>
  loadProjectOverview({
    jira: caller.jira,
    project: projectOf(caller),
    now: caller.now,
    readEverything: (jira, jql, _fields, onPage) =>
      readIssuesInPages(jira, jql, ['*navigable'], onPage),
  }),
);

type Overview = (request: {
  payload: unknown;
  context: unknown;
}) => Promise<Result<ProjectOverview>>;

export interface PageRun {
  calls: number;
  points: number;
  /** Virtual time of the load under the latency model (Jira and storage requests). */
  networkMs: number;
  /** Real time the app itself computed (the run's real time less the emulator's answering). */
  appMs: number;
  peakHeapMb: number;
  responseBytes: number;
  openItems: number | undefined;
  overview: ProjectOverview | undefined;
}

/** The load's modelled time: the network under the latency model plus the app's computing. */
export const modelledMs = (run: PageRun): number => run.networkMs + run.appMs;

/**
 * One load inside a queue-consumer invocation allowed 900 s (so that a slow baseline is timed,
 * not stopped: the 25 s limit of a UI resolver is a budget line of its own).
 */
async function runPage(
  em: JiraEmulator,
  fn: Overview,
  project: { id: string; key: string },
  latency: CallLatency,
  accountId: string = DEMO_USERS.member,
): Promise<PageRun> {
  em.resetCalls();
  em.latencyMs = 0;
  em.invocations.latency = {
    jiraRequestMs: latency.perCallMs,
    perReturnedIssueMs: latency.perObjectMs,
    storageRequestMs: latency.perCallMs === 0 ? 0 : STORAGE_MS,
  };
  const handled = em.handlingMs;
  const run = await measure(() =>
    em.invocations.run(
      'consumer',
      'project/overview',
      () =>
        em.runAs(accountId, () =>
          fn({ payload: {}, context: { accountId, extension: { project } } }),
        ),
      { timeoutSeconds: 900 },
    ),
  );
  const record = em.invocations.log[em.invocations.log.length - 1];
  const jira = em.calls.filter((c) => c.remote === 'jira');
  return {
    calls: jira.length,
    points: jira.reduce((sum, c) => sum + c.points, 0),
    networkMs: record?.virtualMs ?? 0,
    appMs: Math.max(0, run.wallMs - (em.handlingMs - handled)),
    peakHeapMb: run.peakHeapMb,
    responseBytes: Buffer.byteLength(JSON.stringify(run.value)),
    openItems: run.value.ok ? run.value.data.totals.openItems : undefined,
    overview: run.value.ok ? run.value.data : undefined,
  };
}

/**
 * Where our page differs from the plain baseline's (which reads every open item): lists,
 * counts and every signal must be the same, except that runway may be a lower bound ("at
 * least") when its verdict is the same.
 */
export function differencesFromBaseline(
  ours: ProjectOverview,
  baseline: ProjectOverview,
): string[] {
  // Past LIST_LIMIT flagged items, ours lists the first ones and says "at least".
  const entryPartial = ours.signals.needsDiscovery.atLeast;
  // Runway read as a lower bound ("at least") gives the failure modes that bound too: their
  // verdicts and items must agree, their runway figure (and the reason quoting it) may differ.
  const runwayPartial = ours.signals.runway.atLeast;
  const withoutFigure = <T extends { runwaySprints?: number | undefined; reason: string }>(
    signal: T,
  ): Partial<T> => {
    if (!runwayPartial) return signal;
    const copy: Partial<T> = { ...signal };
    delete copy.runwaySprints;
    delete copy.reason;
    return copy;
  };
  const comparable = (o: ProjectOverview) => {
    const { level, verdict, velocity, velocitySprints, unit, target } = o.signals.runway;
    const runway = { level, verdict, velocity, velocitySprints, unit, target };
    const { needsDiscovery, buildTrap, paralysis, ...rest } = o.signals;
    const others = {
      ...rest,
      buildTrap: withoutFigure(buildTrap),
      paralysis: withoutFigure(paralysis),
    };
    // Past LIST_LIMIT flagged items the flagged ones ours did not read are not among the
    // items it counts as left out of the lists (checked below: never more than the baseline's).
    const { omitted, ...totals } = o.totals;
    const large = /^This project is large: /;
    return {
      totals: entryPartial ? totals : o.totals,
      columnCounts: o.columnCounts,
      discovery: o.discovery,
      delivery: o.delivery,
      signals: { ...others, runway, ...(entryPartial ? {} : { needsDiscovery }) },
      notes: entryPartial ? o.notes.filter((note) => !large.test(note)) : o.notes,
      omitted,
    };
  };
  const a = comparable(ours);
  const b = comparable(baseline);
  const differences = (Object.keys(a) as Array<keyof typeof a>)
    .filter(
      (k) => k !== 'signals' && k !== 'omitted' && JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    )
    .map((k) => String(k));
  // Signals by name, so that a difference says which one.
  for (const name of Object.keys(a.signals) as Array<keyof typeof a.signals>) {
    if (JSON.stringify(a.signals[name]) !== JSON.stringify(b.signals[name])) {
      differences.push(`signals.${String(name)}`);
    }
  }
  const r = ours.signals.runway;
  const base = baseline.signals.runway;
  const runwayAgrees = r.atLeast
    ? r.sprints !== undefined && base.sprints !== undefined && r.sprints <= base.sprints
    : r.sprints === base.sprints && r.readyWork === base.readyWork && r.reason === base.reason;
  if (!runwayAgrees) differences.push('runway');
  const entry = ours.signals.needsDiscovery;
  const baseEntry = baseline.signals.needsDiscovery;
  if (entryPartial && (entry.count > baseEntry.count || entry.level !== baseEntry.level)) {
    differences.push('needsDiscovery');
  }
  if (entryPartial ? a.omitted > b.omitted : a.omitted !== b.omitted) {
    differences.push('totals.omitted');
  }
  return differences;
}

/** Seeds the global settings with `page.sharedSeconds`; `restore` puts back what was stored. */
function setSharedSeconds(em: JiraEmulator, seconds: number): { restore: () => void } {
  const before = em.kvs.peek(KEYS.globalConfig);
  em.kvs.seed(KEYS.globalConfig, {
    version: 1,
    updatedAt: new Date().toISOString(),
    updatedBy: DEMO_USERS.admin,
    settings: { ...DEFAULT_CONFIG, page: { sharedSeconds: seconds } },
  });
  return {
    restore: () =>
      before === undefined
        ? em.kvs.unseed(KEYS.globalConfig)
        : em.kvs.seed(KEYS.globalConfig, before),
  };
}

interface ViewersRun {
  viewers: number;
  /** Points of every viewer's load together. */
  points: number;
  /** Jira calls of the first load and of each later one (the most of them). */
  firstCalls: number;
  laterCalls: number;
}

/**
 * Twenty people open the project page within a minute (the default shared time), one after
 * another: the first loads it from Jira, the others are served that load.
 */
async function twentyViewers(
  em: JiraEmulator,
  ours: Overview,
  project: { id: string; key: string },
): Promise<ViewersRun> {
  const runs: PageRun[] = [];
  for (let i = 1; i <= 20; i++) {
    const accountId = `bench-viewer-${i}`;
    if (!em.users.has(accountId)) em.addUser({ accountId, displayName: `Viewer ${i}` });
    em.grant(project.key, accountId);
    runs.push(await runPage(em, ours, project, NO_LATENCY, accountId));
  }
  return {
    viewers: runs.length,
    points: runs.reduce((sum, r) => sum + r.points, 0),
    firstCalls: runs[0]?.calls ?? 0,
    laterCalls: Math.max(0, ...runs.slice(1).map((r) => r.calls)),
  };
}

/** One load of ours and of the baseline at one call latency. */
export interface LatencyRun {
  latency: CallLatency;
  ours: PageRun;
  baseline: PageRun;
  bound: LowerBound;
}

export interface ScenarioResult {
  variant: DataVariant;
  size: number;
  /** Open items the page should count: the project's, and a connected space's open ideas. */
  openItems: number;
  runs: LatencyRun[];
  needs: NeededItems;
  /** Twenty viewers of the project in one minute, the page shared between them. */
  viewers: ViewersRun;
  /** What differs from the baseline's page (empty: the same lists, counts and verdicts). */
  differences: string[];
}

/** The page's needs, from a load that reads every open item (and the linked ideas it fetches). */
async function needsOf(
  em: JiraEmulator,
  project: { id: string; key: string },
  now: Date,
  velocityItems: number,
): Promise<{ needs: NeededItems; everyItem: number }> {
  em.resetCalls();
  em.invocations.latency = { jiraRequestMs: 0, perReturnedIssueMs: 0, storageRequestMs: 0 };
  const everything = await em.invocations.run(
    'consumer',
    'bench/every-item',
    () =>
      em.runAs(DEMO_USERS.member, () =>
        loadProjectData({
          jira: jiraAsUser(DEMO_USERS.member),
          project,
          now,
          readEverything: readIssuesInPages,
        }),
      ),
    { timeoutSeconds: 900 },
  );
  const evidenceIssues = em
    .jiraCalls()
    .filter((c) => c.operationId === 'bulkFetchIssues')
    .reduce((sum, c) => sum + c.returnedIssues, 0);
  const { reads } = everything;
  return {
    needs: neededItems(everything, velocityItems, evidenceIssues),
    everyItem:
      reads.discovery.length +
      reads.activeSprint.length +
      reads.ready.count +
      reads.inProgress.count +
      velocityItems,
  };
}

/** The latencies a size is measured at: its budgets' (300 and 500 ms from 50,000 items). */
export function latenciesFor(size: number, latencyMs: number, perObjectMs: number): CallLatency[] {
  const fixed = size >= 50_000 ? [300, 500] : [latencyMs];
  return fixed.map((perCallMs) => ({ perCallMs, perObjectMs }));
}

export async function projectPageScenario(
  variant: DataVariant,
  size: number,
  latencies: readonly CallLatency[],
): Promise<ScenarioResult> {
  const em = new JiraEmulator().install();
  // Nothing changes an issue while the bench pages a search (seeding comes first, the loads only
  // read Jira): the emulator may keep a search's matches from page to page. Speed only.
  em.pagedSearchMemo = true;
  try {
    const now = new Date();
    const seeded = seedSyntheticProject(em, {
      openItems: size,
      now,
      closedSprintItems: 40,
      evidenceEvery: 3,
      ...variant.seed,
    });
    const project = { id: seeded.projectId, key: seeded.projectKey };
    let openItems = size;
    if (variant.jpd) {
      const space = seedJpdSpace(em, { key: 'IDEA' });
      seedJpdBacklog(em, space, {
        ideas: Math.round(size / variant.jpd.itemsPerIdea),
        evidenceFieldId: seeded.discoveryEvidenceId,
        deliveries: seeded.openDelivery,
        linkEvery: variant.jpd.linkEvery,
      });
      connectJpdSpace(em, project, [space.projectKey], now);
      openItems += openIdeasOf(em, space);
    }
    const ours = allResolvers()['project/overview'] as Overview | undefined;
    if (!ours) throw new Error('project/overview is not registered');
    // Each load measured here is a whole one: the page is not shared between the runs
    // (sharing is measured apart, by twentyViewers).
    const sharing = setSharedSeconds(em, 0);
    // A first load remembers the site's field ids, issue types and board configuration (and
    // warms the JIT), a second one the plan of its reads as they now are (the reads it folds
    // change the whole sets' search, whose shape the next load plans its parts from:
    // src/project-page/read-plan.ts); the runs measure the page as every later load sees it.
    await runPage(em, ours, project, NO_LATENCY);
    await runPage(em, ours, project, NO_LATENCY);
    const sprints = [...em.sprints.values()].filter(
      (s) => s.boardId === seeded.boardId && (s.state === 'active' || s.state === 'closed'),
    ).length;
    const { needs, everyItem } = await needsOf(em, project, now, seeded.recentDoneItems);
    const runs: LatencyRun[] = [];
    for (const latency of latencies) {
      const oursRun = await runPage(em, ours, project, latency);
      const baselineRun = await runPage(em, baselineOverview, project, latency);
      const bound = independentLowerBound(
        {
          items: needs.items,
          counts: needs.counts,
          counted: needs.counted,
          everyItem,
          sprints,
          hasBoard: true,
        },
        { searchWithFields: SEARCH_PAGE_WITH_FIELDS, agile: AGILE_MAX_RESULTS, postPerSecond: 100 },
        latency,
      );
      runs.push({ latency, ours: oursRun, baseline: baselineRun, bound });
    }
    if (em.violations.length > 0) {
      throw new Error(`emulator contract violations:\n${em.violations.join('\n')}`);
    }
    sharing.restore();
    const viewers = await twentyViewers(em, ours, project);
    const first = runs[0];
    return {
      variant,
      size,
      openItems,
      runs,
      needs,
      viewers,
      differences:
        first?.ours.overview && first.baseline.overview
          ? differencesFromBaseline(first.ours.overview, first.baseline.overview)
          : ['the load failed'],
    };
  } finally {
    em.uninstall();
  }
}

const n = (v: number): string => v.toLocaleString('en-US');

export function scenarioTable(r: ScenarioResult): string {
  const rows: Array<[string, string]> = [['', 'ours · baseline (*navigable, sequential) · bound']];
  const first = r.runs[0];
  if (!first) return '';
  const { ours, baseline, bound } = first;
  rows.push(
    ['open items counted', `${ours.openItems ?? 'error'} · ${baseline.openItems ?? 'error'}`],
    ['Jira calls', `${ours.calls} · ${baseline.calls} · ${bound.total}`],
    ['rate-limit points', `${n(ours.points)} · ${n(baseline.points)} · ${n(bound.points)}`],
  );
  for (const run of r.runs) {
    const at = `${run.latency.perCallMs} ms + ${run.latency.perObjectMs} ms/issue`;
    rows.push([
      `time at ${at}`,
      `${ms(modelledMs(run.ours))} · ${ms(modelledMs(run.baseline))} · ${ms(run.bound.modelledMs)} (ours: network ${ms(run.ours.networkMs)} + app ${ms(run.ours.appMs)})`,
    ]);
  }
  rows.push(
    [
      'peak heap growth',
      `${ours.peakHeapMb.toFixed(1)} MB · ${baseline.peakHeapMb.toFixed(1)} MB · – (emulator included)`,
    ],
    [
      'response to the browser',
      `${kb(ours.responseBytes)} · ${kb(baseline.responseBytes)} · the same page`,
    ],
    [
      'same page as reading every item',
      r.differences.length === 0
        ? `yes: lists, counts and signals${ours.overview?.signals.runway.atLeast ? ` (runway: at least ${ours.overview.signals.runway.sprints} of ${baseline.overview?.signals.runway.sprints} sprints, same verdict)` : ''}`
        : `NO: ${r.differences.join(', ')} differ`,
    ],
    [
      'items the page needs',
      `${n(r.needs.items)} (${Object.entries(r.needs.byRead)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(
          ', ',
        )}; before the union), ${r.needs.counts} count(s)${r.needs.counted ? `; with the backlog and quiet ideas counted ${n(r.needs.counted.items)}, ${r.needs.counted.counts} count(s)` : ''}`,
    ],
    ...bound.strategies.map((st): [string, string] => [
      `  bound: ${st.name}`,
      describeStrategy(st),
    ]),
    ['calls / bound', `${ratio(ours.calls, bound.total)} · ${ratio(baseline.calls, bound.total)}`],
    [
      `${r.viewers.viewers} viewers in a minute`,
      `${n(r.viewers.points)} points in all (${ratio(r.viewers.points, ours.points)} one load); calls: ${r.viewers.firstCalls} for the first, ${r.viewers.laterCalls} for each later one`,
    ],
  );
  return formatTable(
    `Project page, ${r.variant.name} (${r.variant.label}), ${n(r.size)} open items`,
    rows,
  );
}

/** The time budgets by size and fixed call latency (issue 16). */
const TIME_BUDGETS: ReadonlyArray<{ size: number; perCallMs: number; limitMs: number }> = [
  { size: 10_000, perCallMs: 100, limitMs: 3000 },
  { size: 50_000, perCallMs: 300, limitMs: 10_000 },
  { size: 50_000, perCallMs: 500, limitMs: 15_000 },
];

/**
 * A points budget the independent bound itself exceeds cannot be met by reading better, only by
 * the page needing less: it is an open target, not a gate.
 */
function pointsBudget(line: BudgetLine, boundRatio: number): BudgetLine {
  return boundRatio > line.limit
    ? openBudget(line, `even the independent bound needs ${boundRatio.toFixed(2)}× of the baseline`)
    : line;
}

export function scenarioBudgets(r: ScenarioResult): BudgetLine[] {
  const lines: BudgetLine[] = [];
  const at = `project page ${r.variant.name} ${n(r.size)}`;
  const first = r.runs[0];
  if (!first) return lines;
  const { ours, baseline, bound } = first;
  if (ours.openItems !== r.openItems) {
    lines.push(budget(`${at}: counts every open item`, 1, 0, '', 'the load failed'));
  }
  if (r.differences.length > 0) {
    lines.push(
      budget(
        `${at}: same page as reading every item`,
        r.differences.length,
        0,
        '',
        `differs in ${r.differences.join(', ')}`,
      ),
    );
  }
  lines.push(
    openBudget(
      budget(
        `${at}: calls / independent lower bound`,
        ours.calls / bound.total,
        1.1,
        '×',
        `${ours.calls} calls, bound ${bound.total} (${bound.strategy})`,
      ),
      "the bound reads every list in full pages of one query, which JQL cannot ask for; the gated budget is the baseline's calls",
    ),
  );
  lines.push(budget(`${at}: calls, never above the baseline's`, ours.calls, baseline.calls, ''));
  // A lower bound above a load that gave the same page would be wrong, not a budget.
  const fewest = Math.min(ours.calls, baseline.calls);
  lines.push(
    budget(
      `${at}: lower bound ≤ fewest calls measured`,
      bound.total,
      fewest,
      '',
      bound.total > fewest
        ? 'A load that gave the same page made fewer calls: the bound is wrong.'
        : undefined,
    ),
  );
  if (r.size === 10_000) {
    lines.push(
      pointsBudget(
        budget(
          `${at}: points / baseline points`,
          ours.points / baseline.points,
          0.15,
          '×',
          `${n(ours.points)} of ${n(baseline.points)}; the independent bound needs ${n(bound.points)} (${ratio(bound.points, baseline.points)})`,
        ),
        bound.points / baseline.points,
      ),
    );
    lines.push(budget(`${at}: response to the browser`, ours.responseBytes / 1e6, 1.5, 'MB'));
  }
  if (r.size === 2000) {
    lines.push(
      pointsBudget(
        budget(`${at}: points / baseline points`, ours.points / baseline.points, 1 / 3, '×'),
        bound.points / baseline.points,
      ),
    );
  }
  for (const run of r.runs) {
    const time = modelledMs(run.ours);
    const label = `${at} at ${run.latency.perCallMs} ms per call`;
    const rule = TIME_BUDGETS.find(
      (t) => t.size === r.size && t.perCallMs === run.latency.perCallMs,
    );
    if (rule) lines.push(budget(`${label}: time`, time, rule.limitMs, 'ms'));
    else if (r.size === 2000 && run.latency.perCallMs === 100) {
      lines.push(budget(`${label}: time`, time, 2500, 'ms'));
    }
    lines.push(budget(`${label}: within a UI resolver's 25 s`, time, 25_000, 'ms'));
  }
  lines.push(
    budget(
      `${at}: ${r.viewers.viewers} viewers in one minute, points / one full load`,
      r.viewers.points / ours.points,
      2,
      '×',
    ),
  );
  return lines;
}

/**
 * One line per variant and size, ours · baseline · bound: the table docs/costs.md and the
 * README's performance section copy.
 */
export function variantSummary(results: readonly ScenarioResult[]): string {
  const header =
    '| variant | items | calls | points | time (per call) | heap MB | response KB |\n| --- | --: | --- | --- | --- | --- | --- |';
  const rows = results.flatMap((r) =>
    r.runs.map((run) => {
      const { ours, baseline, bound } = run;
      const s = (v: number) => (v / 1000).toFixed(1);
      return `| ${r.variant.name} | ${n(r.size)} | ${ours.calls} · ${baseline.calls} · ${bound.total} | ${n(ours.points)} · ${n(baseline.points)} · ${n(bound.points)} | ${s(modelledMs(ours))} · ${s(modelledMs(baseline))} · ${s(bound.modelledMs)} s (${run.latency.perCallMs} ms) | ${ours.peakHeapMb.toFixed(0)} · ${baseline.peakHeapMb.toFixed(0)} | ${(ours.responseBytes / 1024).toFixed(0)} · ${(baseline.responseBytes / 1024).toFixed(0)} |`;
    }),
  );
  return ['Per variant: ours · baseline · independent lower bound', header, ...rows].join('\n');
}
