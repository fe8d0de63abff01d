import type { Config } from './config';
import { describeReasons, type EntryReason, type Triage } from './entry-criteria';

/**
 * The scoped outcome Explore first drafts for a new spike, for the person to review: what the
 * spike must answer (from the triage reason and the entry criteria that fired), how we know it
 * did, and a timebox of the configured default days (never past the maximum), so that the spike
 * passes the enabler gate as created.
 */

export interface SpikeOutcomeDraft {
  outcome: string;
  successMeasure: string;
  timeboxDays: number;
  /** The longest timebox a spike may have here (spike.maxTimeboxDays). */
  maxTimeboxDays: number;
}

export function draftSpikeOutcome(
  delivery: { key: string; summary: string },
  why: { reasons: readonly EntryReason[]; triage: Triage | undefined },
  spike: Config['spike'],
): SpikeOutcomeDraft {
  const about = delivery.summary.trim()
    ? `${delivery.key} (${delivery.summary.trim()})`
    : delivery.key;
  const reason = why.triage?.reason?.trim();
  const criteria = why.reasons.length > 0 ? describeReasons(why.reasons) : 'its entry triage';
  const outcome = reason
    ? `Know whether ${about} can be built as planned: ${reason} (it meets the discovery entry criteria: ${criteria}).`
    : `Know whether ${about} can be built as planned, given what made it meet the discovery entry criteria: ${criteria}.`;
  return {
    outcome: outcome.slice(0, 2000),
    successMeasure: `A written decision for ${delivery.key} (build as planned, change its scope, or drop it), backed by what the spike found.`,
    timeboxDays: Math.min(spike.defaultTimeboxDays, spike.maxTimeboxDays),
    maxTimeboxDays: spike.maxTimeboxDays,
  };
}
