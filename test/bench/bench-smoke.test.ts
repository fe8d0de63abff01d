import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseBenchArgs } from '../../dev/bench/bench';
import { budget, pointsOf, projectPageLowerBound, type PageData } from '../../dev/bench/cost-model';
import { compileFilter, filterInvokes } from '../../dev/bench/filter-expression';
import { returnedIssueCount } from '../../dev/emulator/jira-emulator';

/**
 * The bench's pure pieces on small inputs (no timing): the points model, the lower bound of
 * calls, the manifest filter evaluator and the options. `npm run bench` itself runs in CI.
 */

const LIMITS = { searchWithFields: 100, bulkFetch: 100, agile: 50 };
const page = (overrides: Partial<PageData> = {}): PageData => ({
  openItems: 250,
  velocityItems: 120,
  sprints: 7,
  fieldLookup: false,
  hasBoard: true,
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
  it('issues with fields come 100 a request whichever endpoint reads them', () => {
    const bound = projectPageLowerBound(page(), LIMITS);
    // permissions 1 + board 1 + configuration 1 + sprints 1 + items 3 + velocity 2
    expect(bound.total).toBe(9);
    expect(bound.parts).toMatchObject({ openItems: 3, velocity: 2, sprints: 1, fieldList: 0 });
  });

  it('a larger page size lowers the bound; a field lookup and sprint pages add to it', () => {
    expect(projectPageLowerBound(page(), { ...LIMITS, bulkFetch: 1000 }).parts['openItems']).toBe(
      1,
    );
    expect(projectPageLowerBound(page({ fieldLookup: true, sprints: 51 }), LIMITS).total).toBe(11);
  });

  it('an empty project still costs its requests; without a board, the name is read instead', () => {
    const bound = projectPageLowerBound(
      page({ openItems: 0, velocityItems: 0, hasBoard: false }),
      LIMITS,
    );
    expect(bound.parts).toEqual({
      permissions: 1,
      fieldList: 0,
      board: 1,
      boardConfiguration: 0,
      sprints: 0,
      openItems: 1,
      velocity: 0,
      projectName: 1,
    });
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
