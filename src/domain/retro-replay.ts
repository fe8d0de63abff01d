import { differenceInCalendarDays, parseISO } from 'date-fns';
import type { Config } from './config';
import { checkScopedOutcome } from './readiness';
import type { EstimateUnit, StatusCategory } from './signals';
import { spikeAllowance } from './spike-timebox';
import type { ScopedOutcome } from './track';
import type {
  HistoryChange,
  HistoryField,
  RetroIssue,
  RetroSprint,
  SprintReport,
} from './retro-model';

/**
 * Replaying an issue's history: its value at time t is its current value with every later change
 * undone (each change's `from`). Without recorded changes a field has held its current value
 * since the issue was created.
 */

export const time = (iso: string) => Date.parse(iso);
export const round1 = (n: number) => Math.round(n * 10) / 10;
export const percentOf = (part: number, whole: number) =>
  whole === 0 ? undefined : Math.round((part / whole) * 100);

/** The value a field had at `at`: the current value with every later change undone. */
export function valueAt(
  current: string | null,
  changes: readonly HistoryChange[],
  field: HistoryField,
  at: string,
): string | null {
  const t = time(at);
  let value = current;
  const later = changes
    .filter((c) => c.field === field && time(c.at) > t)
    .sort((a, b) => time(b.at) - time(a.at));
  for (const c of later) value = c.from;
  return value;
}

export function sprintIdsOf(text: string | null): number[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export function categoryAt(
  issue: RetroIssue,
  at: string,
  categories: ReadonlyMap<string, StatusCategory>,
): StatusCategory | undefined {
  if (time(at) < time(issue.created)) return undefined;
  const status = valueAt(issue.statusId, issue.changes, 'status', at);
  return status === null ? undefined : (categories.get(status) ?? 'indeterminate');
}

export function sprintsAt(issue: RetroIssue, at: string): number[] {
  if (time(at) < time(issue.created)) return [];
  return sprintIdsOf(valueAt(issue.sprintIds.join(','), issue.changes, 'sprint', at));
}

function parseOutcome(text: string | null): ScopedOutcome | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

export function outcomeAt(issue: RetroIssue, at: string): ScopedOutcome | undefined {
  const current = issue.scopedOutcome ? JSON.stringify(issue.scopedOutcome) : null;
  return parseOutcome(valueAt(current, issue.changes, 'scopedOutcome', at));
}

/**
 * Did the item enter the sprint: in it at the sprint's start, or added to it (a Sprint change
 * naming it) while it ran? An item created into a running sprint counts too.
 */
export function enteredSprint(
  issue: RetroIssue,
  sprint: RetroSprint,
  categories: ReadonlyMap<string, StatusCategory> = new Map(),
): boolean {
  // A period is entered by starting work in it (the pull into the first committed column).
  if (sprint.period) {
    return transitionsInto(issue, 'indeterminate', categories).some((at) => within(at, sprint));
  }
  if (sprintsAt(issue, sprint.startDate).includes(sprint.id)) return true;
  const start = time(sprint.startDate);
  const end = time(sprint.completeDate);
  const added = issue.changes.some(
    (c) =>
      c.field === 'sprint' &&
      time(c.at) >= start &&
      time(c.at) <= end &&
      sprintIdsOf(c.to).includes(sprint.id) &&
      !sprintIdsOf(c.from).includes(sprint.id),
  );
  if (added) return true;
  const created = time(issue.created);
  return created >= start && created <= end && sprintsAt(issue, issue.created).includes(sprint.id);
}

/** High-uncertainty delivery items that entered the sprint without covering discovery. */
export function uncertainWithoutDiscovery(
  issues: readonly RetroIssue[],
  sprint: RetroSprint,
  categories?: ReadonlyMap<string, StatusCategory>,
): string[] {
  return issues
    .filter(
      (i) =>
        i.track === 'delivery' &&
        i.uncertainty === 'high' &&
        i.discoveryCovered !== true &&
        enteredSprint(i, sprint, categories),
    )
    .map((i) => i.key);
}

/** Moments the status category changed into `to`, oldest first. */
function transitionsInto(
  issue: RetroIssue,
  to: StatusCategory,
  categories: ReadonlyMap<string, StatusCategory>,
): string[] {
  const cat = (id: string | null) =>
    id === null ? undefined : (categories.get(id) ?? 'indeterminate');
  const moves = issue.changes
    .filter((c) => c.field === 'status' && cat(c.to) === to && cat(c.from) !== to)
    .map((c) => c.at)
    .sort((a, b) => time(a) - time(b));
  if (moves.length > 0) return moves;
  // No recorded status change: the current category began at statuscategorychangedate.
  const current = categories.get(issue.statusId) ?? 'indeterminate';
  if (current !== to || issue.changes.some((c) => c.field === 'status')) return [];
  return [issue.statusCategoryChanged ?? issue.created];
}

/** When the item was last finished (entered a done status); undefined when never. */
export function doneAt(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
): string | undefined {
  return transitionsInto(issue, 'done', categories).at(-1);
}

/** When work on the item first started (entered an in-progress status). */
export function startedAt(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
): string | undefined {
  return transitionsInto(issue, 'indeterminate', categories)[0];
}

/**
 * The sprint an item was completed in: it entered a done status between the sprint's start and
 * completion while it was in that sprint (an item carried over counts where it was finished).
 * A period holds what was finished within it.
 */
export function completedSprint(
  issue: RetroIssue,
  sprints: readonly RetroSprint[],
  categories: ReadonlyMap<string, StatusCategory>,
): RetroSprint | undefined {
  const done = doneAt(issue, categories);
  if (!done) return undefined;
  const t = time(done);
  const member = new Set(sprintsAt(issue, done));
  return sprints
    .filter(
      (s) => (s.period || member.has(s.id)) && t >= time(s.startDate) && t <= time(s.completeDate),
    )
    .sort((a, b) => time(b.completeDate) - time(a.completeDate))[0];
}

export const size = (issue: RetroIssue, unit: EstimateUnit) =>
  unit === 'issues' ? 1 : (issue.estimate ?? 0);

export const within = (at: string | undefined, s: RetroSprint) =>
  at !== undefined && time(at) >= time(s.startDate) && time(at) <= time(s.completeDate);

/** Did a finished enabler keep its bound (target date, or timebox from when work started)? */
export function withinBound(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
): boolean {
  const done = doneAt(issue, categories);
  if (!done) return false;
  const outcome = outcomeAt(issue, done) ?? issue.scopedOutcome;
  if (outcome?.targetDate) return done.slice(0, 10) <= outcome.targetDate;
  if (typeof outcome?.timeboxDays === 'number') {
    const started = startedAt(issue, categories) ?? issue.created;
    return differenceInCalendarDays(parseISO(done), parseISO(started)) <= outcome.timeboxDays;
  }
  return false;
}

/** Did a finished spike stay within its timebox (the spike rule's allowance, spikeAllowance)? */
export function withinTimebox(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
  rules: Config['spike'],
): boolean {
  const done = doneAt(issue, categories);
  if (!done) return false;
  const allowed = spikeAllowance(outcomeAt(issue, done)?.timeboxDays, rules).days;
  const started = startedAt(issue, categories) ?? issue.created;
  return differenceInCalendarDays(parseISO(done), parseISO(started)) <= allowed;
}

/** The signals that can be rebuilt for a past moment: overrun spikes, idle discovery, unscoped enablers. */
export function signalsAt(
  issues: readonly RetroIssue[],
  at: string,
  categories: ReadonlyMap<string, StatusCategory>,
  config: Config,
): SprintReport['atEnd'] {
  let overrunSpikes = 0;
  let idleDiscovery = 0;
  let unscopedEnablers = 0;
  const t = time(at);
  for (const issue of issues) {
    if (issue.track !== 'discovery') continue;
    const category = categoryAt(issue, at, categories);
    if (category === undefined || category === 'done') continue;
    if (issue.kind === 'spike' && category === 'indeterminate') {
      const starts = transitionsInto(issue, 'indeterminate', categories).filter(
        (s) => time(s) <= t,
      );
      const started = starts.at(-1);
      const allowed = spikeAllowance(outcomeAt(issue, at)?.timeboxDays, config.spike).days;
      if (started && differenceInCalendarDays(parseISO(at), parseISO(started)) > allowed) {
        overrunSpikes += 1;
      }
    }
    const last = [issue.created, ...issue.changes.map((c) => c.at), ...issue.activity]
      .filter((a) => time(a) <= t)
      .reduce((max, a) => Math.max(max, time(a)), 0);
    if (
      differenceInCalendarDays(new Date(t), new Date(last)) >= config.staleness.discoveryIdleDays
    ) {
      idleDiscovery += 1;
    }
    if (
      issue.kind === 'enabler' &&
      !checkScopedOutcome(outcomeAt(issue, at), config.scopedOutcome).ready
    ) {
      unscopedEnablers += 1;
    }
  }
  return { overrunSpikes, idleDiscovery, unscopedEnablers };
}

/** Ready delivery work when the sprint started: not started, not in that sprint (a period has none in it). */
export function readyWorkAt(
  issues: readonly RetroIssue[],
  sprint: RetroSprint,
  categories: ReadonlyMap<string, StatusCategory>,
  unit: EstimateUnit,
): number {
  let total = 0;
  for (const issue of issues) {
    if (issue.track !== 'delivery') continue;
    if (categoryAt(issue, sprint.startDate, categories) !== 'new') continue;
    if (!sprint.period && sprintsAt(issue, sprint.startDate).includes(sprint.id)) continue;
    total += size(issue, unit);
  }
  return total;
}
