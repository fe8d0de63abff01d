import { DEFAULT_CONFIG } from '../../src/domain/config';
import { computeSignals, type SignalInput } from '../../src/domain/signals';
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
