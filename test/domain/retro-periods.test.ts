import { DEFAULT_CONFIG } from '../../src/domain/config';
import { computeRetro, type HistoryChange, type RetroIssue } from '../../src/domain/retro';
import { closedPeriods } from '../../src/domain/retro-periods';
import { RETRO_CATEGORIES } from '../helpers/factories';

/**
 * The retro on a Kanban board looks back over periods of `kanban.retroPeriodDays` days: closed
 * periods are fixed spans (so stored figures keep their dates), and an item belongs to a period
 * by when it moved, never by a sprint (a Kanban item has none).
 */

const NOW = new Date('2026-03-04T12:00:00.000Z');
const DAY = 86_400_000;

let n = 0;
/** A Kanban item (no sprint): started on `start`, finished on `done` (or not). */
function item(
  start: string | undefined,
  done: string | undefined,
  over: Partial<RetroIssue> = {},
): RetroIssue {
  n += 1;
  const changes: HistoryChange[] = [];
  if (start) changes.push({ field: 'status', at: start, from: '1', to: '3' });
  if (done) changes.push({ field: 'status', at: done, from: '3', to: '9' });
  return {
    id: String(n),
    key: `KB-${n}`,
    summary: 'Item',
    kind: 'delivery',
    track: 'delivery',
    created: '2025-10-01T00:00:00.000Z',
    estimate: 1,
    statusId: done ? '9' : start ? '3' : '1',
    sprintIds: [],
    scopedOutcome: undefined,
    statusCategoryChanged: undefined,
    changes,
    activity: [],
    promotedFrom: [],
    ...over,
  };
}

describe('closed periods of a Kanban board', () => {
  it('back-to-back spans of the period length that ended before now, oldest first, on Mondays', () => {
    const periods = closedPeriods(NOW, 14, 3);
    expect(periods.map((p) => [p.startDate, p.completeDate])).toEqual([
      ['2026-01-19T00:00:00.000Z', '2026-02-01T23:59:59.999Z'],
      ['2026-02-02T00:00:00.000Z', '2026-02-15T23:59:59.999Z'],
      ['2026-02-16T00:00:00.000Z', '2026-03-01T23:59:59.999Z'],
    ]);
    expect(periods.every((p) => p.period && new Date(p.startDate).getUTCDay() === 1)).toBe(true);
    expect(periods[2]?.name).toBe('2026-02-16 to 2026-03-01');
  });

  it('keeps its ids and dates from one load to the next until a period closes', () => {
    const later = new Date(NOW.getTime() + 5 * DAY); // 2026-03-09, the running period still runs
    expect(closedPeriods(later, 14, 3)).toEqual(closedPeriods(NOW, 14, 3));
    const next = closedPeriods(new Date('2026-03-16T00:00:00.000Z'), 14, 3);
    expect(next[1]).toEqual(closedPeriods(NOW, 14, 3)[2]);
    expect(next[2]?.startDate).toBe('2026-03-02T00:00:00.000Z');
  });

  it('follows the period length', () => {
    const weeks = closedPeriods(NOW, 7, 2);
    expect(weeks.map((p) => p.startDate.slice(0, 10))).toEqual(['2026-02-16', '2026-02-23']);
  });
});

describe('the retro by period', () => {
  const periods = closedPeriods(NOW, 14, 4); // 5 Jan–18 Jan, 19 Jan–1 Feb, 2–15 Feb, 16 Feb–1 Mar
  const report = (issues: RetroIssue[], count = 2) =>
    computeRetro({
      sprints: periods,
      count,
      issues,
      ideas: [],
      guardMoves: [],
      outcomes: [],
      statusCategories: RETRO_CATEGORIES,
      unit: 'issues',
      config: DEFAULT_CONFIG,
    });

  it('counts what was finished within each period, with no sprint, for both tracks', () => {
    const issues = [
      item('2026-02-03T09:00:00.000Z', '2026-02-05T09:00:00.000Z'),
      item('2026-02-03T09:00:00.000Z', '2026-02-20T09:00:00.000Z'),
      item('2026-02-17T09:00:00.000Z', '2026-02-18T09:00:00.000Z', {
        kind: 'spike',
        track: 'discovery',
      }),
    ];
    const [first, second] = report(issues).sprints;
    expect(first?.completed).toMatchObject({ delivery: 1, discovery: 0 });
    expect(second?.completed).toMatchObject({ delivery: 1, discovery: 1, discoveryPercent: 50 });
    expect(second?.spikes.finished).toEqual([issues[2]?.key]);
  });

  it('carry-over is what was in progress at the end; predictability, what was in progress at the start and got finished', () => {
    const done = item('2026-02-10T09:00:00.000Z', '2026-02-20T09:00:00.000Z');
    const stuck = item('2026-02-10T09:00:00.000Z', undefined);
    const late = item('2026-02-25T09:00:00.000Z', undefined);
    const [, second] = report([done, stuck, late]).sprints;
    expect(second?.flow.carryOver).toEqual([stuck.key, late.key]);
    expect(second?.flow).toMatchObject({
      committed: 2,
      completedOfCommitted: 1,
      predictability: 50,
    });
    expect(second?.flow.cycleTimeDays.median).toBe(10);
  });

  it('a high-uncertainty item entered the period by starting in it', () => {
    const risky = item('2026-02-17T09:00:00.000Z', undefined, { uncertainty: 'high' });
    const [first, second] = report([risky]).sprints;
    expect(first?.uncertainWithoutDiscovery).toEqual([]);
    expect(second?.uncertainWithoutDiscovery).toEqual([risky.key]);
  });

  it('runway at the start is in sprints of two weeks: ready work over the periods before', () => {
    const done = (days: string[]) =>
      days.map((d) => item(`${d}T08:00:00.000Z`, `${d}T09:00:00.000Z`));
    const ready = Array.from({ length: 6 }, () => item(undefined, undefined));
    // Two finished in each of the three 14-day periods before 16 Feb: 6 ready is 3 periods.
    const fortnights = done(['2026-01-06', '2026-01-07', '2026-01-20', '2026-01-21']);
    const more = done(['2026-02-03', '2026-02-04']);
    const [last] = report([...fortnights, ...more, ...ready], 1).sprints;
    expect(last?.runwayAtStart).toMatchObject({ readyWork: 6, velocity: 2, sprints: 3 });
    // Periods of 7 days, one finished a week: 6 weeks of runway, 3 sprints of two weeks.
    const weekly = computeRetro({
      sprints: closedPeriods(NOW, 7, 4),
      count: 1,
      issues: [...done(['2026-02-03', '2026-02-10', '2026-02-17']), ...ready],
      ideas: [],
      guardMoves: [],
      outcomes: [],
      statusCategories: RETRO_CATEGORIES,
      unit: 'issues',
      config: DEFAULT_CONFIG,
    });
    expect(weekly.sprints[0]?.runwayAtStart).toMatchObject({ velocity: 1, sprints: 3 });
  });
});
