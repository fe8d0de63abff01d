import type { Triage } from '../domain/entry-criteria';
import type { ChecklistItem, FeasibilityVerdict, SpikeTimebox } from '../domain/item-checklist';
import type { ValidationState } from '../domain/readiness';
import type { StatusCategory } from '../domain/signals';
import type { EvidenceType, ItemKind, ScopedOutcome, Track } from '../domain/track';

/**
 * What the `issue/readiness` resolver answers and the issue panel (and the compact issue context)
 * renders. Shared by src/ and static/ (imported, never copied).
 */

export interface EvidenceEntryView {
  id: string;
  type: EvidenceType;
  date: string;
  summary: string;
  link?: string | undefined;
  positive: boolean;
  recordedBy: string;
  recordedAt: string;
}

export interface EvidenceProgress {
  type: EvidenceType;
  have: number;
  need: number;
  /** "2 of 3 interviews" */
  text: string;
}

export interface IssueEvidence {
  state: ValidationState;
  /** Progress toward each evidence type the threshold needs. */
  progress: EvidenceProgress[];
  /** "2 of 3 interviews, 1 of 1 usability test" */
  summary: string;
  /** Newest first. */
  entries: EvidenceEntryView[];
  invalidated: { reason: string; decidedBy: string; decidedAt: string } | null;
}

export interface LinkedItem {
  key: string;
  summary: string;
  /** For discovery items linked to a delivery item: whether they are validated. */
  validated: boolean;
}

/** A linked issue named by the panel: its key and summary. */
export interface IssueRef {
  key: string;
  summary: string;
}

/** The item's Entry triage field. */
export interface TriageView {
  /** The app's field is on this Jira site (otherwise it can be neither read nor set). */
  available: boolean;
  value: Triage | null;
  /** "Uncertainty high · Risk low — reason"; null when not set. */
  text: string | null;
}

/** A delivery item that meets the discovery entry criteria, and where its discovery stands. */
export interface EntryView {
  /** `needs-discovery`: flagged, "belongs in discovery first"; nothing linked answers it. */
  state: 'needs-discovery' | 'waiting' | 'covered';
  /** Why it meets the criteria: "uncertainty high", "label "architecture"". */
  reasons: string[];
  /** One sentence: the verdict and what clears it. */
  text: string;
  /** The discovery items under way that it waits on. */
  waitingOn: IssueRef[];
  /** The validated idea or finished spike that covers it. */
  coveredBy: IssueRef | null;
}

/** Promote to delivery for an idea: allowed, or the reasons it is not (each one sentence). */
export interface PromotionView {
  allowed: boolean;
  reasons: string[];
}

export interface IssueReadiness {
  issue: { id: string; key: string; summary: string; issueType: string; status: string };
  statusCategory: StatusCategory;
  track: Track;
  kind: ItemKind;
  /** True when the track was guessed from the type name (project not set up). */
  trackGuessed: boolean;
  /** Every required check passed. */
  ready: boolean;
  /** One sentence: where the item stands and what to do next. */
  headline: string;
  checks: ChecklistItem[];
  scopedOutcome: ScopedOutcome | null;
  /** Ideas only. */
  evidence: IssueEvidence | null;
  /** Spikes only. */
  timebox: SpikeTimebox | null;
  /** Discovery items only. The sign-off is shown only while the item is flagged novel. */
  feasibility: {
    novel: boolean;
    signOff: {
      by: string;
      /** The signer's display name as Jira shows it to the caller; null when Jira did not say. */
      byName: string | null;
      at: string;
      verdict: FeasibilityVerdict;
      note: string;
    } | null;
  } | null;
  /** Spikes only. */
  learned: { note: string; by: string; at: string } | null;
  /** Delivery items: the discovery items they are linked from. */
  origin: LinkedItem[] | null;
  /** Discovery ideas: the delivery items already promoted from them. */
  promotedTo: LinkedItem[] | null;
  /** Computed from the user's Jira permissions on the issue; the UI hides writes without it. */
  canEdit: boolean;
  /** Create and Link issues: may promote a validated idea, or explore a flagged item first. */
  canPromote: boolean;
  /** Ideas: whether Promote to delivery is offered (the promote action's own rules), else why. */
  promotion: PromotionView | null;
  /** Every item: its uncertainty and risk. */
  triage: TriageView;
  /** Delivery items meeting the discovery entry criteria; null otherwise. */
  entry: EntryView | null;
  notes: string[];
}
