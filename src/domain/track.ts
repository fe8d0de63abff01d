import { z } from 'zod';
/**
 * The track model: every Jira issue the app looks at is on one of two tracks.
 * Discovery asks "should we build this?"; delivery builds what discovery validated.
 */

export const TrackSchema = z.enum(['discovery', 'delivery']);
export type Track = z.infer<typeof TrackSchema>;

/** What an item is, within its track. */
export type ItemKind =
  /** An idea or opportunity being explored (interviews, prototypes, tests). */
  | 'idea'
  /** A time-boxed technical investigation (1-3 days). */
  | 'spike'
  /** Engineering enabler / architectural work: discovery until its outcome is scoped. */
  | 'enabler'
  /** Work being built, tested and shipped. */
  | 'delivery';

export const TRACK_OF_KIND: Readonly<Record<ItemKind, Track>> = {
  idea: 'discovery',
  spike: 'discovery',
  enabler: 'discovery',
  delivery: 'delivery',
};

/**
 * The outcome a spike or enabler is scoped to: what it will produce, how we will know, and what
 * bounds it. All parts optional here: readiness rules say which are missing.
 */
export interface ScopedOutcome {
  outcome?: string | undefined;
  successMeasure?: string | undefined;
  timeboxDays?: number | undefined;
  /** ISO date (yyyy-mm-dd). */
  targetDate?: string | undefined;
}

export interface TrackItem {
  key: string;
  issueType: string;
  kind: ItemKind;
  scopedOutcome?: ScopedOutcome | undefined;
}

/** Evidence types the practice counts toward validation. */
export const EVIDENCE_TYPES = [
  'interview',
  'usability-test',
  'prototype-review',
  'concierge-test',
  'experiment',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export type EvidenceCounts = Readonly<Record<EvidenceType, number>>;

export function emptyEvidence(): Record<EvidenceType, number> {
  return {
    interview: 0,
    'usability-test': 0,
    'prototype-review': 0,
    'concierge-test': 0,
    experiment: 0,
  };
}

/** Case-insensitive match of an issue type name against a configured list. */
export function typeIsIn(issueType: string, names: readonly string[]): boolean {
  const wanted = issueType.trim().toLowerCase();
  return names.some((n) => n.trim().toLowerCase() === wanted);
}

/** The track of an issue type decided by its name alone (projects without a recorded mapping). */
export function trackOfTypeName(issueType: string, discoveryTypeNames: readonly string[]): Track {
  return typeIsIn(issueType, discoveryTypeNames) ? 'discovery' : 'delivery';
}
