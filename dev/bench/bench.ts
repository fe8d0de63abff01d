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
import { averageVelocity, computeSignals, type ProjectItem } from '../../src/domain/signals';
import { discoveryGate, enablerGate, sprintGuard } from '../../src/index';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import type { OverviewInput } from '../../src/project-page/build-overview';
import { loadProjectData, loadProjectOverview } from '../../src/project-page/load-project';
import { AGILE_MAX_RESULTS, readIssuesInPages } from '../../src/project-page/project-jira';
import { LIST_LIMIT, readyReadSuffices } from '../../src/project-page/project-reads';
import { allResolvers } from '../../src/resolvers';
import { projectOf, resolver, type Requirement } from '../../src/resolvers/resolver-kit';
import type { Result } from '../../src/shared/bridge-contract';
import type { ProjectOverview } from '../../src/shared/project-overview';
import { ENFORCEMENT_KEYS } from '../../src/storage/enforcement-store';
import {
  budget,
  formatBudget,
  formatTable,
  jiraCallCount,
  pointsOf,
  projectPageLowerBound,
  type BudgetLine,
} from './cost-model';
import { firstRenderLine, measureFirstRender } from './first-render';
import { filterInvokes } from './filter-expression';

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
): Promise<PageRun> {
  em.resetCalls();
  const accountId = DEMO_USERS.member;
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
  const comparable = (o: ProjectOverview) => {
    const { level, verdict, velocity, velocitySprints, unit, target } = o.signals.runway;
    const runway = { level, verdict, velocity, velocitySprints, unit, target };
    const { needsDiscovery, ...others } = o.signals;
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
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => String(k));
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
  lowerBound: number;
  lowerBoundParts: Record<string, number>;
  /** What differs from the baseline's page (empty: the same lists, counts and verdicts). */
  differences: string[];
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
    const bound = projectPageLowerBound(
      {
        ...neededReads(everything),
        evidenceFetches,
        velocityItems: seeded.recentDoneItems,
        sprints,
        fieldLookup: false,
        hasBoard: true,
        issueTypes: true,
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
      lowerBound: bound.total,
      lowerBoundParts: bound.parts,
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
  const parts = Object.entries(r.lowerBoundParts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(' + ');
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
      ['lower bound of calls', `${r.lowerBound} (${parts})`],
      [
        'calls / lower bound',
        `${ratio(ours.calls, r.lowerBound)} · ${ratio(baseline.calls, r.lowerBound)}`,
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
    budget(`project page ${n}: calls / lower bound`, r.ours.calls / r.lowerBound, 1.25, '×'),
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

function editEvent(
  base: ReturnType<typeof sprintEvent>,
  item: { field: string; fieldId: string; from: string | null; to: string | null },
) {
  return {
    ...base,
    changelog: {
      id: '90001',
      items: [{ ...item, fieldtype: 'jira', fromString: item.from, toString: item.to }],
    },
  };
}

interface EnforcementResult {
  enabler: { first: DecisionCost; steady: DecisionCost };
  discovery: { first: DecisionCost; steady: DecisionCost };
  guard: { first: DecisionCost; steady: DecisionCost };
  filter: { sprintChange: boolean; nonSprint: Array<{ label: string; invoked: boolean }> };
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
    const [enabler1, enabler2, enabler3] = ofType('Enabler');
    const [idea] = ofType('Discovery');
    if (!enabler1 || !enabler2 || !enabler3 || !idea) throw new Error('seed has too few items');
    // The validators read as the app (decision 4); the first decision on a site may look up
    // the field ids once, later ones cost the budgeted call and read.
    const enablerFirst = await costOf(em, () => enablerGate({ issue: { key: enabler1.key } }));
    const enablerSteady = await costOf(em, () => enablerGate({ issue: { key: enabler2.key } }));
    const discoveryFirst = await costOf(em, () => discoveryGate({ issue: { key: idea.key } }));
    const discoverySteady = await costOf(em, () => discoveryGate({ issue: { key: idea.key } }));

    const active = [...em.sprints.values()].find(
      (s) => s.boardId === seeded.boardId && s.state === 'active',
    );
    if (!active) throw new Error('no active sprint');
    em.kvs.seed(ENFORCEMENT_KEYS.fields, { flagged: null });
    const drag = (issue: EmIssue, changelogId: string) => {
      em.setSprint(issue.key, active.id);
      return sprintEvent(em, issue, active.id, changelogId);
    };
    const firstEvent = drag(enabler2, '80001');
    const guardFirst = await costOf(em, () => sprintGuard(firstEvent));
    const steadyEvent = drag(enabler3, '80002');
    const guardSteady = await costOf(em, () => sprintGuard(steadyEvent));
    if (em.violations.length > 0) {
      throw new Error(`emulator contract violations:\n${em.violations.join('\n')}`);
    }

    const manifest = parseYaml(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as {
      modules: {
        trigger: Array<{ key: string; filter?: { expression: string; onError?: string } }>;
      };
    };
    const filter = manifest.modules.trigger.find((t) => t.key === 'sprint-guard-trigger')?.filter;
    if (!filter) throw new Error('manifest: sprint-guard-trigger has no filter');
    const sample = sprintEvent(em, enabler1, active.id, '80003');
    const nonSprint = [
      {
        label: 'summary edit',
        event: editEvent(sample, { field: 'summary', fieldId: 'summary', from: 'a', to: 'b' }),
      },
      {
        label: 'status change',
        event: editEvent(sample, { field: 'status', fieldId: 'status', from: '10000', to: '3' }),
      },
      {
        label: 'removed from its sprint',
        event: editEvent(sample, {
          field: 'Sprint',
          fieldId: em.sprintField.id,
          from: String(active.id),
          to: '',
        }),
      },
    ].map(({ label, event }) => ({ label, invoked: filterInvokes(filter, event) }));
    return {
      enabler: { first: enablerFirst, steady: enablerSteady },
      discovery: { first: discoveryFirst, steady: discoverySteady },
      guard: { first: guardFirst, steady: guardSteady },
      filter: { sprintChange: filterInvokes(filter, sample), nonSprint },
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
    existsSync(join(staticDir, name, 'index.html')),
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
      row('sprint guard, first guarded event', enforcement.guard.first),
      row('sprint guard, guarded event', enforcement.guard.steady),
      [
        'manifest filter, Sprint change',
        enforcement.filter.sprintChange ? 'invokes the guard' : 'does NOT invoke the guard',
      ],
      ...enforcement.filter.nonSprint.map(({ label, invoked }): [string, string] => [
        `manifest filter, ${label}`,
        invoked ? 'invokes the guard' : 'no invocation',
      ]),
    ]),
  );
  print('');
  for (const [name, cost] of [
    ['enabler gate', enforcement.enabler.steady],
    ['discovery gate', enforcement.discovery.steady],
  ] as const) {
    budgets.push(budget(`${name}: Jira calls per decision`, cost.calls, 1, ''));
    budgets.push(budget(`${name}: storage reads per decision`, cost.storageReads, 1, ''));
  }
  budgets.push(
    budget(
      'sprint guard: Jira calls per guarded event',
      enforcement.guard.steady.calls,
      3,
      '',
      enforcement.guard.first.calls > enforcement.guard.steady.calls
        ? `The first event on a site also reads the field list once (${enforcement.guard.first.calls} calls) and remembers the ids in storage.`
        : undefined,
    ),
  );
  budgets.push(
    budget(
      'sprint guard: invocations for non-Sprint edits',
      enforcement.filter.nonSprint.filter((e) => e.invoked).length,
      0,
      '',
    ),
  );
  if (!enforcement.filter.sprintChange) {
    budgets.push(budget('sprint guard: invoked for a Sprint change', 1, 0, ''));
  }

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
