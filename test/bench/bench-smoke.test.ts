import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { differencesFromBaseline, parseBenchArgs } from '../../dev/bench/bench';
import {
  budget,
  describeStrategy,
  pointsOf,
  projectPageLowerBound,
  type PageData,
} from '../../dev/bench/cost-model';
import { EVENT_MIX, eventSample, replayFilter } from '../../dev/bench/event-sample';
import { compileFilter, filterInvokes } from '../../dev/bench/filter-expression';
import { returnedIssueCount } from '../../dev/emulator/jira-emulator';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import type { ProjectItem } from '../../src/domain/signals';
import { buildOverview } from '../../src/project-page/build-overview';
import { readsOfAllItems } from '../../src/project-page/project-reads';

/**
 * The bench's pure pieces on small inputs (no timing): the points model, the lower bound of
 * calls, the manifest filter evaluator and the options. `npm run bench` itself runs in CI.
 */

const LIMITS = { searchWithFields: 100, bulkFetch: 100, agile: 50 };
const page = (overrides: Partial<PageData> = {}): PageData => ({
  reads: { discovery: 250, activeSprint: 20, ready: 92, inProgress: 50 },
  counts: 2,
  openItems: 2000,
  velocityItems: 120,
  sprints: 7,
  fieldLookup: false,
  hasBoard: true,
  issueTypes: true,
  ...overrides,
});

describe('rate-limit points', () => {
  it('1 per Jira request plus 1 per returned issue; storage costs nothing', () => {
    expect(
      pointsOf([
        { remote: 'jira', returnedIssues: 100 },
        { remote: 'jira', returnedIssues: 0 },
        { remote: 'kvs', returnedIssues: 0 },
      ]),
    ).toBe(102);
  });

  it('counts returned issues from the answer body', () => {
    const search = { issues: [{ id: '1' }, { id: '2' }], isLast: true };
    expect(returnedIssueCount('searchAndReconsileIssuesUsingJqlPost', search)).toBe(2);
    expect(returnedIssueCount('bulkFetchIssues', { issues: [], issueErrors: [] })).toBe(0);
    expect(returnedIssueCount('getIssue', { id: '1', key: 'DT-1', fields: {} })).toBe(1);
    expect(returnedIssueCount('getFields', [{ id: 'summary' }])).toBe(0);
    expect(returnedIssueCount('moveIssuesToBacklog', undefined)).toBe(0);
  });
});

describe('lower bound of calls for a project page', () => {
  it('each read’s issues come 100 a request whichever endpoint reads them; a count is one request', () => {
    const bound = projectPageLowerBound(page(), LIMITS);
    // permissions 1 + board 1 + issue types 1 + configuration 1 + sprints 1 + the sets read
    // whole 4 (250 discovery + 20 in the sprint + 120 velocity in one search) + ready 1 + in
    // progress 1 + counts 2
    expect(bound.total).toBe(13);
    expect(bound.strategy).toBe('targeted reads');
    expect(bound.parts).toMatchObject({
      wholeSets: 4,
      ready: 1,
      inProgress: 1,
      counts: 2,
      sprints: 1,
      fieldList: 0,
    });
    expect(bound.parts).not.toHaveProperty('discovery');
  });

  it('a larger page size lowers the bound; a field lookup and sprint pages add to it', () => {
    const bigBulk = projectPageLowerBound(page(), { ...LIMITS, bulkFetch: 1000 });
    expect(bigBulk.strategies[0]?.parts['wholeSets']).toBe(1);
    expect(projectPageLowerBound(page({ fieldLookup: true, sprints: 51 }), LIMITS).total).toBe(15);
  });

  it('issue types and a board configuration remembered from an earlier load cost nothing', () => {
    const bound = projectPageLowerBound(
      page({ issueTypes: false, boardConfiguration: false }),
      LIMITS,
    );
    expect(bound.total).toBe(11);
    expect(bound.parts).toMatchObject({ issueTypes: 0, boardConfiguration: 0 });
  });

  it('an empty project still costs its requests; without a board, the name is read instead', () => {
    const bound = projectPageLowerBound(
      page({
        reads: { discovery: 0, ready: 0, inProgress: 0 },
        counts: 0,
        openItems: 0,
        velocityItems: 0,
        hasBoard: false,
      }),
      LIMITS,
    );
    // Reading everything is then cheaper: one empty search instead of three.
    expect(bound.strategy).toBe('read everything');
    expect(bound.parts).toEqual({
      permissions: 1,
      fieldList: 0,
      board: 1,
      issueTypes: 0,
      boardConfiguration: 0,
      sprints: 0,
      openAndVelocityItems: 1,
      entryEvidence: 0,
      projectName: 1,
    });
    expect(bound.strategies[0]?.parts).toEqual({
      permissions: 1,
      fieldList: 0,
      board: 1,
      issueTypes: 1,
      boardConfiguration: 0,
      sprints: 0,
      ready: 1,
      inProgress: 1,
      counts: 0,
      entryEvidence: 0,
      wholeSets: 1,
      projectName: 1,
    });
  });

  it('needs discovery first: its search and the bulk fetches of linked ideas add to the bound', () => {
    const base = projectPageLowerBound(page(), LIMITS).total;
    const bound = projectPageLowerBound(
      page({
        reads: { discovery: 250, activeSprint: 20, ready: 92, inProgress: 50, needsDiscovery: 8 },
        evidenceFetches: 2,
      }),
      LIMITS,
    );
    expect(bound.parts).toMatchObject({ needsDiscovery: 1, entryEvidence: 2 });
    expect(bound.total).toBe(base + 3);
  });

  it('is the fewest of the strategies that give the same page: at 500 items reading everything is', () => {
    // The bench's 500-item project: 500 open items, 120 done in the velocity sprints.
    const bound = projectPageLowerBound(
      page({
        reads: { discovery: 50, activeSprint: 20, ready: 30, inProgress: 50, needsDiscovery: 2 },
        counts: 1,
        openItems: 500,
        sprints: 7,
      }),
      LIMITS,
    );
    const [targeted, everything] = bound.strategies;
    // 5 fixed + the sets read whole 2 (50 + 20 + 120) + ready, in progress, needs discovery
    // first and one count
    expect(targeted?.total).toBe(11);
    // permissions + board + configuration + sprints + ceil((500 + 120) / 100), no counts
    expect(everything?.total).toBe(4 + 7);
    expect(bound.total).toBe(11);
    expect(describeStrategy(everything!)).toBe(
      '11 (permissions 1 + board 1 + boardConfiguration 1 + sprints 1 + openAndVelocityItems 7)',
    );
    // Never above the plain baseline, which reads the same issues in separate searches:
    // 4 fixed + ceil(500 / 100) + ceil(120 / 100).
    expect(bound.total).toBeLessThanOrEqual(4 + 5 + 2);
  });

  it('at 2,000 items the targeted reads are the bound, and a bigger page lowers both', () => {
    const bound = projectPageLowerBound(page(), LIMITS);
    expect(bound.strategies.map((st) => [st.name, st.total])).toEqual([
      ['targeted reads', 13],
      ['read everything', 4 + 22],
    ]);
    const big = projectPageLowerBound(page(), { ...LIMITS, searchWithFields: 5000 });
    expect(big.strategies.map((st) => st.total)).toEqual([10, 5]);
    expect(big.total).toBe(5);
  });

  it('budget lines pass at the limit and fail above it', () => {
    expect(budget('calls', 1.25, 1.25, '×').pass).toBe(true);
    expect(budget('calls', 1.26, 1.25, '×').pass).toBe(false);
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
  it('defaults to all scenarios at 100 ms; --smallest runs only the smallest', () => {
    expect(parseBenchArgs([])).toEqual({ scenarios: [500, 2000, 10_000], latencyMs: 100 });
    expect(parseBenchArgs(['--smallest'])).toEqual({ scenarios: [500], latencyMs: 100 });
    expect(parseBenchArgs(['--scenarios', '2000,10_000', '--latency', '20'])).toEqual({
      scenarios: [2000, 10_000],
      latencyMs: 20,
    });
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown option');
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
