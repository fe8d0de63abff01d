import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { differencesFromBaseline, parseBenchArgs } from '../../dev/bench/bench';
import { budget, pointsOf, projectPageLowerBound, type PageData } from '../../dev/bench/cost-model';
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
    // permissions 1 + board 1 + issue types 1 + configuration 1 + sprints 1
    // + discovery 3 + active sprint 1 + ready 1 + in progress 1 + counts 2 + velocity 2
    expect(bound.total).toBe(15);
    expect(bound.parts).toMatchObject({
      discovery: 3,
      activeSprint: 1,
      ready: 1,
      inProgress: 1,
      counts: 2,
      velocity: 2,
      sprints: 1,
      fieldList: 0,
    });
  });

  it('a larger page size lowers the bound; a field lookup and sprint pages add to it', () => {
    expect(projectPageLowerBound(page(), { ...LIMITS, bulkFetch: 1000 }).parts['discovery']).toBe(
      1,
    );
    expect(projectPageLowerBound(page({ fieldLookup: true, sprints: 51 }), LIMITS).total).toBe(17);
  });

  it('an empty project still costs its requests; without a board, the name is read instead', () => {
    const bound = projectPageLowerBound(
      page({
        reads: { discovery: 0, ready: 0, inProgress: 0 },
        counts: 0,
        velocityItems: 0,
        hasBoard: false,
      }),
      LIMITS,
    );
    expect(bound.parts).toEqual({
      permissions: 1,
      fieldList: 0,
      board: 1,
      issueTypes: 1,
      boardConfiguration: 0,
      sprints: 0,
      discovery: 1,
      ready: 1,
      inProgress: 1,
      counts: 0,
      entryEvidence: 0,
      velocity: 0,
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
