import { describeSpikeTimeboxProblem, spikeTimeboxProblem } from './spike-timebox';
import type { Config } from './config';
import {
  checkScopedOutcome,
  checkValidated,
  describeOutcomeProblem,
  describeShortfall,
} from './readiness';
import { typeIsIn, type EvidenceCounts, type ScopedOutcome, type Track } from './track';

/**
 * May this item be in a sprint? One decision for the sprint guard, the sprint-start check and
 * the function validators: enablers and spikes (the gate's types) need a complete scoped
 * outcome, other discovery items need to be validated, delivery items always may. Pure: the
 * caller passes the facts it read and the time.
 */

export const READINESS_CHECKS = ['scoped-outcome', 'discovery-validated', 'spike-timebox'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];

/**
 * The rules enforcement acts on and records in the audit log: the readiness checks, and the
 * discovery entry criteria (src/domain/entry-criteria.ts), which the settings switch on for the
 * validators and the sprint guard rather than a workflow rule's tick boxes.
 */
export const ENFORCEMENT_RULES = [...READINESS_CHECKS, 'entry-criteria'] as const;
export type EnforcementRule = (typeof ENFORCEMENT_RULES)[number];

/**
 * How each rule is worded wherever it appears: its name (audit log, waivers), the tick box of a
 * workflow rule's configuration screen, and what an item "needs" in the guard's comment.
 */
export const RULE_WORDING: Readonly<
  Record<EnforcementRule, { name: string; tickBox: string; needs: string }>
> = {
  'scoped-outcome': {
    name: 'Scoped outcome',
    tickBox: 'Scoped outcome is complete',
    needs: 'a complete scoped outcome',
  },
  'discovery-validated': {
    name: 'Discovery validated',
    tickBox: 'Discovery item is validated',
    needs: 'validated discovery evidence',
  },
  'spike-timebox': {
    name: 'Spike timebox',
    tickBox: 'Spike timebox is set',
    needs: 'a timebox within the spike limit',
  },
  'entry-criteria': {
    name: 'Discovery entry criteria',
    tickBox: 'Meets no discovery entry criterion, or discovery covers it',
    needs: 'a validated discovery item or a finished spike linked to it',
  },
};

export interface ItemFacts {
  typeName: string;
  track: Track;
  /** undefined when the field is empty; 'unreadable' when its value makes no sense. */
  scopedOutcome: ScopedOutcome | undefined | 'unreadable';
  /** The Discovery evidence field's counts and state; undefined when the field is empty. */
  evidence: { counts: EvidenceCounts; invalidated: boolean } | undefined;
}

export type ReadinessVerdict =
  | { ready: true }
  | {
      ready: false;
      rule: ReadinessCheck;
      /** What is missing, one instruction each, in plain words. */
      missing: string[];
    };

export interface CheckSelection {
  /** Which checks apply; all three by default. */
  checks?: readonly ReadinessCheck[] | undefined;
  /** The types the scoped-outcome check applies to; the gate's types by default. */
  issueTypes?: readonly string[] | undefined;
}

const NO_EVIDENCE: EvidenceCounts = {
  interview: 0,
  'usability-test': 0,
  'prototype-review': 0,
  'concierge-test': 0,
  experiment: 0,
};

/** Spikes are the types named "Spike": their bound must be a timebox within the maximum. */
export function isSpikeType(typeName: string): boolean {
  return typeIsIn(typeName, ['Spike']);
}

export function assessReadiness(
  facts: ItemFacts,
  config: Config,
  selection: CheckSelection = {},
): ReadinessVerdict {
  const checks = new Set<ReadinessCheck>(selection.checks ?? READINESS_CHECKS);
  const gated = typeIsIn(facts.typeName, selection.issueTypes ?? config.gate.issueTypes);

  if (gated) {
    if (facts.scopedOutcome === 'unreadable') {
      if (checks.has('scoped-outcome') || checks.has('spike-timebox')) {
        return {
          ready: false,
          rule: 'scoped-outcome',
          missing: ['re-enter the scoped outcome: its stored value cannot be read'],
        };
      }
      return { ready: true };
    }
    if (checks.has('scoped-outcome')) {
      const check = checkScopedOutcome(facts.scopedOutcome, config.scopedOutcome);
      if (!check.ready) {
        return {
          ready: false,
          rule: 'scoped-outcome',
          missing: check.problems.map(describeOutcomeProblem),
        };
      }
    }
    if (checks.has('spike-timebox') && isSpikeType(facts.typeName)) {
      const max = config.spike.maxTimeboxDays;
      const problem = spikeTimeboxProblem(facts.scopedOutcome?.timeboxDays, max);
      if (problem) {
        return {
          ready: false,
          rule: 'spike-timebox',
          missing: [describeSpikeTimeboxProblem(problem, max)],
        };
      }
    }
    return { ready: true };
  }

  if (facts.track === 'discovery' && checks.has('discovery-validated')) {
    const evidence = facts.evidence ?? { counts: NO_EVIDENCE, invalidated: false };
    const check = checkValidated(evidence.counts, config.validation, evidence.invalidated);
    if (check.state === 'validated') return { ready: true };
    if (check.state === 'invalidated') {
      return {
        ready: false,
        rule: 'discovery-validated',
        missing: ['the idea was invalidated: it should not be built'],
      };
    }
    return {
      ready: false,
      rule: 'discovery-validated',
      missing: [`gather more evidence: ${check.shortfalls.map(describeShortfall).join(', ')}`],
    };
  }
  return { ready: true };
}

// ---------------------------------------------------------------------------------------------
// Waivers

export const MAX_WAIVER_DAYS = 90;

export interface Waiver {
  issueId: string;
  issueKey: string;
  reason: string;
  /** Last day (yyyy-mm-dd, UTC) the waiver holds. */
  expiresOn: string;
  grantedBy: string;
  grantedAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A waiver holds through the end of its expiry day (UTC). */
export function isWaiverActive(waiver: Waiver, now: Date): boolean {
  const end = Date.parse(`${waiver.expiresOn}T00:00:00.000Z`) + DAY_MS;
  return Number.isFinite(end) && now.getTime() < end;
}

export function activeWaiverFor(
  waivers: readonly Waiver[],
  issueId: string,
  now: Date,
): Waiver | undefined {
  return waivers.find((w) => w.issueId === issueId && isWaiverActive(w, now));
}

/** Is this expiry date acceptable today: not in the past, at most MAX_WAIVER_DAYS ahead? */
export function checkWaiverExpiry(expiresOn: string, now: Date): string | undefined {
  const day = Date.parse(`${expiresOn}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresOn) || !Number.isFinite(day)) {
    return 'must be a date like 2026-12-31';
  }
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  if (day < today) return 'must not be in the past';
  if (day > today + MAX_WAIVER_DAYS * DAY_MS) {
    return `must be at most ${MAX_WAIVER_DAYS} days from today`;
  }
  return undefined;
}
