import type { RetroSprint } from './retro-model';

/**
 * The retro's periods on a Kanban board, which has no sprints: back-to-back spans of
 * `kanban.retroPeriodDays` days, counted from Monday 5 January 1970 (UTC) so that a period keeps
 * its dates (and its stored figures) from one load to the next. Only periods that ended before
 * `now` are closed. Pure: the caller passes `now`.
 */

const DAY_MS = 86_400_000;
const ANCHOR = Date.UTC(1970, 0, 5);

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `count` closed periods of `days` days before `now`, oldest first. */
export function closedPeriods(now: Date, days: number, count: number): RetroSprint[] {
  const length = days * DAY_MS;
  const running = Math.floor((now.getTime() - ANCHOR) / length);
  const periods: RetroSprint[] = [];
  for (let index = Math.max(0, running - count); index < running; index += 1) {
    const start = ANCHOR + index * length;
    const last = start + length - 1;
    periods.push({
      id: index,
      name: `${dayOf(start)} to ${dayOf(last)}`,
      startDate: new Date(start).toISOString(),
      completeDate: new Date(last).toISOString(),
      period: true,
    });
  }
  return periods;
}
