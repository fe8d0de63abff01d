import { differenceInCalendarDays, parseISO } from 'date-fns';
import type { Config } from './config';
import {
  checkWorkOutcome,
  describeOutcomeProblem,
  describeShortfall,
  type EvidenceShortfall,
  type OutcomePart,
  type ValidationState,
} from './readiness';
import type { StatusCategory } from './signals';
import { spikeAllowance, type SpikeAllowance } from './spike-timebox';
import { typeIsIn, type ItemKind, type ScopedOutcome, type Track } from './track';

/**
 * The readiness checklist of one item: every rule that applies to it, each passed or failed with
 * the fix in plain words. Pure: the caller passes what it read and `now`. The rules themselves are
 * the ones in readiness.ts (the enabler gate's scoped outcome, the validation threshold); this
 * file only says which apply to which item and adds the item-level ones (spike timebox and close
 * note, feasibility sign-off, where a delivery item came from).
 */

export type CheckId =
  | 'outcome'
  | 'successMeasure'
  | 'bound'
  | 'validated'
  | 'feasibility'
  | 'timebox'
  | 'learned'
  | 'origin'
  /** Delivery items meeting the discovery entry criteria (added by the issue panel's reader). */
  | 'discoveryFirst';

export interface ChecklistItem {
  id: CheckId;
  label: string;
  passed: boolean;
  /** What to do to pass, in plain words; absent when passed. */
  fix?: string | undefined;
  /** False for advice that does not hold the item back (e.g. a delivery item's origin). */
  required: boolean;
}

export type FeasibilityVerdict = 'feasible' | 'not-feasible' | 'needs-spike';

export interface FeasibilityReview {
  /** Technically novel (flagged, or by its triage: domain/feasibility.ts). */
  novel: boolean;
  /** Why it is novel, for the texts ("it has high Entry triage uncertainty"); default: flagged. */
  because?: string | undefined;
  signOff?: { by: string; at: string; verdict: FeasibilityVerdict; note: string } | undefined;
}

const FLAGGED = 'it is flagged technically novel';

const VERDICT_TEXT: Record<FeasibilityVerdict, string> = {
  feasible: 'feasible',
  'not-feasible': 'not feasible',
  'needs-spike': 'needs a spike first',
};

export interface SpikeTimebox {
  /** When the spike (last) entered an in-progress status; undefined while it has not started. */
  startedAt: string | undefined;
  /** When a done spike was closed (entered a done status); undefined while it is open. */
  closedAt: string | undefined;
  /** Calendar days from the start to now, or to the close once the spike is done (final). */
  daysUsed: number;
  /** The spike rule's allowance (spike-timebox.ts, spikeAllowance). */
  daysAllowed: number;
  /** Where the allowance comes from. */
  source: SpikeAllowance['source'];
  overrun: boolean;
}

/** A status change from the issue's history: status ids, and when. */
export interface StatusChange {
  at: string;
  from: string | null;
  to: string | null;
}

/**
 * A spike's timebox: it starts when the spike enters an in-progress status (Jira's
 * statuscategorychangedate while the category is "indeterminate") and allows what the spike
 * rule allows (spikeAllowance: its own timebox up to the limit, else the default; a target date
 * is not converted into days). Days are calendar days, as the project page
 * counts them. Moving the spike back to a to-do status stops the clock, and the next move to
 * in progress starts it again from zero (Jira keeps one category change date, and the app
 * follows it). Once the spike is done, the figure is final: from its last start to its close,
 * where the start comes from its status history (`startedBeforeClose`, see
 * `lastStartBefore`); a spike closed without ever being in progress has no figure.
 */
export function spikeTimebox(args: {
  statusCategory: StatusCategory;
  statusCategoryChanged: string | undefined;
  /** Done spikes: when the spike last entered in progress before its close, from its history. */
  startedBeforeClose?: string | undefined;
  scopedOutcome: ScopedOutcome | undefined;
  rules: Config['spike'];
  now: Date;
}): SpikeTimebox {
  const { days: daysAllowed, source } = spikeAllowance(args.scopedOutcome?.timeboxDays, args.rules);
  const done = args.statusCategory === 'done';
  const closedAt = done ? args.statusCategoryChanged : undefined;
  const started =
    args.statusCategory === 'indeterminate'
      ? args.statusCategoryChanged
      : done
        ? args.startedBeforeClose
        : undefined;
  if (!started) {
    return { startedAt: undefined, closedAt, daysUsed: 0, daysAllowed, source, overrun: false };
  }
  const end = done && closedAt ? parseISO(closedAt) : args.now;
  const daysUsed = Math.max(0, differenceInCalendarDays(end, parseISO(started)));
  return {
    startedAt: started,
    closedAt,
    daysUsed,
    daysAllowed,
    source,
    overrun: daysUsed > daysAllowed,
  };
}

/**
 * When a spike last entered an in-progress status at or before `until` (its close), from its
 * status changes and the categories of the statuses: the latest change from a status that is
 * not in progress into one that is. Undefined when it never was in progress (or a status's
 * category is unknown, so nothing can be claimed).
 */
export function lastStartBefore(
  changes: readonly StatusChange[],
  categories: ReadonlyMap<string, StatusCategory>,
  until: string,
): string | undefined {
  const limit = parseISO(until).getTime();
  let start: string | undefined;
  for (const change of [...changes].sort((a, b) => a.at.localeCompare(b.at))) {
    if (parseISO(change.at).getTime() > limit) break;
    const to = change.to === null ? undefined : categories.get(change.to);
    const from = change.from === null ? undefined : categories.get(change.from);
    if (to === 'indeterminate' && from !== 'indeterminate') start = change.at;
  }
  return start;
}

/**
 * What stands between a discovery item and promotion to delivery, in plain words (empty: it
 * may be promoted). The promote action refuses on the same list and the issue panel shows it
 * instead of the button: the item must be on the discovery track, validated by evidence (not
 * invalidated), and, when flagged technically novel, signed off "feasible" by engineering.
 */
export type PromotionBlocker =
  | { kind: 'not-discovery'; text: string }
  | { kind: 'not-validated'; text: string }
  | { kind: 'invalidated'; text: string }
  | { kind: 'feasibility'; text: string };

export function promotionBlockers(input: {
  track: Track;
  validation: { state: ValidationState; shortfalls: readonly EvidenceShortfall[]; reason?: string };
  feasibility: FeasibilityReview | undefined;
}): PromotionBlocker[] {
  if (input.track !== 'discovery') {
    return [
      {
        kind: 'not-discovery',
        text: 'it is not on the discovery track: only discovery items are promoted to delivery',
      },
    ];
  }
  const blockers: PromotionBlocker[] = [];
  const v = input.validation;
  if (v.state === 'invalidated') {
    blockers.push({
      kind: 'invalidated',
      text: `it was decided invalidated (${v.reason ?? 'no reason given'})`,
    });
  } else if (v.state !== 'validated') {
    blockers.push({
      kind: 'not-validated',
      text: `it is not validated yet (evidence so far: ${v.shortfalls.map(describeShortfall).join(', ') || 'none'})`,
    });
  }
  const f = input.feasibility;
  if (f?.novel && f.signOff?.verdict !== 'feasible') {
    blockers.push({
      kind: 'feasibility',
      text: f.signOff
        ? `${f.because ?? FLAGGED} and engineering's sign-off says ${VERDICT_TEXT[f.signOff.verdict]}: it needs a new "feasible" sign-off from the lead engineer`
        : `${f.because ?? FLAGGED} and has no "feasible" sign-off from the lead engineer yet`,
    });
  }
  return blockers;
}

export interface ChecklistInput {
  kind: ItemKind;
  track: Track;
  issueType: string;
  statusCategory: StatusCategory;
  scopedOutcome: ScopedOutcome | undefined;
  /** Ideas: the validation state and what is still missing. */
  validation?:
    | { state: ValidationState; shortfalls: readonly EvidenceShortfall[]; reason?: string }
    | undefined;
  feasibility: FeasibilityReview | undefined;
  timebox: SpikeTimebox | undefined;
  learnedNote: boolean;
  /** Delivery items: the validated discovery items they are linked from. */
  origin?: { validated: readonly string[]; linkedDiscovery: readonly string[] } | undefined;
  config: Config;
}

export interface Checklist {
  items: ChecklistItem[];
  /** Every required check passed. */
  ready: boolean;
}

const OUTCOME_LABELS: Record<OutcomePart, string> = {
  outcome: 'Outcome statement',
  successMeasure: 'Success measure',
  bound: 'Timebox or target date',
};

const FIX_SUFFIX: Record<OutcomePart, string> = {
  outcome: ' in the Scoped outcome field',
  successMeasure: ' to the Scoped outcome field',
  bound: ' in the Scoped outcome field',
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Whether the enabler gate (and so this checklist) asks this item for a scoped outcome. */
export function needsScopedOutcome(input: Pick<ChecklistInput, 'kind' | 'issueType' | 'config'>) {
  return (
    input.kind === 'enabler' ||
    input.kind === 'spike' ||
    typeIsIn(input.issueType, input.config.gate.issueTypes)
  );
}

/**
 * The panel's readiness checks, in the order they are shown. Each check is one function of what
 * was read about the item; a new readiness rule is one more function here (and its test).
 */
const CHECKS: ReadonlyArray<(input: ChecklistInput) => ChecklistItem[]> = [
  outcomeChecks,
  validatedCheck,
  feasibilityCheck,
  spikeChecks,
  originCheck,
];

export function buildChecklist(input: ChecklistInput): Checklist {
  const items = CHECKS.flatMap((check) => check(input));
  return { items, ready: items.every((i) => i.passed || !i.required) };
}

/** Enablers and spikes: each required part of the scoped outcome. */
function outcomeChecks(input: ChecklistInput): ChecklistItem[] {
  if (!needsScopedOutcome(input)) return [];
  const { config } = input;
  const spike = input.kind === 'spike';
  const check = checkWorkOutcome(spike, input.scopedOutcome, config);
  const parts: OutcomePart[] = ['outcome'];
  if (config.scopedOutcome.requireSuccessMeasure) parts.push('successMeasure');
  // A spike is always bounded by its timebox (the spike rule), whatever the setting says.
  if (config.scopedOutcome.requireBound || spike) parts.push('bound');
  return parts.map((part) => {
    const problem = check.problems.find((p) => p.part === part);
    return {
      id: part,
      label:
        part === 'bound' && spike
          ? `Timebox of 1 to ${config.spike.maxTimeboxDays} days`
          : OUTCOME_LABELS[part],
      passed: problem === undefined,
      fix: problem
        ? capitalise(describeOutcomeProblem(problem)) +
          (problem.problem === 'absent' ? FIX_SUFFIX[part] : '')
        : undefined,
      required: true,
    };
  });
}

/** Ideas: validated by evidence (or decided invalidated). */
function validatedCheck(input: ChecklistInput): ChecklistItem[] {
  if (input.kind !== 'idea' || !input.validation) return [];
  const v = input.validation;
  return [
    {
      id: 'validated',
      label: 'Validated by evidence',
      passed: v.state === 'validated',
      fix:
        v.state === 'validated'
          ? undefined
          : v.state === 'invalidated'
            ? `Decided invalidated${v.reason ? ` (${v.reason})` : ''}: do not build it, or take the decision back`
            : `Record more evidence: ${v.shortfalls.map(describeShortfall).join(', ')}`,
      required: true,
    },
  ];
}

/** Discovery items flagged technically novel: engineering's feasibility sign-off. */
function feasibilityCheck(input: ChecklistInput): ChecklistItem[] {
  if (input.track !== 'discovery' || !input.feasibility?.novel) return [];
  const signOff = input.feasibility.signOff;
  return [
    {
      id: 'feasibility',
      label: 'Feasibility signed off by engineering',
      passed: signOff?.verdict === 'feasible',
      fix: !signOff
        ? `Ask the lead engineer to review feasibility and sign off (${input.feasibility.because ?? FLAGGED})`
        : signOff.verdict === 'feasible'
          ? undefined
          : `Engineering found it ${VERDICT_TEXT[signOff.verdict]}: ${
              signOff.verdict === 'needs-spike'
                ? 'run a spike, then ask for a new sign-off'
                : 'rethink the approach, then ask for a new sign-off'
            }`,
      required: true,
    },
  ];
}

/** Spikes: within the timebox while running (its final figure once done), and what was learned. */
function spikeChecks(input: ChecklistInput): ChecklistItem[] {
  if (input.kind !== 'spike') return [];
  const items: ChecklistItem[] = [];
  const t = input.timebox;
  const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;
  if (t && t.startedAt !== undefined && t.closedAt !== undefined) {
    // Done: the final figure, as advice for the next timebox (nothing left to fix on this one).
    items.push({
      id: 'timebox',
      label: `Finished within its timebox (${t.daysUsed} of ${t.daysAllowed} days used)`,
      passed: !t.overrun,
      fix: t.overrun
        ? `Ran over its timebox by ${days(t.daysUsed - t.daysAllowed)}: take that into account when timeboxing the next spike`
        : undefined,
      required: false,
    });
  } else if (t && t.startedAt !== undefined) {
    items.push({
      id: 'timebox',
      label: `Within its timebox (${t.daysUsed} of ${t.daysAllowed} days used)`,
      passed: !t.overrun,
      fix: t.overrun
        ? `Over its timebox by ${days(t.daysUsed - t.daysAllowed)}: wrap up, record what was learned and close it, or agree a new timebox`
        : undefined,
      required: true,
    });
  }
  if (input.statusCategory === 'done') {
    items.push({
      id: 'learned',
      label: 'What we learned / decision recorded',
      passed: input.learnedNote,
      fix: input.learnedNote
        ? undefined
        : 'Record what the spike learned and the decision it led to',
      required: true,
    });
  }
  return items;
}

/** Delivery items: advice on whether they come from validated discovery. */
function originCheck(input: ChecklistInput): ChecklistItem[] {
  if (input.track !== 'delivery' || !input.origin) return [];
  const { validated, linkedDiscovery } = input.origin;
  return [
    {
      id: 'origin',
      label:
        validated.length > 0
          ? `Comes from validated discovery (${validated.join(', ')})`
          : 'Comes from validated discovery',
      passed: validated.length > 0,
      fix:
        validated.length > 0
          ? undefined
          : linkedDiscovery.length > 0
            ? `Linked discovery (${linkedDiscovery.join(', ')}) is not validated yet`
            : 'Not linked to a validated discovery item: promote the idea it implements, or link it',
      required: false,
    },
  ];
}
