import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { differencesFromBaseline, parseBenchArgs } from '../../dev/bench/bench';
import {
  budget,
  formatBudget,
  gatingFailures,
  openBudget,
  callMs,
  describeStrategy,
  independentLowerBound,
  type CallLatency,
  type PageNeeds,
} from '../../dev/bench/cost-model';
import { VARIANTS } from '../../dev/bench/page-variants';
import { shareOut } from '../../dev/bench/parallel-scenarios';
import { latenciesFor } from '../../dev/bench/project-page-bench';
import { EVENT_MIX, eventSample, replayFilter } from '../../dev/bench/event-sample';
import { compileFilter, filterInvokes } from '../../dev/bench/filter-expression';
import { seedSyntheticProject, type SeedShape } from '../../dev/emulator/demo-project';
import { JiraEmulator, returnedIssueCount, STATUSES } from '../../dev/emulator/jira-emulator';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import type { ProjectItem } from '../../src/domain/signals';
import { buildOverview } from '../../src/project-page/build-overview';
import { readsOfAllItems } from '../../src/project-page/project-reads';

/**
 * The bench's pure pieces on small inputs (no timing): the latency model, the independent lower
 * bound of calls, the manifest filter evaluator, the options and the data variants' seed.
 * `npm run bench -- --ci` itself runs in CI.
 */

const LIMITS = { searchWithFields: 100, agile: 50, postPerSecond: 100 };
const AT_100: CallLatency = { perCallMs: 100, perObjectMs: 1 };
const needs = (overrides: Partial<PageNeeds> = {}): PageNeeds => ({
  items: 486,
  counts: 2,
  everyItem: 2120,
  sprints: 7,
  hasBoard: true,
  ...overrides,
});

describe('returned issues', () => {
  it('counts returned issues from the answer body', () => {
    const search = { issues: [{ id: '1' }, { id: '2' }], isLast: true };
    expect(returnedIssueCount('searchAndReconsileIssuesUsingJqlPost', search)).toBe(2);
    expect(returnedIssueCount('bulkFetchIssues', { issues: [], issueErrors: [] })).toBe(0);
    expect(returnedIssueCount('getIssue', { id: '1', key: 'DT-1', fields: {} })).toBe(1);
    expect(returnedIssueCount('getFields', [{ id: 'summary' }])).toBe(0);
    expect(returnedIssueCount('moveIssuesToBacklog', undefined)).toBe(0);
  });
});

describe('the latency model', () => {
  it('a call takes its fixed time plus a time per returned issue', () => {
    expect(callMs(AT_100, 0)).toBe(100);
    expect(callMs(AT_100, 100)).toBe(200);
    expect(callMs({ perCallMs: 500, perObjectMs: 2 }, 50)).toBe(600);
  });
});

describe('the independent lower bound of a project page', () => {
  it('reads exactly the needed items at 100 a page, plus the fixed reads and one request per count', () => {
    const bound = independentLowerBound(needs(), LIMITS, AT_100);
    // permissions 1 + sprints 1 + ceil(486 / 100) + 2 counts (a Scrum board needs no lookup)
    expect(bound.total).toBe(9);
    expect(bound.strategy).toBe('exact items');
    expect(bound.parts).toEqual({
      permissions: 1,
      sprints: 1,
      projectName: 0,
      issuePages: 5,
      counts: 2,
    });
    // 1 a request, 1 an issue, 2 for the permission the check returns
    expect(bound.points).toBe(9 + 486 + 2);
  });

  it('reading every item wins when the needed items leave little out: no counts then', () => {
    const bound = independentLowerBound(
      needs({ items: 480, everyItem: 500, counts: 2 }),
      LIMITS,
      AT_100,
    );
    expect(bound.strategy).toBe('every item');
    expect(bound.total).toBe(2 + 5);
    expect(describeStrategy(bound.strategies[0]!)).toBe(
      '9 (permissions 1 + sprints 1 + issuePages 5 + counts 2)',
    );
  });

  it('with the unscoped backlog counted, its items leave the pages and its counts join them', () => {
    // 3,306 items whole; 1,401 with the backlog's first and most idle items and 3 more counts.
    const counted = { items: 1_401, counts: 5 };
    const bound = independentLowerBound(
      needs({ items: 3_306, counts: 2, everyItem: 10_120, counted }),
      LIMITS,
      AT_100,
    );
    expect(bound.strategy).toBe('exact items, counted');
    expect(bound.total).toBe(2 + 15 + 5);
    expect(bound.points).toBe(22 + 1_401 + 2);
    // A backlog that saves fewer pages than its counts cost: read whole.
    const small = independentLowerBound(
      needs({ items: 520, counts: 2, everyItem: 2_120, counted: { items: 470, counts: 5 } }),
      LIMITS,
      AT_100,
    );
    expect(small.strategy).toBe('exact items');
    expect(small.total).toBe(2 + 6 + 2);
  });

  it('sprints past one agile page cost more pages; without a board the name is read instead', () => {
    expect(independentLowerBound(needs({ sprints: 51 }), LIMITS, AT_100).parts['sprints']).toBe(2);
    const noBoard = independentLowerBound(needs({ hasBoard: false }), LIMITS, AT_100);
    expect(noBoard.parts).toMatchObject({ sprints: 0, projectName: 1 });
  });

  it('an empty project still costs a search', () => {
    const bound = independentLowerBound(
      needs({ items: 0, counts: 0, everyItem: 0 }),
      LIMITS,
      AT_100,
    );
    expect(bound.parts['issuePages']).toBe(1);
  });

  it('time: two dependent rounds, the last a full page or the per-second rate, whichever is longer', () => {
    // 100 (the permission check and the sprints) + (100 + 100 issues × 1 ms)
    expect(independentLowerBound(needs(), LIMITS, AT_100).modelledMs).toBe(300);
    // 15,000 items: 150 pages and 1 count at 100 requests a second take 1.51 s
    const big = independentLowerBound(
      needs({ items: 15_000, counts: 1, everyItem: 50_120 }),
      LIMITS,
      AT_100,
    );
    expect(big.modelledMs).toBeCloseTo(100 + 1510);
  });

  it('budget lines pass at the limit and fail above it', () => {
    expect(budget('calls', 1.1, 1.1, '×').pass).toBe(true);
    expect(budget('calls', 1.11, 1.1, '×').pass).toBe(false);
  });

  it('an open target that fails is printed as FAIL with its reason but does not fail the bench', () => {
    const gate = budget('calls, never above the baseline', 12, 25, '');
    const open = openBudget(budget('calls / bound', 1.2, 1.1, '×'), 'not met yet');
    const broken = budget('calls, never above the baseline', 30, 25, '');
    expect(gatingFailures([gate, open])).toEqual([]);
    expect(gatingFailures([gate, open, broken])).toEqual([broken]);
    expect(formatBudget(open)).toMatch(
      /^FAIL {2}calls \/ bound: 1\.20× .*open target, not gated: not met yet$/s,
    );
    // A passing open budget reads as any passing budget.
    expect(formatBudget(openBudget(budget('x', 1, 2, ''), 'why'))).toBe('PASS  x: 1 (budget ≤ 2)');
  });
});

describe('the manifest filter evaluator', () => {
  const manifest = parseYaml(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
    modules: { trigger: Array<{ key: string; filter?: { expression: string; onError?: string } }> };
  };
  const filter = manifest.modules.trigger.find((t) => t.key === 'sprint-guard-trigger')?.filter;
  const updated = (items: unknown[]) => ({
    eventType: 'avi:jira:updated:issue',
    changelog: { id: '1', items },
  });

  it('lets a Sprint change and a creation through, and nothing else', () => {
    if (!filter) throw new Error('no sprint guard filter in manifest.yml');
    expect(filterInvokes(filter, updated([{ field: 'Sprint', to: '5' }]))).toBe(true);
    expect(filterInvokes(filter, { eventType: 'avi:jira:created:issue' })).toBe(true);
    expect(filterInvokes(filter, updated([{ field: 'summary', to: 'x' }]))).toBe(false);
    expect(filterInvokes(filter, updated([{ field: 'Sprint', to: '' }]))).toBe(false);
    expect(filterInvokes(filter, { eventType: 'avi:jira:updated:issue' })).toBe(false);
  });

  it('follows Jira expression rules for null and errors', () => {
    expect(compileFilter('a.b == null')({ a: {} })).toBe(true);
    expect(
      compileFilter('!(x.list.includes(2)) || x.list.every(n => n != 3)')({ x: { list: [1, 2] } }),
    ).toBe(true);
    expect(() => compileFilter('a.b.c == 1')({ a: { b: null } })).toThrow(
      'cannot read "c" of null',
    );
    expect(() => compileFilter('a.map(x => x)')).toThrow('not in the subset');
    expect(filterInvokes({ expression: 'a.b.c', onError: 'RECEIVE_AND_LOG' }, {})).toBe(true);
  });
});

describe('the mixed event sample through the manifest filter', () => {
  const manifest = parseYaml(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
    modules: { trigger: Array<{ key: string; filter?: { expression: string; onError?: string } }> };
  };
  const filter = manifest.modules.trigger.find((t) => t.key === 'sprint-guard-trigger')?.filter;
  const issues = [1, 2, 3].map((n) => ({
    id: String(10_000 + n),
    key: `DT-${n}`,
    projectId: '10000',
    projectKey: 'DT',
    typeId: '10001',
    typeName: 'Story',
  }));
  const ids = { sprint: 'customfield_10020', storyPoints: 'customfield_10016', rank: 'x' };
  const sample = eventSample(1000, issues, ids, [7, 8]);

  it('has every kind the mix names, in its proportion', () => {
    expect(sample).toHaveLength(1000);
    for (const m of EVENT_MIX) {
      expect(sample.filter((e) => e.kind === m.kind)).toHaveLength(m.perThousand);
    }
  });

  it('invokes the guard for creations and Sprint entries only', () => {
    if (!filter) throw new Error('no sprint guard filter in manifest.yml');
    const replay = replayFilter(filter, sample);
    const invoked = Object.fromEntries(replay.byKind.map((k) => [k.kind, k.invoked]));
    expect(invoked).toEqual({
      created: 80,
      summary: 0,
      description: 0,
      status: 0,
      assignee: 0,
      labels: 0,
      'story points': 0,
      'status and assignee': 0,
      rank: 0,
      'comment only': 0,
      'sprint added': 60,
      'sprint added with rank': 20,
      'sprint moved': 40,
      'sprint removed': 0,
    });
    expect(replay).toMatchObject({
      events: 1000,
      invoked: 200,
      filteredOut: 800,
      nonSprintInvocations: 0,
      missed: 0,
    });
  });

  it('counts what a filter that lets everything through, or nothing, would get wrong', () => {
    const all = replayFilter({ expression: 'true' }, sample);
    expect(all.nonSprintInvocations).toBe(770);
    const none = replayFilter({ expression: 'false' }, sample);
    expect(none.missed).toBe(200);
  });
});

describe('bench options', () => {
  const names = (o: ReturnType<typeof parseBenchArgs>) => o.variants.map((v) => v.name);
  it('defaults to every size and variant at 100 ms + 1 ms an issue; --smallest, --ci narrow it', () => {
    const all = parseBenchArgs([]);
    expect(all).toMatchObject({
      scenarios: [500, 2000, 10_000, 50_000],
      latencyMs: 100,
      perObjectMs: 1,
      retroItems: 50_000,
    });
    expect(names(all)).toEqual(VARIANTS.map((v) => v.name));
    expect(parseBenchArgs(['--smallest'])).toMatchObject({ scenarios: [500], retroItems: 2000 });
    const ci = parseBenchArgs(['--ci']);
    expect(ci).toMatchObject({ scenarios: [2000], retroItems: 10_000 });
    expect(names(ci)).toEqual([
      'demo',
      'all-estimated',
      'none-estimated',
      '1-in-20',
      'discovery-30',
      'jpd-space',
    ]);
    const some = parseBenchArgs([
      '--scenarios',
      '2000,10_000',
      '--latency',
      '20',
      '--variants',
      'demo,discovery-30',
      '--per-object-ms',
      '0',
    ]);
    expect(some).toMatchObject({ scenarios: [2000, 10_000], latencyMs: 20, perObjectMs: 0 });
    expect(names(some)).toEqual(['demo', 'discovery-30']);
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown option');
    expect(() => parseBenchArgs(['--variants', 'huge'])).toThrow('no variant "huge"');
    expect(parseBenchArgs(['--retro-items', '20_000']).retroItems).toBe(20_000);
    expect(() => parseBenchArgs(['--retro-items', '100'])).toThrow('at least 656');
  });

  it("measures 50,000 items at the budgets' 300 and 500 ms a call, smaller sizes at --latency", () => {
    expect(latenciesFor(10_000, 100, 1)).toEqual([{ perCallMs: 100, perObjectMs: 1 }]);
    expect(latenciesFor(50_000, 100, 1).map((l) => l.perCallMs)).toEqual([300, 500]);
  });
});

describe('the bench’s check against the plain baseline', () => {
  const overview = (items: ProjectItem[] = []) =>
    buildOverview({
      project: { id: '1', key: 'DT', name: 'Demo' },
      now: new Date('2026-11-20T12:00:00Z'),
      unit: 'points',
      board: { id: 1, name: 'Board' },
      activeSprint: null,
      closedSprints: [{ id: 5, name: 'S5', completeDate: '2026-11-01', completed: 2 }],
      reads: readsOfAllItems(items, new Map()),
      config: DEFAULT_CONFIG,
      notes: [],
    });
  const story = (key: string, estimate: number): ProjectItem => ({
    key,
    summary: key,
    issueType: 'Story',
    kind: 'delivery',
    track: 'delivery',
    status: 'To Do',
    statusCategory: 'new',
    estimate,
    scopedOutcome: undefined,
    validation: undefined,
    evidenceCount: 0,
    sprint: undefined,
    created: '2026-11-01T09:00:00Z',
    updated: '2026-11-01T09:00:00Z',
    statusCategoryChanged: undefined,
  });

  it('finds no difference between equal pages, and names what differs', () => {
    const base = overview([story('DT-1', 5), story('DT-2', 8)]);
    expect(differencesFromBaseline(base, base)).toEqual([]);
    const fewer = overview([story('DT-1', 5)]);
    expect(differencesFromBaseline(fewer, base)).toEqual(
      expect.arrayContaining(['totals', 'columnCounts', 'delivery', 'runway']),
    );
  });

  it('past a list of flagged entry items, accepts fewer left-out items than the baseline, never more', () => {
    const base = overview([story('DT-1', 5), story('DT-2', 8)]);
    const entry = { ...base.signals.needsDiscovery, atLeast: true };
    const withOmitted = (page: typeof base, omitted: number, partial: boolean) => ({
      ...page,
      totals: { ...page.totals, omitted },
      notes: [
        `This project is large: each list shows its first 50 items; ${omitted} more are counted in the totals but not listed.`,
      ],
      signals: partial ? { ...page.signals, needsDiscovery: entry } : page.signals,
    });
    const baseline = withOmitted(base, 120, false);
    expect(differencesFromBaseline(withOmitted(base, 100, true), baseline)).toEqual([]);
    expect(differencesFromBaseline(withOmitted(base, 130, true), baseline)).toEqual([
      'totals.omitted',
    ]);
    // Without a partial entry list the count must be the same.
    expect(differencesFromBaseline(withOmitted(base, 100, false), baseline)).toEqual(
      expect.arrayContaining(['totals', 'notes']),
    );
  });

  it('accepts a runway that is a lower bound with the same verdict, not a higher one', () => {
    const base = overview([story('DT-1', 5), story('DT-2', 8)]);
    const atLeast = (sprints: number) => ({
      ...base,
      signals: {
        ...base.signals,
        runway: { ...base.signals.runway, atLeast: true, sprints, readyWork: sprints * 2 },
      },
    });
    expect(base.signals.runway.sprints).toBe(6.5);
    expect(differencesFromBaseline(atLeast(4.5), base)).toEqual([]);
    expect(differencesFromBaseline(atLeast(7), base)).toEqual(['runway']);
  });
});

describe('the data variants’ seed', () => {
  const openOf = (shape: SeedShape) => {
    const em = new JiraEmulator();
    const seeded = seedSyntheticProject(em, { openItems: 200, now: new Date(), ...shape });
    const points = [...em.fields.values()].find((f) => /story point/i.test(f.name))?.id ?? '';
    const types = new Map([...em.issueTypes.values()].map((t) => [t.id, t.name]));
    const open = [...em.issues.values()].filter(
      (i) =>
        i.projectId === seeded.projectId &&
        STATUSES.find((st) => st.id === i.statusId)?.name !== 'Done',
    );
    const discovery = (i: (typeof open)[number]) =>
      ['Discovery', 'Spike', 'Enabler'].includes(types.get(i.issueTypeId) ?? '');
    const estimated = (i: (typeof open)[number]) => i.custom.get(points) !== undefined;
    return {
      open: open.length,
      discovery: open.filter(discovery).length,
      estimatedDelivery: open.filter((i) => !discovery(i) && estimated(i)).length,
      estimatedDiscovery: open.filter((i) => discovery(i) && estimated(i)).length,
    };
  };

  it('estimates delivery items by default, every item, none, or one in n', () => {
    expect(openOf({})).toMatchObject({
      open: 200,
      discovery: 20,
      estimatedDelivery: 180,
      estimatedDiscovery: 0,
    });
    expect(openOf({ estimated: 'all' })).toMatchObject({
      estimatedDelivery: 180,
      estimatedDiscovery: 20,
    });
    expect(openOf({ estimated: 'none' })).toMatchObject({
      estimatedDelivery: 0,
      estimatedDiscovery: 0,
    });
    expect(openOf({ estimated: 20 })).toMatchObject({
      estimatedDelivery: 9,
      estimatedDiscovery: 0,
    });
  });

  it('makes 30% of the open items discovery items with three in ten', () => {
    expect(openOf({ discoveryPerTen: 3 })).toMatchObject({ open: 200, discovery: 60 });
  });
});

describe('the bench’s scenarios shared between processes', () => {
  it('largest first, each to the process with the least work so far; every job once', () => {
    // Sizes as the full bench runs them: 2 variants at 500, 2,000 and 50,000 items.
    const work = [500, 500, 2000, 2000, 50_000, 50_000];
    const shares = shareOut(work, 2);
    expect(shares).toEqual([
      [4, 2, 0],
      [5, 3, 1],
    ]);
    expect(shares.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // One process runs them all, largest first; more processes than jobs leave some idle.
    expect(shareOut(work, 1)).toEqual([[4, 5, 2, 3, 0, 1]]);
    expect(shareOut([10, 30], 3)).toEqual([[1], [0], []]);
    // Uneven work: the small jobs go where the large one is not.
    expect(shareOut([100, 10, 10, 10], 2)).toEqual([[0], [1, 2, 3]]);
  });
});
