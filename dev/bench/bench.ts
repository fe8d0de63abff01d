import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { DEMO_USERS, seedSyntheticProject } from '../emulator/demo-project';
import { JiraEmulator, type CallRecord } from '../emulator/jira-emulator';
import type { EmIssue } from '../emulator/model';
import { BULK_FETCH_MAX } from '../emulator/routes/issue-bulk';
import { SEARCH_PAGE_WITH_FIELDS } from '../emulator/routes/search';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { KEYS } from '../../src/storage/key-families';
import { averageVelocity, computeSignals, type ProjectItem } from '../../src/domain/signals';
import { discoveryGate, enablerGate, sprintGuard } from '../../src/index';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import type { OverviewInput } from '../../src/project-page/build-overview';
import { loadProjectData, loadProjectOverview } from '../../src/project-page/load-project';
import { readIssuesInPages } from '../../src/jira/search';
import { AGILE_MAX_RESULTS } from '../../src/jira/boards';
import { LIST_LIMIT, readyReadSuffices } from '../../src/project-page/project-reads';
import { allResolvers } from '../../src/resolvers/all-resolvers';
import { projectOf, resolver, type Requirement } from '../../src/resolvers/resolver-kit';
import type { Result } from '../../src/contract/bridge-contract';
import type { ProjectOverview } from '../../src/contract/project-overview';
import {
  budget,
  describeStrategy,
  formatBudget,
  formatTable,
  jiraCallCount,
  pointsOf,
  projectPageLowerBound,
  type BudgetLine,
  type LowerBound,
} from './cost-model';
import { eventSample, replayFilter, type FilterReplay } from './event-sample';
import { firstRenderLine, measureFirstRender } from './first-render';

/**
 * `npm run bench`: the app's cost in Jira calls, rate-limit points, time and bytes on synthetic
 * projects of 500, 2,000 and 10,000 open items, with a fixed latency per Jira call, against the
 * budgets of issue 9. Prints one table per scenario and a PASS/FAIL line per budget; exits
 * non-zero on a FAIL. Options: --scenarios 500,2000,10000  --latency 100  --smallest (CI).
 */

export interface BenchOptions {
  scenarios: number[];
  latencyMs: number;
}

const ALL_SCENARIOS = [500, 2000, 10_000];
const ROOT = join(__dirname, '..', '..');

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let scenarios = ALL_SCENARIOS;
  let latencyMs = 100;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--smallest') {
      scenarios = [Math.min(...ALL_SCENARIOS)];
    } else if (arg === '--scenarios' && value !== undefined) {
      scenarios = value.split(',').map((v) => Number(v.replace(/_/g, '')));
      i++;
    } else if (arg === '--latency' && value !== undefined) {
      latencyMs = Number(value);
      i++;
    } else {
      throw new Error(`bench: unknown option ${String(arg)}`);
    }
  }
  if (scenarios.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error('bench: --scenarios takes positive whole numbers, e.g. 500,2000');
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new Error('bench: --latency takes milliseconds >= 0');
  }
  return { scenarios, latencyMs };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measured<T> {
  value: T;
  wallMs: number;
  peakHeapMb: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Wall time and the peak heap growth over the call (sampled every 5 ms; emulator included). */
async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
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

const ms = (n: number): string => `${Math.round(n).toLocaleString('en-US')} ms`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (a: number, b: number): string => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);

// ---------------------------------------------------------------------------------------------
// Project page

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

interface PageRun {
  calls: number;
  points: number;
  wallMs: number;
  peakHeapMb: number;
  responseBytes: number;
  openItems: number | undefined;
  overview: ProjectOverview | undefined;
}

async function runPage(
  em: JiraEmulator,
  fn: Overview,
  project: { id: string; key: string },
  accountId: string = DEMO_USERS.member,
): Promise<PageRun> {
  em.resetCalls();
  const run = await measure(() =>
    em.runAs(accountId, () => fn({ payload: {}, context: { accountId, extension: { project } } })),
  );
  const calls: CallRecord[] = [...em.calls];
  return {
    calls: jiraCallCount(calls),
    points: pointsOf(calls),
    wallMs: run.wallMs,
    peakHeapMb: run.peakHeapMb,
    responseBytes: Buffer.byteLength(JSON.stringify(run.value)),
    openItems: run.value.ok ? run.value.data.totals.openItems : undefined,
    overview: run.value.ok ? run.value.data : undefined,
  };
}

/**
 * The least the page must read, worked out from every open item (read the plain way): the whole
 * discovery track and active sprint, the ready items in rank order up to where the list and
 * runway have enough, the first LIST_LIMIT items in progress, and a count for each list not
 * read to its end.
 */
function neededReads(data: OverviewInput): { reads: Record<string, number>; counts: number } {
  const { reads } = data;
  const velocity = averageVelocity(data.closedSprints);
  const ready = reads.ready.items;
  let readyNeeded = ready.length;
  for (let n = 1; n < ready.length; n++) {
    if (readyReadSuffices(ready.slice(0, n), data.unit, velocity, data.config)) {
      readyNeeded = n;
      break;
    }
  }
  const inProgressNeeded = Math.min(LIST_LIMIT, reads.inProgress.count);
  // Needs discovery first: every item meeting the criteria while the flagged ones fit the list;
  // past that, at least the first LIST_LIMIT (all of them flagged) and a count.
  const entry = reads.needsDiscovery;
  const entryPast = entry.kind === 'read' && entry.flagged.length > LIST_LIMIT;
  const entryNeeded =
    entry.kind === 'read' ? (entryPast ? LIST_LIMIT : entry.meetingCriteria) : undefined;
  return {
    reads: {
      discovery: reads.discovery.length,
      ...(data.activeSprint ? { activeSprint: reads.activeSprint.length } : {}),
      ready: readyNeeded,
      inProgress: inProgressNeeded,
      ...(entryNeeded === undefined ? {} : { needsDiscovery: entryNeeded }),
    },
    counts:
      (readyNeeded < reads.ready.count ? 1 : 0) +
      (inProgressNeeded < reads.inProgress.count ? 1 : 0) +
      (entryPast ? 1 : 0),
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
    return {
      totals: o.totals,
      columnCounts: o.columnCounts,
      discovery: o.discovery,
      delivery: o.delivery,
      signals: { ...others, runway, ...(entryPartial ? {} : { needsDiscovery }) },
      notes: o.notes,
    };
  };
  const a = comparable(ours);
  const b = comparable(baseline);
  const differences = (Object.keys(a) as Array<keyof typeof a>)
    .filter((k) => k !== 'signals' && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
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
  return differences;
}

interface ScenarioResult {
  size: number;
  ours: PageRun;
  baseline: PageRun;
  /** Twenty viewers of the project in one minute, the page shared between them. */
  viewers: ViewersRun;
  lowerBound: LowerBound;
  /** What differs from the baseline's page (empty: the same lists, counts and verdicts). */
  differences: string[];
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
    runs.push(await runPage(em, ours, project, accountId));
  }
  return {
    viewers: runs.length,
    points: runs.reduce((sum, r) => sum + r.points, 0),
    firstCalls: runs[0]?.calls ?? 0,
    laterCalls: Math.max(0, ...runs.slice(1).map((r) => r.calls)),
  };
}

async function projectPageScenario(size: number, latencyMs: number): Promise<ScenarioResult> {
  const em = new JiraEmulator().install();
  try {
    const now = new Date();
    const seeded = seedSyntheticProject(em, {
      openItems: size,
      now,
      closedSprintItems: 40,
      evidenceEvery: 3,
    });
    const project = { id: seeded.projectId, key: seeded.projectKey };
    const ours = allResolvers()['project/overview'] as Overview | undefined;
    if (!ours) throw new Error('project/overview is not registered');
    // Each load measured here is a whole one: the page is not shared between the runs
    // (sharing is measured apart, by twentyViewers).
    const sharing = setSharedSeconds(em, 0);
    // A first load remembers the site's field ids (and warms the JIT); the runs measure the
    // page as every later load sees it.
    await runPage(em, ours, project);
    em.latencyMs = latencyMs;
    const oursRun = await runPage(em, ours, project);
    const baselineRun = await runPage(em, baselineOverview, project);
    if (em.violations.length > 0) {
      throw new Error(`emulator contract violations:\n${em.violations.join('\n')}`);
    }
    const sprints = [...em.sprints.values()].filter(
      (s) => s.boardId === seeded.boardId && (s.state === 'active' || s.state === 'closed'),
    ).length;
    em.latencyMs = 0;
    sharing.restore();
    const viewers = await twentyViewers(em, ours, project);
    em.resetCalls();
    const everything = await em.runAs(DEMO_USERS.member, () =>
      loadProjectData({
        jira: jiraAsUser(DEMO_USERS.member),
        project,
        now,
        readEverything: readIssuesInPages,
      }),
    );
    // Reading every item, the page fetches exactly the linked ideas' evidence it needs.
    const evidenceFetches = em
      .jiraCalls()
      .filter((c) => c.operationId === 'bulkFetchIssues').length;
    const { reads } = everything;
    const bound = projectPageLowerBound(
      {
        ...neededReads(everything),
        openItems:
          reads.discovery.length +
          reads.activeSprint.length +
          reads.ready.count +
          reads.inProgress.count,
        evidenceFetches,
        velocityItems: seeded.recentDoneItems,
        sprints,
        fieldLookup: false,
        hasBoard: true,
        // Remembered by the first load, as the field ids are (src/storage/page-cache-store.ts).
        issueTypes: false,
        boardConfiguration: false,
      },
      {
        searchWithFields: SEARCH_PAGE_WITH_FIELDS,
        bulkFetch: BULK_FETCH_MAX,
        agile: AGILE_MAX_RESULTS,
      },
    );
    return {
      size,
      ours: oursRun,
      baseline: baselineRun,
      viewers,
      lowerBound: bound,
      differences:
        oursRun.overview && baselineRun.overview
          ? differencesFromBaseline(oursRun.overview, baselineRun.overview)
          : ['the load failed'],
    };
  } finally {
    em.uninstall();
  }
}

function scenarioTable(r: ScenarioResult, latencyMs: number): string {
  const { ours, baseline } = r;
  const bound = r.lowerBound;
  return formatTable(
    `Project page, ${r.size.toLocaleString('en-US')} open items, ${latencyMs} ms per Jira call`,
    [
      ['', 'ours · baseline (*navigable, sequential) · ours/baseline'],
      ['open items counted', `${ours.openItems ?? 'error'} · ${baseline.openItems ?? 'error'}`],
      ['Jira calls', `${ours.calls} · ${baseline.calls} · ${ratio(ours.calls, baseline.calls)}`],
      [
        'rate-limit points',
        `${ours.points.toLocaleString('en-US')} · ${baseline.points.toLocaleString('en-US')} · ${ratio(ours.points, baseline.points)}`,
      ],
      [
        'wall time',
        `${ms(ours.wallMs)} · ${ms(baseline.wallMs)} · ${ratio(ours.wallMs, baseline.wallMs)}`,
      ],
      [
        'peak heap growth',
        `${ours.peakHeapMb.toFixed(1)} MB · ${baseline.peakHeapMb.toFixed(1)} MB (emulator included)`,
      ],
      [
        'response to the browser',
        `${kb(ours.responseBytes)} · ${kb(baseline.responseBytes)} · ${ratio(ours.responseBytes, baseline.responseBytes)}`,
      ],
      [
        'same page as reading every item',
        r.differences.length === 0
          ? `yes: lists, counts and signals${ours.overview?.signals.runway.atLeast ? ` (runway: at least ${ours.overview.signals.runway.sprints} of ${baseline.overview?.signals.runway.sprints} sprints, same verdict)` : ''}`
          : `NO: ${r.differences.join(', ')} differ`,
      ],
      [
        'lower bound of calls',
        `${bound.total}: the fewest of ${bound.strategies.length} strategies that give this page at ${SEARCH_PAGE_WITH_FIELDS} issues a request (${bound.strategy})`,
      ],
      ...bound.strategies.map((st): [string, string] => [`  ${st.name}`, describeStrategy(st)]),
      [
        'calls / lower bound',
        `${ratio(ours.calls, bound.total)} · ${ratio(baseline.calls, bound.total)}`,
      ],
      [
        `${r.viewers.viewers} viewers in a minute`,
        `${r.viewers.points.toLocaleString('en-US')} points in all (${ratio(r.viewers.points, ours.points)} one load); calls: ${r.viewers.firstCalls} for the first, ${r.viewers.laterCalls} for each later one (the page shared)`,
      ],
    ],
  );
}

function scenarioBudgets(r: ScenarioResult, latencyMs: number): BudgetLine[] {
  const lines: BudgetLine[] = [];
  const n = r.size.toLocaleString('en-US');
  if (r.ours.openItems !== r.size) {
    lines.push(budget(`project page ${n}: counts every open item`, 1, 0, '', 'the load failed'));
  }
  if (r.differences.length > 0) {
    lines.push(
      budget(
        `project page ${n}: same page as reading every item`,
        r.differences.length,
        0,
        '',
        `differs in ${r.differences.join(', ')}`,
      ),
    );
  }
  lines.push(
    budget(`project page ${n}: calls / lower bound`, r.ours.calls / r.lowerBound.total, 1.25, '×'),
  );
  lines.push(
    budget(
      `project page ${n}: ${r.viewers.viewers} viewers in one minute, points / one full load`,
      r.viewers.points / r.ours.points,
      2,
      '×',
    ),
  );
  // A lower bound above a load that gave the same page would be wrong, not a budget.
  const fewestMeasured = Math.min(r.ours.calls, r.baseline.calls);
  lines.push(
    budget(
      `project page ${n}: lower bound ≤ fewest calls measured (ours, baseline)`,
      r.lowerBound.total,
      fewestMeasured,
      '',
      r.lowerBound.total > fewestMeasured
        ? 'A load that gave the same page made fewer calls: the lower bound is wrong.'
        : undefined,
    ),
  );
  if (latencyMs === 100 && r.size === 2000) {
    lines.push(budget('project page 2,000 at 100 ms: wall time', r.ours.wallMs, 2500, 'ms'));
    lines.push(
      budget(
        'project page 2,000: our points / baseline points',
        r.ours.points / r.baseline.points,
        1 / 3,
        '×',
      ),
    );
  }
  if (latencyMs === 100 && r.size === 10_000) {
    lines.push(budget('project page 10,000 at 100 ms: wall time', r.ours.wallMs, 8000, 'ms'));
  }
  if (r.size === 10_000) {
    lines.push(
      budget('project page 10,000: response to the browser', r.ours.responseBytes / 1e6, 1.5, 'MB'),
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Pure domain computation

function syntheticItems(count: number, now: Date): ProjectItem[] {
  const day = 86_400_000;
  const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * day).toISOString();
  const kinds = ['idea', 'spike', 'enabler'] as const;
  return Array.from({ length: count }, (_, i): ProjectItem => {
    const discovery = i % 10 === 0;
    const kind = discovery ? (kinds[(i / 10) % 3] ?? 'idea') : 'delivery';
    return {
      key: `BIG-${i + 1}`,
      summary: `Item ${i + 1}`,
      issueType: discovery ? kind : 'Story',
      kind,
      track: discovery ? 'discovery' : 'delivery',
      status: i % 5 === 0 ? 'In Progress' : 'To Do',
      statusCategory: i % 5 === 0 ? 'indeterminate' : 'new',
      estimate: discovery ? undefined : (i % 5) + 1,
      scopedOutcome:
        kind === 'enabler' && i % 20 === 0
          ? {
              outcome: 'Pick a cache for the session store, with numbers',
              successMeasure: 'p95 under 20 ms',
              timeboxDays: 3,
            }
          : undefined,
      validation: kind === 'idea' ? 'unvalidated' : undefined,
      evidenceCount: kind === 'idea' ? i % 4 : 0,
      sprint: i < 20 ? { id: 7, state: 'active' } : undefined,
      created: iso(1 + (i % 60)),
      updated: iso(i % 30),
      statusCategoryChanged: iso(i % 40),
    };
  });
}

function domainTiming(): { medianMs: number; runs: number } {
  const now = new Date();
  const items = syntheticItems(10_000, now);
  const input = {
    items,
    closedSprints: [
      { id: 6, name: 'Sprint 6', completeDate: now.toISOString(), completed: 24 },
      { id: 5, name: 'Sprint 5', completeDate: now.toISOString(), completed: 22 },
      { id: 4, name: 'Sprint 4', completeDate: now.toISOString(), completed: 20 },
    ],
    activeSprint: { id: 7, name: 'Sprint 7' },
    hasBoard: true,
    unit: 'points' as const,
    config: DEFAULT_CONFIG,
    now,
  };
  computeSignals(input);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    computeSignals(input);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)] ?? 0, runs: times.length };
}

// ---------------------------------------------------------------------------------------------
// Validators and the sprint guard

interface DecisionCost {
  calls: number;
  storageReads: number;
  wallMs: number;
  operations: string[];
}

async function costOf(em: JiraEmulator, fn: () => Promise<unknown>): Promise<DecisionCost> {
  em.resetCalls();
  const started = performance.now();
  await fn();
  const wallMs = performance.now() - started;
  const jira = em.jiraCalls();
  return {
    calls: jira.length,
    storageReads: em.kvs.reads(),
    wallMs,
    operations: jira.map((c) => `${c.operationId ?? '?'}:${c.status}`),
  };
}

function sprintEvent(em: JiraEmulator, issue: EmIssue, sprintId: number, changelogId: string) {
  const project = em.projects.get(issue.projectId);
  const type = em.issueTypes.get(issue.issueTypeId);
  return {
    eventType: 'avi:jira:updated:issue',
    atlassianId: DEMO_USERS.member,
    issue: {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: issue.summary,
        issuetype: { id: type?.id, name: type?.name },
        project: { id: project?.id, key: project?.key, name: project?.name },
      },
    },
    changelog: {
      id: changelogId,
      items: [
        {
          field: 'Sprint',
          fieldtype: 'custom',
          fieldId: em.sprintField.id,
          from: '',
          fromString: '',
          to: String(sprintId),
          toString: `Sprint ${sprintId}`,
        },
      ],
    },
  };
}

interface EnforcementResult {
  enabler: { first: DecisionCost; steady: DecisionCost };
  discovery: { first: DecisionCost; steady: DecisionCost };
  guard: { notRemembered: DecisionCost; first: DecisionCost; steady: DecisionCost };
  filter: FilterReplay;
}

/** Events in the sample replayed through the manifest filter. */
const FILTER_SAMPLE_SIZE = 1000;

function enablersOf(em: JiraEmulator, projectId: string): EmIssue[] {
  const type = [...em.issueTypes.values()].find((t) => t.name === 'Enabler');
  return [...em.issues.values()].filter(
    (i) => i.projectId === projectId && i.issueTypeId === type?.id,
  );
}

function activeSprintOf(em: JiraEmulator, boardId: number) {
  const active = [...em.sprints.values()].find(
    (s) => s.boardId === boardId && s.state === 'active',
  );
  if (!active) throw new Error('no active sprint');
  return active;
}

/**
 * The sprint guard on a project that setup really ran on (setup remembers the field ids): its
 * first guarded event and a later one. Its own site, so that nothing else remembered them.
 */
async function guardOnSetUpProject(
  latencyMs: number,
): Promise<{ first: DecisionCost; steady: DecisionCost }> {
  const em = new JiraEmulator().install();
  try {
    const seeded = seedSyntheticProject(em, { openItems: 100, now: new Date(), evidenceEvery: 3 });
    // Jira registers all of the app's fields on install; setup's last step writes Track.
    if (![...em.fields.values()].some((f) => f.name === 'Track')) {
      em.addAppField('track', 'Track', 'string');
    }
    const setup = allResolvers()['setup/run'];
    if (!setup) throw new Error('setup/run is not registered');
    const accountId = DEMO_USERS.admin;
    const project = { id: seeded.projectId, key: seeded.projectKey };
    const result = await em.runAs(accountId, () =>
      setup({ payload: {}, context: { accountId, extension: { project } } }),
    );
    if (!result.ok) throw new Error(`bench: setup failed: ${result.error.message}`);
    em.latencyMs = latencyMs;
    const active = activeSprintOf(em, seeded.boardId);
    const [a, b] = enablersOf(em, seeded.projectId);
    if (!a || !b) throw new Error('seed has too few enablers');
    const drag = (issue: EmIssue, changelogId: string) => {
      em.setSprint(issue.key, active.id);
      return sprintEvent(em, issue, active.id, changelogId);
    };
    const firstEvent = drag(a, '81001');
    const first = await costOf(em, () => sprintGuard(firstEvent));
    const steadyEvent = drag(b, '81002');
    const steady = await costOf(em, () => sprintGuard(steadyEvent));
    if (em.violations.length > 0) {
      throw new Error(`emulator contract violations:\n${em.violations.join('\n')}`);
    }
    return { first, steady };
  } finally {
    em.uninstall();
  }
}

async function enforcementScenario(latencyMs: number): Promise<EnforcementResult> {
  const em = new JiraEmulator().install();
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    const now = new Date();
    const seeded = seedSyntheticProject(em, { openItems: 100, now, evidenceEvery: 3 });
    em.latencyMs = latencyMs;
    const issues = [...em.issues.values()].filter((i) => i.projectId === seeded.projectId);
    const ofType = (name: string) => {
      const type = [...em.issueTypes.values()].find((t) => t.name === name);
      return issues.filter((i) => i.issueTypeId === type?.id);
    };
    const [enabler1, enabler2] = ofType('Enabler');
    const [idea] = ofType('Discovery');
    if (!enabler1 || !enabler2 || !idea) throw new Error('seed has too few items');
    // The validators read as the app (decision 4); the first decision on a site may look up
    // the field ids once, later ones cost the budgeted call and read.
    const enablerFirst = await costOf(em, () => enablerGate({ issue: { key: enabler1.key } }));
    const enablerSteady = await costOf(em, () => enablerGate({ issue: { key: enabler2.key } }));
    const discoveryFirst = await costOf(em, () => discoveryGate({ issue: { key: idea.key } }));
    const discoverySteady = await costOf(em, () => discoveryGate({ issue: { key: idea.key } }));

    // This site's track mapping is seeded, not made by setup: the Sprint field id is not
    // remembered, so the guard's first event reads the field list.
    const active = activeSprintOf(em, seeded.boardId);
    em.setSprint(enabler2.key, active.id);
    const event = sprintEvent(em, enabler2, active.id, '80001');
    const notRemembered = await costOf(em, () => sprintGuard(event));
    if (em.violations.length > 0) {
      throw new Error(`emulator contract violations:\n${em.violations.join('\n')}`);
    }
    const setUp = await guardOnSetUpProject(latencyMs);

    const manifest = parseYaml(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as {
      modules: {
        trigger: Array<{ key: string; filter?: { expression: string; onError?: string } }>;
      };
    };
    const filter = manifest.modules.trigger.find((t) => t.key === 'sprint-guard-trigger')?.filter;
    if (!filter) throw new Error('manifest: sprint-guard-trigger has no filter');
    const project = em.projects.get(seeded.projectId);
    const sampleIssues = issues.map((i) => ({
      id: i.id,
      key: i.key,
      projectId: seeded.projectId,
      projectKey: project?.key ?? seeded.projectKey,
      typeId: i.issueTypeId,
      typeName: em.issueTypes.get(i.issueTypeId)?.name ?? 'Story',
    }));
    const storyPoints = [...em.fields.values()].find((f) => /story point/i.test(f.name));
    const sprintIds = [...em.sprints.values()]
      .filter((s) => s.boardId === seeded.boardId && s.state !== 'closed')
      .map((s) => s.id);
    const sample = eventSample(
      FILTER_SAMPLE_SIZE,
      sampleIssues,
      {
        sprint: em.sprintField.id,
        storyPoints: storyPoints?.id ?? 'customfield_10016',
        // The emulator has no Rank field; Jira Software's is a custom field like this one.
        rank: 'customfield_10019',
      },
      sprintIds.length > 1 ? sprintIds : [active.id, active.id + 1],
    );
    return {
      enabler: { first: enablerFirst, steady: enablerSteady },
      discovery: { first: discoveryFirst, steady: discoverySteady },
      guard: { notRemembered, ...setUp },
      filter: replayFilter(filter, sample),
    };
  } finally {
    console.warn = warn;
    em.uninstall();
  }
}

// ---------------------------------------------------------------------------------------------
// Custom UI

interface UiSize {
  resource: string;
  files: number;
  gzipBytes: number;
}

function customUiSizes(): UiSize[] {
  const staticDir = join(ROOT, 'static');
  const resources = readdirSync(staticDir).filter((name) =>
    existsSync(join(staticDir, name, 'src', 'main.tsx')),
  );
  if (resources.some((name) => !existsSync(join(staticDir, name, 'dist', 'index.html')))) {
    const built = spawnSync(process.execPath, [join(staticDir, 'build.mjs')], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    if (built.status !== 0) throw new Error('bench: building the Custom UI failed');
  }
  return resources.map((resource) => {
    const dist = join(staticDir, resource, 'dist');
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    // The initial JavaScript: the entry module and whatever the page preloads with it.
    const sources = [
      ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
      ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
    ].map((m) => m[1] ?? '');
    const gzipBytes = sources.reduce(
      (sum, src) => sum + gzipSync(readFileSync(join(dist, src))).length,
      0,
    );
    return { resource, files: sources.length, gzipBytes };
  });
}

// ---------------------------------------------------------------------------------------------

export async function runBench(
  options: BenchOptions,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ failed: boolean }> {
  const budgets: BudgetLine[] = [];
  print(
    `Dual Track bench: scenarios ${options.scenarios.map((n) => n.toLocaleString('en-US')).join(', ')}; ${options.latencyMs} ms per Jira call; node ${process.version}`,
  );
  print('Points: 1 per Jira request + 1 per returned issue (storage is not counted).');
  print('');
  for (const size of options.scenarios) {
    const result = await projectPageScenario(size, options.latencyMs);
    print(scenarioTable(result, options.latencyMs));
    print('');
    budgets.push(...scenarioBudgets(result, options.latencyMs));
  }

  const domain = domainTiming();
  print(
    formatTable('Pure domain computation', [
      [
        'computeSignals, 10,000 items',
        `${domain.medianMs.toFixed(1)} ms (median of ${domain.runs})`,
      ],
    ]),
  );
  print('');
  budgets.push(budget('domain signals for 10,000 items', domain.medianMs, 50, 'ms'));

  const enforcement = await enforcementScenario(options.latencyMs);
  const row = (label: string, c: DecisionCost): [string, string] => [
    label,
    `${c.calls} Jira call(s), ${c.storageReads} storage read(s), ${ms(c.wallMs)}  [${c.operations.join(', ')}]`,
  ];
  print(
    formatTable('Function validators and the sprint guard', [
      row('enabler gate, first decision', enforcement.enabler.first),
      row('enabler gate, decision', enforcement.enabler.steady),
      row('discovery gate, first decision', enforcement.discovery.first),
      row('discovery gate, decision', enforcement.discovery.steady),
      row('sprint guard, first event, set-up project', enforcement.guard.first),
      row('sprint guard, guarded event, set-up project', enforcement.guard.steady),
      row('sprint guard, first event, ids not remembered', enforcement.guard.notRemembered),
    ]),
  );
  print('');
  const replay = enforcement.filter;
  const pct = (n: number) => `${((100 * n) / Math.max(1, replay.events)).toFixed(1)}%`;
  print(
    formatTable(
      `Manifest filter of the sprint guard over ${replay.events.toLocaleString('en-US')} mixed issue events (dev/bench/event-sample.ts)`,
      [
        ...replay.byKind.map((k): [string, string] => [
          k.kind,
          `${k.events} event(s): ${k.invoked} invoke the guard${k.guardNeedsIt ? '' : k.invoked > 0 ? ' (NOT needed)' : ''}`,
        ]),
        [
          'all events',
          `${replay.invoked} invoke the guard (${pct(replay.invoked)}), ${replay.filteredOut} filtered out (${pct(replay.filteredOut)})`,
        ],
      ],
    ),
  );
  print('');
  // Storage reads: the settings, and for the discovery gate the item's evidence log too. The gate
  // decides on the log itself, not on the summary field Jira holds (a failed field write must not
  // let an invalidated idea through: issue 19, defect 5). Jira's validator argument names the
  // issue by key only, and the log is stored by issue id, so the log is read after the issue:
  // a second storage request, not one batch with the settings.
  for (const [name, cost, storageReads] of [
    ['enabler gate', enforcement.enabler.steady, 1],
    ['discovery gate', enforcement.discovery.steady, 2],
  ] as const) {
    budgets.push(budget(`${name}: Jira calls per decision`, cost.calls, 1, ''));
    budgets.push(
      budget(`${name}: storage reads per decision`, cost.storageReads, storageReads, ''),
    );
  }
  budgets.push(
    budget(
      'sprint guard: Jira calls, first guarded event (set-up project)',
      enforcement.guard.first.calls,
      3,
      '',
    ),
  );
  budgets.push(
    budget(
      'sprint guard: Jira calls per guarded event',
      enforcement.guard.steady.calls,
      3,
      '',
      enforcement.guard.notRemembered.calls > 3
        ? `Where setup never ran on the site (field ids not remembered), the first event also reads the field list once (${enforcement.guard.notRemembered.calls} calls) and remembers the ids.`
        : undefined,
    ),
  );
  budgets.push(
    budget(
      `sprint guard: invocations for non-Sprint edits (of ${replay.byKind
        .filter((k) => k.nonSprintEdit)
        .reduce((a, k) => a + k.events, 0)})`,
      replay.nonSprintInvocations,
      0,
      '',
    ),
  );
  budgets.push(
    budget('sprint guard: creations and Sprint entries the filter drops', replay.missed, 0, ''),
  );

  const ui = customUiSizes();
  print(
    formatTable(
      'Custom UI: initial JavaScript, gzipped',
      ui.map((u): [string, string] => [u.resource, `${kb(u.gzipBytes)} (${u.files} file(s))`]),
    ),
  );
  print('');
  const page = ui.find((u) => u.resource === 'project-page');
  if (!page) throw new Error('bench: no static/project-page');
  budgets.push(budget('project page initial JS, gzipped', page.gzipBytes / 1024, 300, 'KB'));
  print(formatTable('Time to first render', [firstRenderLine(await measureFirstRender())]));
  print('');

  print('Budgets');
  for (const line of budgets) print(`  ${formatBudget(line)}`);
  const failed = budgets.filter((b) => !b.pass);
  print('');
  print(
    failed.length === 0
      ? `All ${budgets.length} budgets pass.`
      : `${failed.length} of ${budgets.length} budgets FAIL.`,
  );
  return { failed: failed.length > 0 };
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseBenchArgs(argv);
  const { failed } = await runBench(options);
  return failed ? 1 : 0;
}
