import { DEFAULT_CONFIG } from '../../src/domain/config';
import { computeSignals, type SignalInput } from '../../src/domain/signals';
import type { Waiver } from '../../src/domain/sprint-readiness';
import { makeProjectItem, makeSpike } from '../helpers/factories';

/**
 * The signals of a project on a Kanban board: runway in weeks of throughput against the sprint
 * targets read as two weeks each, and engineering discovery's share of work in progress.
 */

const SCOPED = {
  outcome: 'A measured answer on whether the index serves typeahead at peak',
  successMeasure: 'p95 under 150 ms in a load test at peak traffic',
  timeboxDays: 3,
};
const now = new Date('2026-12-04T10:00:00Z');

function input(overrides: Partial<SignalInput>): SignalInput {
  return {
    items: [],
    closedSprints: [],
    activeSprint: undefined,
    hasBoard: true,
    unit: 'points',
    config: DEFAULT_CONFIG,
    now,
    kanban: { weeks: [10, 10, 10, 10], deliveryInProgress: 0 },
    ...overrides,
  };
}

const ready = (points: number) => makeProjectItem({ estimate: points });

describe('runway in weeks of throughput', () => {
  it.each([
    [15, 1.5, 'build-trap'],
    [30, 3, 'healthy'],
    [50, 5, 'ahead'],
    [60, 6, 'paralysis'],
  ])('%d ready points at 10 a week: %d weeks, %s', (points, weeks, verdict) => {
    const { runway } = computeSignals(input({ items: [ready(points)] }));
    expect(runway).toMatchObject({ per: 'week', sprints: weeks, velocity: 10, verdict });
    expect(runway.target).toEqual({ min: 2, max: 4, pauseAt: 6 });
  });

  it('averages over every week counted, quiet weeks included', () => {
    const { runway } = computeSignals(
      input({ items: [ready(20)], kanban: { weeks: [20, 0, 0, 0], deliveryInProgress: 0 } }),
    );
    expect(runway).toMatchObject({ velocity: 5, sprints: 4, verdict: 'healthy' });
    expect(runway.reason).toContain(
      '5 points of delivery finished per week (average of the last 4 weeks)',
    );
  });

  it('nothing finished: not measured, and says why', () => {
    const { runway, buildTrap } = computeSignals(
      input({ items: [ready(20)], kanban: { weeks: [0, 0], deliveryInProgress: 0 } }),
    );
    expect(runway).toMatchObject({ level: 'unknown', verdict: 'unknown', sprints: undefined });
    expect(runway.reason).toBe(
      'No delivery points were finished in the last 2 weeks, so runway in weeks of throughput cannot be measured.',
    );
    expect(buildTrap.belowFloor).toBe(false);
  });
});

describe('capacity by work in progress', () => {
  const inProgress = { statusCategory: 'indeterminate' as const, status: 'In Progress' };

  it('a scoped spike against three delivery items in progress: 25%, counted in items', () => {
    const spike = makeSpike({ ...inProgress, scopedOutcome: SCOPED, estimate: 8 });
    const unscoped = makeSpike({ ...inProgress, kind: 'enabler', issueType: 'Enabler' });
    const notStarted = makeSpike({ scopedOutcome: SCOPED });
    const { capacity } = computeSignals(
      input({
        items: [spike, unscoped, notStarted],
        kanban: { weeks: [1], deliveryInProgress: 3 },
      }),
    );
    expect(capacity).toMatchObject({
      of: 'wip',
      unit: 'issues',
      discovery: 1,
      delivery: 3,
      discoveryPercent: 25,
      level: 'ok',
    });
    expect(capacity.leftOut).toEqual([
      { key: unscoped.key, summary: unscoped.summary, why: 'unscoped' },
    ]);
  });

  it('below the target less the tolerance: a warning', () => {
    const spike = makeSpike({ ...inProgress, scopedOutcome: SCOPED });
    const { capacity } = computeSignals(
      input({ items: [spike], kanban: { weeks: [1], deliveryInProgress: 9 } }),
    );
    expect(capacity).toMatchObject({ discoveryPercent: 10, level: 'warning' });
  });

  it('nothing in progress: not measured', () => {
    const { capacity } = computeSignals(input({}));
    expect(capacity).toMatchObject({ level: 'unknown', discoveryPercent: undefined });
  });
});

describe('waived items on a Kanban board, as on a Scrum board', () => {
  const waiverOf = (item: { key: string; id?: string }, expiresOn: string): Waiver => ({
    issueId: item.id ?? `id-${item.key}`,
    issueKey: item.key,
    reason: 'Agreed with the architect',
    expiresOn,
    grantedBy: 'user-admin',
    grantedAt: '2026-12-01T09:00:00.000Z',
  });
  const FACTS = {
    grantedBy: 'user-admin',
    grantedByName: 'Ada Admin',
    reason: 'Agreed with the architect',
    expiresOn: '2026-12-20',
  };
  const names = new Map([['user-admin', 'Ada Admin']]);

  it('counts a waived unscoped enabler in progress in the share, named apart, not left out', () => {
    const unscoped = makeProjectItem({
      kind: 'enabler',
      track: 'discovery',
      issueType: 'Enabler',
      statusCategory: 'indeterminate',
    });
    const on = (expiresOn: string) =>
      computeSignals(
        input({
          items: [unscoped],
          waivers: [waiverOf(unscoped, expiresOn)],
          names,
          kanban: { weeks: [1], deliveryInProgress: 3 },
        }),
      ).capacity;
    const waived = on('2026-12-20');
    expect(waived).toMatchObject({ discovery: 1, delivery: 3, discoveryPercent: 25, leftOut: [] });
    expect(waived.waived).toEqual([{ key: unscoped.key, summary: unscoped.summary, ...FACTS }]);
    expect(waived.reason).toContain('(with 1 waived unscoped spike or enabler)');
    // Expired (the day before now): left out as unscoped again.
    const expired = on('2026-12-03');
    expect(expired).toMatchObject({ discovery: 0, waived: [] });
    expect(expired.leftOut).toEqual([
      { key: unscoped.key, summary: unscoped.summary, why: 'unscoped' },
    ]);
  });

  it('runway names a waived not-ready item apart, out of the not-ready list, still not ready work', () => {
    const notReady = makeProjectItem({
      key: 'KB-20',
      summary: 'KB-20 summary',
      notReady: { reason: 'idea-not-validated', keys: ['KB-90'] },
    });
    const { runway } = computeSignals(
      input({
        items: [ready(20), notReady],
        waivers: [waiverOf(notReady, '2026-12-20')],
        names,
      }),
    );
    expect(runway).toMatchObject({ per: 'week', readyWork: 20, sprints: 2 });
    expect(runway.excluded.items).toEqual([]);
    expect(runway.excluded.counts['idea-not-validated']).toBe(0);
    expect(runway.waived).toEqual([{ key: 'KB-20', summary: 'KB-20 summary', ...FACTS }]);
    expect(runway.reason).toContain('not counted until validated: KB-20');
  });
});
