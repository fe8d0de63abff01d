/**
 * The one spike timebox rule. The practice: technical spikes are short investigations of one to
 * three days. A spike is bounded by a timebox of whole days, from 1 to the configured maximum
 * (`spike.maxTimeboxDays`, 3 by default). A target date is never converted into days and alone
 * does not bound a spike (it says when, not how long). Every surface judges spikes by this rule,
 * and a running spike's clock (calendar days from its last start) runs against spikeAllowance.
 */

export const SPIKE_MIN_TIMEBOX_DAYS = 1;
/** The longest timebox any work may have (an enabler's); a spike's is the configured maximum. */
export const MAX_TIMEBOX_DAYS = 365;

/** The whole days a timebox may have: a spike's by the spike rule, other work's up to a year. */
export function timeboxRange(isSpike: boolean, maxSpikeDays: number): { min: number; max: number } {
  return { min: SPIKE_MIN_TIMEBOX_DAYS, max: isSpike ? maxSpikeDays : MAX_TIMEBOX_DAYS };
}

export type SpikeTimeboxProblem =
  | { problem: 'no-days' }
  | { problem: 'not-whole'; days: number }
  | { problem: 'too-long'; days: number };

/** Why a spike's timebox breaks the rule; undefined when it keeps it. */
export function spikeTimeboxProblem(
  timeboxDays: number | undefined,
  maxDays: number,
): SpikeTimeboxProblem | undefined {
  if (typeof timeboxDays !== 'number') return { problem: 'no-days' };
  if (!Number.isInteger(timeboxDays) || timeboxDays < SPIKE_MIN_TIMEBOX_DAYS) {
    return { problem: 'not-whole', days: timeboxDays };
  }
  if (timeboxDays > maxDays) return { problem: 'too-long', days: timeboxDays };
  return undefined;
}

/** The fix, in plain words, as an instruction. */
export function describeSpikeTimeboxProblem(p: SpikeTimeboxProblem, maxDays: number): string {
  switch (p.problem) {
    case 'no-days':
      return `set the spike's timebox in days (at most ${maxDays}; a target date alone does not bound a spike)`;
    case 'not-whole':
      return `set the spike's timebox to whole days from ${SPIKE_MIN_TIMEBOX_DAYS} to ${maxDays} (it is ${p.days})`;
    case 'too-long':
      return `shorten the spike's timebox to at most ${maxDays} days (it is ${p.days})`;
  }
}

/** How many days a running spike is allowed, and where that figure comes from. */
export interface SpikeAllowance {
  days: number;
  /** Its own timebox; the limit (its own is longer); the default (it has no whole-day timebox). */
  source: 'scoped-outcome' | 'limit' | 'default';
}

/**
 * The days a spike's clock runs against, by the same rule: its own timebox when it keeps the
 * rule, the limit when it is longer (a 10-day spike still gets at most the limit), and the
 * default timebox when it has none in whole days (a date-only spike gets the default).
 */
export function spikeAllowance(
  timeboxDays: number | undefined,
  rules: { defaultTimeboxDays: number; maxTimeboxDays: number },
): SpikeAllowance {
  const problem = spikeTimeboxProblem(timeboxDays, rules.maxTimeboxDays);
  if (problem === undefined && typeof timeboxDays === 'number') {
    return { days: timeboxDays, source: 'scoped-outcome' };
  }
  if (problem?.problem === 'too-long') return { days: rules.maxTimeboxDays, source: 'limit' };
  return { days: Math.min(rules.defaultTimeboxDays, rules.maxTimeboxDays), source: 'default' };
}
