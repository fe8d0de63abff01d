import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import {
  carriedOver,
  configAt,
  flowVerdict,
  halves,
  percentile,
  sprintFlow,
  sprintThresholds,
} from '../../src/domain/retro-flow';
import {
  computeRetro,
  type HistoryChange,
  type RetroIssue,
  type RetroSprint,
  type TrendSeries,
} from '../../src/domain/retro';
import { judge } from '../../src/domain/retro-trends';
import { RETRO_CATEGORIES, SPRINT_1, SPRINT_2 } from '../helpers/factories';

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

describe('runway and cadence judged by the targets in force when each sprint ended', () => {
  const S0: RetroSprint = {
    id: 10,
    name: 'S0',
    startDate: '2025-12-22T09:00:00.000Z',
    completeDate: '2026-01-05T08:00:00.000Z',
  };
  const S2 = SPRINT_2;
  const withRunway = (min: number, max: number, touchpoints = 3): Config => ({
    ...DEFAULT_CONFIG,
    runway: { ...DEFAULT_CONFIG.runway, targetMinSprints: min, targetMaxSprints: max },
    capacity: { ...DEFAULT_CONFIG.capacity, touchpointsPerSprint: touchpoints },
  });
  // S0 finished 6 points; 12 points of ready work wait outside the sprints.
  const doneInS0 = () => ({
    ...item('2025-12-23T09:00:00.000Z', '2025-12-26T09:00:00.000Z'),
    sprintIds: [10],
    created: '2025-12-01T00:00:00.000Z',
  });
  const ready = () => ({ ...item(undefined, undefined), sprintIds: [] });
  const run = (settings: Array<{ from: string; config: Config }>) =>
    computeRetro({
      sprints: [S0, S1, S2],
      count: 2,
      issues: [doneInS0(), doneInS0(), ready(), ready(), ready(), ready()],
      ideas: [],
      guardMoves: [],
      outcomes: [],
      statusCategories: CATS,
      unit: 'points',
      config: withRunway(1, 5),
      settings,
      touchpoints: [{ issueKey: 'DT-1', date: '2026-01-06', type: 'interview' }],
    });

  it('each sprint against the target of its end, not today’s', () => {
    // S1 ran under 1-2 sprints until the 10th, then 3-4 (in force at its end); S2 ended under
    // 0.5-1.5 (from the 25th). Today's target, 1-5, would find both within.
    const report = run([
      { from: '1970-01-01T00:00:00.000Z', config: withRunway(1, 2) },
      { from: '2026-01-10T00:00:00.000Z', config: withRunway(3, 4, 1) },
      { from: '2026-01-25T00:00:00.000Z', config: withRunway(0.5, 1.5, 2) },
    ]);
    const runway = report.trends.find((t) => t.metric === 'runway');
    expect(runway?.values).toEqual([2, 4]);
    expect(runway?.targets).toEqual([
      { min: 3, max: 4 },
      { min: 0.5, max: 1.5 },
    ]);
    expect(runway?.judged).toEqual(['below', 'above']);
    expect(runway?.summary).toBe(
      'Runway up from 2 to 4 sprints (better). Against the target in force when each sprint ended: within in 0 of 2 measured sprints, below it in 1, above it in 1.',
    );
    const cadence = report.trends.find((t) => t.metric === 'cadence');
    expect(cadence?.values).toEqual([1, 0]);
    expect(cadence?.targets).toEqual([{ min: 1 }, { min: 2 }]);
    expect(cadence?.judged).toEqual(['within', 'below']);
    expect(cadence?.summary).toMatch(/: met in 1 of 2 measured sprints\.$/);
  });

  it('without settings history, today’s target', () => {
    const runway = run([]).trends.find((t) => t.metric === 'runway');
    expect(runway?.targets).toEqual([
      { min: 1, max: 5 },
      { min: 1, max: 5 },
    ]);
    expect(runway?.judged).toEqual(['within', 'within']);
  });
});

describe('technical risk without the Entry triage field', () => {
  const run = (triageRead: boolean | undefined) =>
    computeRetro({
      sprints: [S1],
      count: 1,
      issues: [item('2026-01-06T09:00:00.000Z', undefined)],
      ideas: [],
      guardMoves: [],
      outcomes: [],
      statusCategories: CATS,
      unit: 'points',
      config: DEFAULT_CONFIG,
      ...(triageRead === undefined ? {} : { triageRead }),
    }).trends.find((t) => t.metric === 'uncertainWithoutDiscovery');
  it('is not measured (a gap), not zero, when the field was not read', () => {
    expect(run(false)?.values).toEqual([undefined]);
    expect(run(false)?.summary).toBe(
      'High-uncertainty items entering without discovery: not measurable in these sprints.',
    );
    expect(run(undefined)?.values).toEqual([0]);
    expect(run(true)?.values).toEqual([0]);
  });
});

describe('carry-over: in the sprint when it closed, started and not done', () => {
  const sprintChange = (at: string, from: string, to: string) => change('sprint', at, from, to);
  it.each<[string, () => RetroIssue, boolean]>([
    ['in progress at the close', () => item('2026-01-10T09:00:00.000Z', undefined), true],
    ['never started', () => item(undefined, undefined), false],
    [
      'finished in the sprint',
      () => item('2026-01-06T09:00:00.000Z', '2026-01-08T09:00:00.000Z'),
      false,
    ],
    [
      'started, then moved back to a to-do status',
      () => {
        const i = item('2026-01-06T09:00:00.000Z', undefined);
        return {
          ...i,
          statusId: '1',
          changes: [...i.changes, change('status', '2026-01-12T09:00:00.000Z', '3', '1')],
        };
      },
      true,
    ],
    [
      'taken out of the sprint while it ran (in progress)',
      () => {
        const i = item('2026-01-06T09:00:00.000Z', undefined);
        return {
          ...i,
          sprintIds: [],
          changes: [...i.changes, sprintChange('2026-01-12T09:00:00.000Z', '1', '')],
        };
      },
      false,
    ],
    [
      'added while it ran and in progress at the close',
      () => {
        const i = item('2026-01-08T09:00:00.000Z', undefined);
        return {
          ...i,
          changes: [...i.changes, sprintChange('2026-01-07T09:00:00.000Z', '', '1')],
        };
      },
      true,
    ],
    [
      'started only after the sprint closed',
      () => item('2026-01-20T09:00:00.000Z', undefined),
      false,
    ],
  ])('%s: %s', (_name, make, expected) => {
    expect(carriedOver(make(), S1, CATS)).toBe(expected);
  });
});

describe('a value against the target in force', () => {
  it.each<[number | undefined, { min: number; max?: number } | undefined, string | undefined]>([
    [0.5, { min: 1, max: 2 }, 'below'],
    [1, { min: 1, max: 2 }, 'within'],
    [2, { min: 1, max: 2 }, 'within'],
    [2.5, { min: 1, max: 2 }, 'above'],
    [4, { min: 3 }, 'within'],
    [2, { min: 3 }, 'below'],
    [undefined, { min: 1, max: 2 }, undefined],
    [1, undefined, undefined],
  ])('%s against %j: %s', (value, target, expected) => {
    expect(judge(value, target)).toBe(expected);
  });
});

describe('halves of the sprints shown', () => {
  it.each<[Array<number | undefined>, { before: number; after: number } | undefined]>([
    [[6, 3], { before: 6, after: 3 }],
    [[6, 4, 2, 2], { before: 5, after: 2 }],
    // The middle sprint of an odd count is in neither half.
    [[6, 100, 2], { before: 6, after: 2 }],
    [[undefined, 4, 2, 1], { before: 4, after: 1.5 }],
    [[undefined, undefined, 2, 1], undefined],
    [[3], undefined],
    [[], undefined],
  ])('%j', (values, expected) => {
    expect(halves(values)).toEqual(expected);
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
        trend('uncertainWithoutDiscovery', [3, 2, 1, 0]),
        trend('cycleTime', [6, 4, 3, 3]),
        trend('predictability', [70, 80, 90, 90]),
        trend('carryOver', [2, 2, 1, 0]),
      ],
      'Delivery flow improved while technical risk fell (first 2 sprints against the last 2: median cycle time from 5 to 3 days, carry-over from 2 to 0.5 items, predictability from 75% to 90%).',
    ],
    [
      'a late bad sprint outweighed by the halves, not by the last value alone',
      [trend('uncertainWithoutDiscovery', [2, 2, 1, 1]), trend('cycleTime', [8, 8, 2, 9])],
      'Delivery flow improved while technical risk fell (first 2 sprints against the last 2: median cycle time from 8 to 5.5 days).',
    ],
    [
      'worsened while risk rose',
      [
        trend('uncertainWithoutDiscovery', [0, 2]),
        trend('cycleTime', [3, 5]),
        trend('carryOver', [0, 1]),
      ],
      'Delivery flow worsened while technical risk rose (first sprint against the last: median cycle time from 3 to 5 days, carry-over from 0 to 1 items).',
    ],
    [
      'mixed: one measure better, one worse',
      [
        trend('uncertainWithoutDiscovery', [1, 1]),
        trend('cycleTime', [3, 2]),
        trend('predictability', [90, 60]),
      ],
      'Delivery flow was mixed while technical risk held steady (first sprint against the last: median cycle time from 3 to 2 days, predictability from 90% to 60%).',
    ],
    [
      'risk not measured (no Entry triage field)',
      [trend('uncertainWithoutDiscovery', [undefined, undefined]), trend('carryOver', [1, 1])],
      'Delivery flow held steady while technical risk was not measured (first sprint against the last: carry-over from 1 to 1 items).',
    ],
    [
      'fewer than 2 sprints',
      [trend('cycleTime', [3]), trend('predictability', [80])],
      'Delivery flow: not enough sprints to see a trend (at least 2 are needed).',
    ],
    [
      'no half with finished delivery work',
      [trend('cycleTime', [undefined, 3, undefined]), trend('predictability', [undefined, 80])],
      'Delivery flow: not enough sprints with finished delivery work to compare the first half with the second.',
    ],
  ])('%s', (_name, trends, sentence) => {
    expect(flowVerdict(trends)).toBe(sentence);
  });
});
