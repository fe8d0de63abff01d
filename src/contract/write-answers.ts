import { z } from 'zod';
import { TriageSchema } from '../domain/entry-criteria';
import { EVIDENCE_TYPES, TrackSchema } from '../domain/track';
import { OUTCOME_RESULTS } from '../domain/retro-model';

/**
 * The answers of the panel's and the settings page's writes and of the evidence log, as the
 * resolvers send them (see RESOLVER_RESULTS in bridge-contract.ts). They describe what the
 * screens read; the stores keep the fuller records.
 */

const Recorded = { by: z.string(), at: z.string() };

const EvidenceEntryViewSchema = z.object({
  id: z.string(),
  type: z.enum(EVIDENCE_TYPES),
  date: z.string(),
  summary: z.string(),
  link: z.string().optional(),
  positive: z.boolean().optional(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

const InvalidationViewSchema = z.object({
  reason: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
});

export const EvidenceViewSchema = z.object({
  issue: z.object({ id: z.string(), key: z.string() }),
  version: z.number().int().min(0),
  entries: z.array(EvidenceEntryViewSchema),
  counts: z.object({
    recorded: z.record(z.enum(EVIDENCE_TYPES), z.number()),
    counting: z.record(z.enum(EVIDENCE_TYPES), z.number()),
  }),
  validation: z.object({
    state: z.enum(['unvalidated', 'validated', 'invalidated']),
    shortfalls: z.array(z.object({ text: z.string() })),
    invalidated: InvalidationViewSchema.nullable(),
  }),
  rules: z.record(z.string(), z.unknown()),
  summaryField: z.object({ stale: z.boolean(), reason: z.string().optional() }),
});

/** An evidence change: the entry it concerned, the log after it, and the summary field's fate. */
export const EvidenceChangeSchema = z.object({
  entryId: z.string().optional(),
  evidence: EvidenceViewSchema,
  summaryField: z.union([
    z.object({ status: z.literal('written'), value: z.unknown() }),
    z.object({ status: z.literal('stale'), message: z.string() }),
  ]),
});

const WaiverViewSchema = z.object({
  issueId: z.string(),
  issueKey: z.string(),
  reason: z.string(),
  expiresOn: z.string(),
  grantedBy: z.string(),
  grantedAt: z.string(),
});
export const WaiverGrantedSchema = z.object({ waiver: WaiverViewSchema });
export const WaiverRevokedSchema = z.object({ revoked: WaiverViewSchema });

export const FeasibilityViewSchema = z.object({
  novel: z.boolean(),
  signOff: z
    .object({
      ...Recorded,
      verdict: z.enum(['feasible', 'not-feasible', 'needs-spike']),
      note: z.string(),
    })

    .optional(),
});
export const SpikeNoteViewSchema = z.object({ note: z.string(), ...Recorded });
export const TriageSavedSchema = z.object({ triage: TriageSchema, text: z.string().nullable() });
export const OutcomeRecordedSchema = z.object({
  result: z.enum(OUTCOME_RESULTS),
  note: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});

const ProjectInfoSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  style: z.string(),
});
export const SetupReportViewSchema = z.object({
  outcome: z.enum(['complete', 'failed']),
  finishedAt: z.string(),
  steps: z.array(
    z.object({
      step: z.string(),
      target: z.string(),
      status: z.string(),
      detail: z.string().optional(),
    }),
  ),
});
/** What a failed `setup/run` carries in its error details (each part only where it applies). */
export const SetupFailureDetailsSchema = z.object({
  report: SetupReportViewSchema.optional(),
  /** A team-managed project without a mapping: its issue types, to map to tracks. */
  issueTypes: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
});
const TrackMappingViewSchema = z.object({
  projectId: z.string(),
  projectKey: z.string(),
  types: z.array(z.object({ issueTypeId: z.string(), name: z.string(), track: TrackSchema })),
});
export const SetupRunSchema = z.object({
  project: ProjectInfoSchema,
  report: SetupReportViewSchema,
  mapping: TrackMappingViewSchema,
});
export const SetupStatusSchema = z.object({
  project: ProjectInfoSchema,
  report: SetupReportViewSchema.nullable(),
  mapping: TrackMappingViewSchema.nullable(),
  flagNotes: z.array(z.object({ typeName: z.string(), since: z.string(), message: z.string() })),
});
