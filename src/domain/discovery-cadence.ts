import { differenceInCalendarDays, parseISO } from 'date-fns';
import { EVIDENCE_TYPES, emptyEvidence, type EvidenceType } from './track';
import { plural, type Level } from './signal-model';

/**
 * Product discovery cadence: the practice asks for protected time for the PM and designer to
 * run discovery activities each sprint (interviews, prototype reviews, usability sessions). The
 * measure is the evidence the team recorded, dated within the sprint, against a per-sprint
 * target; mid-sprint it is judged against the share of the target the days passed call for.
 */

/** One recorded discovery activity: an evidence entry of an idea, by the day it happened. */
export interface Touchpoint {
  issueKey: string;
  /** yyyy-mm-dd */
  date: string;
  type: EvidenceType;
}

/** An idea's evidence entries as the activities they record. */
export function touchpointsOf(
  issueKey: string,
  entries: ReadonlyArray<{ date: string; type: EvidenceType }>,
): Touchpoint[] {
  return entries.map((e) => ({ issueKey, date: e.date, type: e.type }));
}

export interface SprintWindow {
  name: string;
  /** ISO timestamps, as Jira gives them. */
  startDate: string;
  endDate: string;
}

export interface CadenceSignal {
  level: Level;
  /** Activities dated within the sprint (so far); 0 when not measured. */
  count: number;
  byType: Record<EvidenceType, number>;
  target: number;
  /** The target in proportion to the sprint's days passed (the whole target once it ended). */
  expectedByNow: number;
  /** Day of the sprint and its length in days; null when not measured. */
  days: { elapsed: number; length: number } | null;
  reason: string;
}

const day = (iso: string) => iso.slice(0, 10);

const TYPE_WORDS: Readonly<Record<EvidenceType, string>> = {
  interview: 'interview',
  'usability-test': 'usability test',
  'prototype-review': 'prototype review',
  'concierge-test': 'concierge test',
  experiment: 'experiment',
};

/** "2 interviews, 1 usability test" */
export function describeTouchpoints(byType: Readonly<Record<EvidenceType, number>>): string {
  return EVIDENCE_TYPES.filter((t) => byType[t] > 0)
    .map((t) => plural(byType[t], TYPE_WORDS[t]))
    .join(', ');
}

/** The activities dated from the sprint's first day to its last (or to today, if sooner). */
export function touchpointsIn(
  touchpoints: readonly Touchpoint[],
  sprint: SprintWindow,
  now: Date,
): Touchpoint[] {
  const from = day(sprint.startDate);
  const to = [day(sprint.endDate), day(now.toISOString())].sort()[0] ?? from;
  return touchpoints.filter((t) => t.date >= from && t.date <= to);
}

/** The cadence of one sprint: the active one (`now` inside it) or a finished one. */
export function cadenceOf(
  touchpoints: readonly Touchpoint[],
  sprint: SprintWindow,
  target: number,
  now: Date,
): CadenceSignal {
  const within = touchpointsIn(touchpoints, sprint, now);
  const byType = emptyEvidence();
  for (const t of within) byType[t.type] += 1;
  const start = parseISO(sprint.startDate);
  const length = Math.max(1, differenceInCalendarDays(parseISO(sprint.endDate), start));
  const elapsed = Math.min(length, Math.max(1, differenceInCalendarDays(now, start) + 1));
  const expectedByNow = Math.floor((target * elapsed) / length);
  const count = within.length;
  const what = count > 0 ? ` (${describeTouchpoints(byType)})` : '';
  const activities = `${plural(count, 'product discovery activity', 'product discovery activities')} dated in ${sprint.name}${what}`;
  const finished = elapsed >= length;
  const base = { count, byType, target, expectedByNow, days: { elapsed, length } };
  if (target === 0) {
    return { ...base, level: 'ok', reason: `${activities}; no per-sprint target is set.` };
  }
  if (count >= target) {
    return {
      ...base,
      level: 'ok',
      reason: `${activities}, meeting the target of ${target} per sprint.`,
    };
  }
  const when = finished ? 'the whole sprint' : `day ${elapsed} of ${length}`;
  if (count >= expectedByNow && !finished) {
    return {
      ...base,
      level: 'ok',
      reason: `${activities} by ${when}: on pace for the target of ${target} per sprint.`,
    };
  }
  return {
    ...base,
    level: 'warning',
    reason: `${activities} by ${when}, below the target of ${target} per sprint${finished ? '' : ` (${expectedByNow} by now)`}: the practice protects time each sprint for interviews, prototype reviews and usability sessions.`,
  };
}

/** Not measured, with why. */
export function cadenceUnmeasured(target: number, reason: string): CadenceSignal {
  return {
    level: 'unknown',
    count: 0,
    byType: emptyEvidence(),
    target,
    expectedByNow: 0,
    days: null,
    reason,
  };
}
