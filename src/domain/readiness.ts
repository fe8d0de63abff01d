import type { Config } from './config';
import {
  describeSpikeTimeboxProblem,
  MAX_TIMEBOX_DAYS,
  spikeTimeboxProblem,
  type SpikeTimeboxProblem,
} from './spike-timebox';
import type { EvidenceCounts, EvidenceType, ItemKind, ScopedOutcome } from './track';

/**
 * Readiness rules. Each rule says which parts are missing, not only whether the item passes, so
 * that the validator, the sprint guard, the issue panel and the project page explain themselves
 * the same way.
 */

export type OutcomePart = 'outcome' | 'successMeasure' | 'bound';

export type OutcomeProblem =
  | { part: 'outcome'; problem: 'absent' }
  | { part: 'outcome'; problem: 'too-short'; length: number; minLength: number }
  | { part: 'outcome'; problem: 'placeholder'; text: string }
  | { part: 'successMeasure'; problem: 'absent' }
  | { part: 'successMeasure'; problem: 'placeholder'; text: string }
  | { part: 'bound'; problem: 'absent' }
  | { part: 'bound'; problem: 'invalid-timebox'; value: number }
  | { part: 'bound'; problem: 'invalid-date'; value: string }
  /** A spike: its timebox against the spike rule (spike-timebox.ts). */
  | { part: 'bound'; problem: 'spike-timebox'; timebox: SpikeTimeboxProblem; maxDays: number };

export interface OutcomeCheck {
  ready: boolean;
  problems: OutcomeProblem[];
}

/** Words that carry no scope on their own ("needs more research later"). */
const FILLER = new Set([
  'a',
  'an',
  'the',
  'to',
  'be',
  'is',
  'it',
  'this',
  'that',
  'and',
  'or',
  'of',
  'on',
  'in',
  'for',
  'more',
  'some',
  'further',
  'later',
  'needed',
  'need',
  'needs',
  'will',
  'we',
  'should',
  'do',
  'done',
  'options',
  'stuff',
  'things',
  'etc',
]);

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/?.\-\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A text is a placeholder when it is one of the configured placeholders, or when, once the
 * placeholders and filler words are taken out, fewer than three words of substance remain
 * ("TBD", "Research needed", "investigate options for it").
 */
export function isPlaceholder(text: string, placeholders: readonly string[]): boolean {
  const norm = normalise(text);
  if (norm.length === 0) return true;
  const phrases = placeholders.map(normalise).filter((p) => p.length > 0);
  if (phrases.includes(norm) || /^[\s?.\-/]*$/.test(norm)) return true;
  let rest = ` ${norm.replace(/[?.]/g, ' ')} `;
  for (const phrase of [...phrases].sort((a, b) => b.length - a.length)) {
    if (/^[\p{L}\p{N}\s/]+$/u.test(phrase)) rest = rest.split(` ${phrase} `).join(' ');
  }
  const hadPlaceholder = rest.trim() !== norm.replace(/[?.]/g, ' ').replace(/\s+/g, ' ').trim();
  const substance = rest
    .split(/\s+/)
    .filter((w) => w.length > 1 && !FILLER.has(w) && !/^[-/]+$/.test(w));
  return hadPlaceholder && substance.length < 3;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Does this item have a scoped outcome? Returns every missing or unacceptable part. */
export function checkScopedOutcome(
  scoped: ScopedOutcome | undefined,
  rules: Config['scopedOutcome'],
): OutcomeCheck {
  const problems: OutcomeProblem[] = [];
  const outcome = scoped?.outcome?.trim() ?? '';
  if (outcome.length === 0) {
    problems.push({ part: 'outcome', problem: 'absent' });
  } else if (isPlaceholder(outcome, rules.placeholders)) {
    problems.push({ part: 'outcome', problem: 'placeholder', text: outcome });
  } else if (outcome.length < rules.minOutcomeLength) {
    problems.push({
      part: 'outcome',
      problem: 'too-short',
      length: outcome.length,
      minLength: rules.minOutcomeLength,
    });
  }

  if (rules.requireSuccessMeasure) {
    const measure = scoped?.successMeasure?.trim() ?? '';
    if (measure.length === 0) {
      problems.push({ part: 'successMeasure', problem: 'absent' });
    } else if (isPlaceholder(measure, rules.placeholders)) {
      problems.push({ part: 'successMeasure', problem: 'placeholder', text: measure });
    }
  }

  if (rules.requireBound) {
    const days = scoped?.timeboxDays;
    const date = scoped?.targetDate?.trim();
    const validDays =
      typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= MAX_TIMEBOX_DAYS;
    const validDate = typeof date === 'string' && isIsoDate(date);
    if (!validDays && !validDate) {
      if (typeof days === 'number') {
        problems.push({ part: 'bound', problem: 'invalid-timebox', value: days });
      } else if (date) {
        problems.push({ part: 'bound', problem: 'invalid-date', value: date });
      } else {
        problems.push({ part: 'bound', problem: 'absent' });
      }
    }
  }
  return { ready: problems.length === 0, problems };
}

/** checkWorkOutcome of an item read from Jira: a spike by its kind. */
export function workOutcomeOf(
  item: { kind: ItemKind; scopedOutcome: ScopedOutcome | undefined },
  config: Pick<Config, 'scopedOutcome' | 'spike'>,
): OutcomeCheck {
  return checkWorkOutcome(item.kind === 'spike', item.scopedOutcome, config);
}

function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `"${short}"`;
}

/** The fix for one problem, in plain words, as an instruction. */
export function describeOutcomeProblem(p: OutcomeProblem): string {
  switch (p.problem) {
    case 'absent':
      if (p.part === 'outcome') return 'add an outcome statement (what this work will produce)';
      if (p.part === 'successMeasure')
        return 'add a success measure (how we will know the outcome was reached)';
      return 'add a bound: a timebox in days or a target date';
    case 'too-short':
      return `make the outcome statement specific: at least ${p.minLength} characters (it has ${p.length})`;
    case 'placeholder':
      return p.part === 'outcome'
        ? `replace the placeholder outcome ${quote(p.text)} with the concrete result this work will produce`
        : `replace the placeholder success measure ${quote(p.text)} with how success will be measured`;
    case 'invalid-timebox':
      return `set a timebox of 1 to ${MAX_TIMEBOX_DAYS} whole days (it is ${p.value})`;
    case 'invalid-date':
      return `set the target date as a real date, yyyy-mm-dd (it is ${quote(p.value)})`;
    case 'spike-timebox':
      return describeSpikeTimeboxProblem(p.timebox, p.maxDays);
  }
}

/**
 * The scoped outcome of a spike or an enabler as every surface judges it: its parts (above),
 * and for a spike its bound is the spike timebox rule instead (whole days up to the limit).
 */
export function checkWorkOutcome(
  isSpike: boolean,
  scoped: ScopedOutcome | undefined,
  config: Pick<Config, 'scopedOutcome' | 'spike'>,
): OutcomeCheck {
  const check = checkScopedOutcome(scoped, config.scopedOutcome);
  if (!isSpike) return check;
  const maxDays = config.spike.maxTimeboxDays;
  const timebox = spikeTimeboxProblem(scoped?.timeboxDays, maxDays);
  const problems: OutcomeProblem[] = [
    ...check.problems.filter((p) => p.part !== 'bound'),
    ...(timebox
      ? [{ part: 'bound' as const, problem: 'spike-timebox' as const, timebox, maxDays }]
      : []),
  ];
  return { ready: problems.length === 0, problems };
}

// ---------------------------------------------------------------------------------------------
// Validation of ideas

export type ValidationState = 'unvalidated' | 'validated' | 'invalidated';

export interface EvidenceShortfall {
  type: EvidenceType;
  have: number;
  need: number;
}

export interface ValidationCheck {
  state: ValidationState;
  shortfalls: EvidenceShortfall[];
}

/**
 * Is this idea validated? Enough interviews confirming the problem and enough usability tests
 * passed without help. An explicit "invalidated" decision wins over any count.
 */
export function checkValidated(
  evidence: EvidenceCounts,
  rules: Config['validation'],
  invalidated = false,
): ValidationCheck {
  const shortfalls: EvidenceShortfall[] = [];
  if (evidence.interview < rules.minInterviews) {
    shortfalls.push({ type: 'interview', have: evidence.interview, need: rules.minInterviews });
  }
  if (evidence['usability-test'] < rules.minUsabilityTests) {
    shortfalls.push({
      type: 'usability-test',
      have: evidence['usability-test'],
      need: rules.minUsabilityTests,
    });
  }
  if (invalidated) return { state: 'invalidated', shortfalls };
  return { state: shortfalls.length === 0 ? 'validated' : 'unvalidated', shortfalls };
}

const EVIDENCE_LABEL: Record<EvidenceType, [string, string]> = {
  interview: ['interview', 'interviews'],
  'usability-test': ['usability test', 'usability tests'],
  'prototype-review': ['prototype review', 'prototype reviews'],
  'concierge-test': ['concierge test', 'concierge tests'],
  experiment: ['experiment', 'experiments'],
};

/** "2 of 3 interviews"; past the need, "4 interviews (3 needed)", never "4 of 3". */
export function describeShortfall(s: EvidenceShortfall): string {
  const [one, many] = EVIDENCE_LABEL[s.type];
  if (s.have > s.need) {
    return `${s.have} ${s.have === 1 ? one : many} (${s.need} needed)`;
  }
  return `${s.have} of ${s.need} ${s.need === 1 ? one : many}`;
}
