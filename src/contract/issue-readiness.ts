import { z } from 'zod';
import { EVIDENCE_TYPES } from '../domain/track';
import { TriageSchema } from '../domain/entry-criteria';
import { ItemKindSchema, ItemRefSchema, StatusCategorySchema, TrackSchema } from './result-atoms';

/**
 * What the `issue/readiness` resolver answers and the issue panel (and the compact issue context)
 * renders, as a schema. Shared by src/ and static/ (imported, never copied).
 */

const EvidenceTypeSchema = z.enum(EVIDENCE_TYPES);
const FeasibilityVerdictSchema = z.enum(['feasible', 'not-feasible', 'needs-spike']);

export const EvidenceEntryViewSchema = z.object({
  id: z.string(),
  type: EvidenceTypeSchema,
  date: z.string(),
  summary: z.string(),
  link: z.string().optional(),
  positive: z.boolean(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

export const EvidenceProgressSchema = z.object({
  type: EvidenceTypeSchema,
  have: z.number(),
  need: z.number(),
  /** "2 of 3 interviews" */
  text: z.string(),
});

export const IssueEvidenceSchema = z.object({
  state: z.enum(['unvalidated', 'validated', 'invalidated']),
  /** Progress toward each evidence type the threshold needs. */
  progress: z.array(EvidenceProgressSchema),
  /** "2 of 3 interviews, 1 of 1 usability test" */
  summary: z.string(),
  /** Newest first. */
  entries: z.array(EvidenceEntryViewSchema),
  invalidated: z
    .object({ reason: z.string(), decidedBy: z.string(), decidedAt: z.string() })
    .nullable(),
  /** The project's validation threshold, so the panel can say before a change what it flips. */
  rules: z.object({ minInterviews: z.number(), minUsabilityTests: z.number() }),
});

/** For discovery items linked to a delivery item: whether they are validated. */
const LinkedItemSchema = ItemRefSchema.extend({ validated: z.boolean() });

/** The item's Entry triage field. */
const TriageViewSchema = z.object({
  /** The app's field is on this Jira site (otherwise it can be neither read nor set). */
  available: z.boolean(),
  value: TriageSchema.nullable(),
  /** "Uncertainty high · Risk low — reason"; null when not set. */
  text: z.string().nullable(),
});

/**
 * A discovery item a delivery item waits on or is covered by, as the caller may see it: its
 * status and, once the spike's "what we learned / decision" note is written, that decision.
 */
const DiscoveryRefSchema = ItemRefSchema.extend({
  /** The status name as Jira shows it ("In Progress"); empty when Jira did not say. */
  status: z.string(),
  statusCategory: StatusCategorySchema,
  decision: z.object({ note: z.string(), at: z.string() }).nullable(),
});

/** An active waiver on the item: it may enter a sprint although checks fail, until expiresOn. */
const WaiverViewSchema = z.object({
  grantedBy: z.string(),
  /** The granter's display name as Jira shows it to the caller; null when Jira did not say. */
  grantedByName: z.string().nullable(),
  reason: z.string(),
  /** The last day it applies (yyyy-mm-dd). */
  expiresOn: z.string(),
  grantedAt: z.string(),
});

/** A delivery item that meets the discovery entry criteria, and where its discovery stands. */
const EntryViewSchema = z.object({
  /** `needs-discovery`: flagged, "belongs in discovery first"; nothing linked answers it. */
  state: z.enum(['needs-discovery', 'waiting', 'covered']),
  /** Why it meets the criteria: "uncertainty high", "label "architecture"". */
  reasons: z.array(z.string()),
  /** One sentence: the verdict and what clears it. */
  text: z.string(),
  /** The discovery items under way that it waits on. */
  waitingOn: z.array(DiscoveryRefSchema),
  /** The validated idea or finished spike that covers it. */
  coveredBy: DiscoveryRefSchema.nullable(),
  /** Flagged items: the scoped outcome Explore first drafts for a spike, to review and edit. */
  spikeDraft: z
    .object({
      outcome: z.string(),
      successMeasure: z.string(),
      timeboxDays: z.number(),
      maxTimeboxDays: z.number(),
    })
    .nullable(),
});

const ChecklistItemSchema = z.object({
  id: z.enum([
    'outcome',
    'successMeasure',
    'bound',
    'validated',
    'feasibility',
    'timebox',
    'learned',
    'origin',
    'discoveryFirst',
  ]),
  label: z.string(),
  passed: z.boolean(),
  /** What to do to pass, in plain words; absent when passed. */
  fix: z.string().optional(),
  /** False for advice that does not hold the item back (e.g. a delivery item's origin). */
  required: z.boolean(),
});

const ScopedOutcomeSchema = z.object({
  outcome: z.string().optional(),
  successMeasure: z.string().optional(),
  timeboxDays: z.number().optional(),
  targetDate: z.string().optional(),
});

const SpikeTimeboxSchema = z.object({
  startedAt: z.string().optional(),
  closedAt: z.string().optional(),
  daysUsed: z.number(),
  daysAllowed: z.number(),
  source: z.enum(['scoped-outcome', 'limit', 'default']),
  overrun: z.boolean(),
});

export const IssueReadinessSchema = z.object({
  issue: z.object({
    id: z.string(),
    key: z.string(),
    summary: z.string(),
    issueType: z.string(),
    status: z.string(),
  }),
  statusCategory: StatusCategorySchema,
  track: TrackSchema,
  kind: ItemKindSchema,
  /** True when the track was guessed from the type name (project not set up). */
  trackGuessed: z.boolean(),
  /** Every required check passed. */
  ready: z.boolean(),
  /** An active waiver lets it into a sprint although required checks fail; null without one. */
  waiver: WaiverViewSchema.nullable(),
  /** One sentence: where the item stands and what to do next. */
  headline: z.string(),
  checks: z.array(ChecklistItemSchema),
  scopedOutcome: ScopedOutcomeSchema.nullable(),
  /** Ideas only. */
  evidence: IssueEvidenceSchema.nullable(),
  /** Spikes only. */
  timebox: SpikeTimeboxSchema.nullable(),
  /** Discovery items only. The sign-off is shown only while the item is flagged novel. */
  feasibility: z
    .object({
      /** Technically novel: flagged, or by its Entry triage uncertainty (see `because`). */
      novel: z.boolean(),
      /** Someone ticked "technically novel". */
      flagged: z.boolean(),
      /** Why it is novel ("it has high Entry triage uncertainty"); null when it is not. */
      because: z.string().nullable(),
      /** The project's lead engineers (empty: anyone who may edit signs off), with names. */
      leads: z.array(z.object({ accountId: z.string(), name: z.string().nullable() })),
      /** The project's lead engineer groups, with names where Jira gave them. */
      leadGroups: z.array(z.object({ groupId: z.string(), name: z.string().nullable() })),
      /**
       * Whether the caller may sign off (a named lead engineer or a member of a lead group, or
       * anyone when none is named).
       */
      maySignOff: z.boolean(),
      signOff: z
        .object({
          by: z.string(),
          /** The signer's display name as Jira shows it to the caller; null when Jira did not say. */
          byName: z.string().nullable(),
          at: z.string(),
          verdict: FeasibilityVerdictSchema,
          note: z.string(),
        })
        .nullable(),
    })
    .nullable(),
  /** Spikes only. */
  learned: z.object({ note: z.string(), by: z.string(), at: z.string() }).nullable(),
  /** Delivery items: the discovery items they are linked from. */
  origin: z.array(LinkedItemSchema).nullable(),
  /** Discovery ideas: the delivery items already promoted from them. */
  promotedTo: z.array(LinkedItemSchema).nullable(),
  /** Computed from the user's Jira permissions on the issue; the UI hides writes without it. */
  canEdit: z.boolean(),
  /** Create and Link issues: may promote a validated idea, or explore a flagged item first. */
  canPromote: z.boolean(),
  /** Ideas: whether Promote to delivery is offered (the promote action's own rules), else why. */
  promotion: z.object({ allowed: z.boolean(), reasons: z.array(z.string()) }).nullable(),
  /** Every item: its uncertainty and risk. */
  triage: TriageViewSchema,
  /** Delivery items meeting the discovery entry criteria; null otherwise. */
  entry: EntryViewSchema.nullable(),
  notes: z.array(z.string()),
});

export type EvidenceEntryView = z.infer<typeof EvidenceEntryViewSchema>;
export type EvidenceProgress = z.infer<typeof EvidenceProgressSchema>;
export type IssueEvidence = z.infer<typeof IssueEvidenceSchema>;
export type LinkedItem = z.infer<typeof LinkedItemSchema>;
/** A linked issue named by the panel: its key and summary. */
export type IssueRef = z.infer<typeof ItemRefSchema>;
export type TriageView = z.infer<typeof TriageViewSchema>;
export type EntryView = z.infer<typeof EntryViewSchema>;
export type DiscoveryRef = z.infer<typeof DiscoveryRefSchema>;
export type WaiverView = z.infer<typeof WaiverViewSchema>;
/** Promote to delivery for an idea: allowed, or the reasons it is not (each one sentence). */
export type PromotionView = NonNullable<IssueReadiness['promotion']>;
export type IssueReadiness = z.infer<typeof IssueReadinessSchema>;
