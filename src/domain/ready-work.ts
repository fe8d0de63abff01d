import type { EntryVerdict } from './entry-criteria';
import type { ValidationState } from './readiness';
import type { EstimateUnit, ItemRef, ProjectItem } from './signal-model';

/**
 * Which delivery work is truly ready to plan, for runway: not started and outside the active
 * sprint, estimated, not stopped by the discovery entry criteria, and, where it is linked to
 * ideas, linked to a validated one. Anything else is left out of runway and said why.
 */

export const NOT_READY_REASONS = [
  'needs-discovery',
  'waiting-on-discovery',
  'idea-not-validated',
  'unestimated',
] as const;
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];

export interface NotReady {
  reason: NotReadyReason;
  /** The discovery items it waits on, or the ideas it is linked to that are not validated. */
  keys: string[];
}

/** What the entry reading of an item says about it (src/items/entry-reader.ts). */
export interface ReadinessFacts {
  verdict: EntryVerdict;
  /** Linked ideas with their validation (undefined: no evidence read or recorded). */
  linkedIdeas: ReadonlyArray<{ key: string; validation: ValidationState | undefined }>;
}

/** Why a not-started delivery item is not ready to plan, or undefined when it is. */
export function notReadyOf(
  item: Pick<ProjectItem, 'estimate'>,
  facts: ReadinessFacts,
  unit: EstimateUnit,
): NotReady | undefined {
  if (facts.verdict.state === 'needs-discovery') return { reason: 'needs-discovery', keys: [] };
  if (facts.verdict.state === 'waiting') {
    return { reason: 'waiting-on-discovery', keys: [...facts.verdict.waitingOn] };
  }
  const ideas = facts.linkedIdeas;
  if (ideas.length > 0 && !ideas.some((i) => i.validation === 'validated')) {
    return { reason: 'idea-not-validated', keys: ideas.map((i) => i.key) };
  }
  if (unit === 'points' && item.estimate === undefined) return { reason: 'unestimated', keys: [] };
  return undefined;
}

/** The ready-looking items left out of runway, by reason, and the first of them. */
export interface ExcludedWork {
  counts: Record<NotReadyReason, number>;
  items: Array<ItemRef & NotReady>;
}

export const noneExcluded = (): ExcludedWork => ({
  counts: {
    'needs-discovery': 0,
    'waiting-on-discovery': 0,
    'idea-not-validated': 0,
    unestimated: 0,
  },
  items: [],
});

/** How a reason reads in a sentence: "3 waiting on discovery". */
export const NOT_READY_WORDS: Readonly<Record<NotReadyReason, string>> = {
  'needs-discovery': 'needing discovery first (entry criteria)',
  'waiting-on-discovery': 'waiting on discovery',
  'idea-not-validated': 'linked to an idea not validated',
  unestimated: 'not estimated',
};

/** An item's badge: "Not ready: waiting on DT-61". */
export function notReadyText(notReady: NotReady): string {
  const keys = notReady.keys.join(', ');
  switch (notReady.reason) {
    case 'needs-discovery':
      return 'Not ready: explore first (entry criteria)';
    case 'waiting-on-discovery':
      return `Not ready: waiting on ${keys}`;
    case 'idea-not-validated':
      return `Not ready: ${keys} not validated`;
    case 'unestimated':
      return 'Not ready: not estimated';
  }
}

/** "3 waiting on discovery, 2 not estimated"; empty when nothing was left out. */
export function describeExcluded(excluded: ExcludedWork): string {
  return NOT_READY_REASONS.filter((r) => excluded.counts[r] > 0)
    .map((r) => `${excluded.counts[r]} ${NOT_READY_WORDS[r]}`)
    .join(', ');
}
