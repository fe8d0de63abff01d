import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import {
  configAt,
  flowVerdict,
  percentile,
  sprintFlow,
  sprintThresholds,
} from '../../src/domain/retro-flow';
import type { HistoryChange, RetroIssue, TrendSeries } from '../../src/domain/retro';
import { RETRO_CATEGORIES, SPRINT_1 } from '../helpers/factories';

/** Delivery flow per sprint and the thresholds in force at its end (issue 17, items 6 and 7). */

const CATS = RETRO_CATEGORIES;
const S1 = SPRINT_1;
let n = 0;
const change = (
  field: HistoryChange['field'],
  at: string,
  from: string | null,
  to: string | null,
) => ({ field, at, from, to });
/** A delivery item in S1 from its start: started on `start`, finished on `done` (or not). */
function item(start: string | undefined, done: string | undefined, estimate = 3): RetroIssue {
  n += 1;
  const changes: HistoryChange[] = [];
  if (start) changes.push(change('status', start, '1', '3'));
  if (done) changes.push(change('status', done, '3', '9'));
  return {
    id: String(n),
    key: `DT-${n}`,
    summary: 'Item',
    kind: 'delivery',
    track: 'delivery',
    created: '2026-01-01T00:00:00.000Z',
    estimate,
    statusId: done ? '9' : start ? '3' : '1',
    sprintIds: [1],
    scopedOutcome: undefined,
    statusCategoryChanged: undefined,
    changes,
    activity: [],
    promotedFrom: [],
  };
}

describe('delivery flow of a sprint', () => {
  it('percentile is the nearest rank', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 10], 85)).toBe(10);
  });

  it('cycle time from first start to done, carry-over, and predictability of what it started with', () => {
    const issues = [
      item('2026-01-06T09:00:00.000Z', '2026-01-08T09:00:00.000Z'), // 2 days
      item('2026-01-06T09:00:00.000Z', '2026-01-12T09:00:00.000Z'), // 6 days
      item('2026-01-07T09:00:00.000Z', '2026-01-11T21:00:00.000Z'), // 4.5 days
      item('2026-01-10T09:00:00.000Z', undefined), // carried over
      item(undefined, undefined, 5), // never started: committed, not carried over
    ];
    const flow = sprintFlow(issues, S1, [S1], CATS, 'points');
    expect(flow.cycleTimeDays).toEqual({ median: 4.5, p85: 6, measured: 3 });
    expect(flow.carryOver).toEqual([issues[3]?.key]);
    expect(flow).toMatchObject({ committed: 17, completedOfCommitted: 9, predictability: 53 });
  });

  it('an empty sprint measures nothing', () => {
    expect(sprintFlow([], S1, [S1], CATS, 'points')).toEqual({
      cycleTimeDays: { median: undefined, p85: undefined, measured: 0 },
      carryOver: [],
      committed: 0,
      completedOfCommitted: 0,
      predictability: undefined,
    });
  });
});

describe('the thresholds in force when a sprint ended', () => {
  const withTarget = (t: number): Config => ({
    ...DEFAULT_CONFIG,
    capacity: { ...DEFAULT_CONFIG.capacity, discoveryTargetPercent: t },
  });
  const eras = [
    { from: '1970-01-01T00:00:00.000Z', config: withTarget(20) },
    { from: '2026-01-10T00:00:00.000Z', config: withTarget(30) },
    { from: '2026-02-01T00:00:00.000Z', config: withTarget(40) },
  ];

  it.each([
    ['2026-01-05T00:00:00.000Z', 20],
    ['2026-01-19T09:00:00.000Z', 30],
    ['2026-03-01T00:00:00.000Z', 40],
  ])('at %s the target was %i%%', (at, target) => {
    expect(configAt(eras, at, withTarget(99)).capacity.discoveryTargetPercent).toBe(target);
  });

  it('without history, today’s settings; before the oldest kept version, the oldest', () => {
    expect(configAt([], S1.completeDate, withTarget(99)).capacity.discoveryTargetPercent).toBe(99);
    expect(
      configAt(eras.slice(1), '2026-01-01T00:00:00.000Z', withTarget(99)).capacity
        .discoveryTargetPercent,
    ).toBe(30);
  });

  it('the sprint carries its thresholds and its cadence against the target of then', () => {
    const touch = (date: string) => ({ issueKey: 'DT-9', date, type: 'interview' as const });
    const judged = sprintThresholds(S1, withTarget(30), [
      touch('2026-01-04'),
      touch('2026-01-06'),
      touch('2026-01-19'),
      touch('2026-01-20'),
    ]);
    expect(judged.thresholds).toMatchObject({ targetPercent: 30, touchpointsPerSprint: 3 });
    expect(judged.cadence).toEqual({ count: 2, target: 3, met: false });
    expect(sprintThresholds(S1, withTarget(30), undefined).cadence).toBeUndefined();
  });
});

describe('did delivery flow improve as risk fell', () => {
  const trend = (
    metric: TrendSeries['metric'],
    values: Array<number | undefined>,
  ): TrendSeries => ({
    metric,
    label: metric,
    values,
    summary: '',
  });
  it.each<[string, TrendSeries[], string]>([
    [
      'improved while risk fell',
      [
        trend('uncertainWithoutDiscovery', [3, 1]),
        trend('cycleTime', [6, 3]),
        trend('predictability', [70, 90]),
        trend('carryOver', [2, 2]),
      ],
      'Delivery flow improved (cycle time, carry-over and predictability) while technical risk fell.',
    ],
    [
      'worsened while risk rose',
      [
        trend('uncertainWithoutDiscovery', [0, 2]),
        trend('cycleTime', [3, 5]),
        trend('carryOver', [0, 1]),
      ],
      'Delivery flow worsened (cycle time, carry-over and predictability) while technical risk rose.',
    ],
    [
      'one sprint is not a trend',
      [trend('cycleTime', [3]), trend('predictability', [undefined, 80])],
      'Delivery flow: not enough sprints with finished delivery work to see a trend.',
    ],
  ])('%s', (_name, trends, sentence) => {
    expect(flowVerdict(trends)).toBe(sentence);
  });
});
