import { z } from 'zod';
import {
  EvidenceChangeSchema,
  EvidenceViewSchema,
  FeasibilityViewSchema,
  OutcomeRecordedSchema,
  SetupRunSchema,
  SetupStatusSchema,
  SpikeNoteViewSchema,
  TriageSavedSchema,
  WaiverGrantedSchema,
  WaiverRevokedSchema,
} from './write-answers';
import { ConfigOverrideSchema, ConfigSchema } from '../domain/config';
import { TemplatesSchema } from '../domain/discovery-templates';
import { TrackSchema } from '../domain/track';
import { TriageInputSchema } from '../domain/entry-criteria';
import {
  EVIDENCE_TYPE_VALUES,
  EvidenceInputSchema,
  IsoDate,
  isWebAddress,
} from '../domain/evidence-input';
import type { Failure } from '../domain/failure';
import { AuditPageSchema, WaiverListSchema } from './enforcement-view';
import { ExploreFirstResultSchema, PromoteDraftSchema, PromoteResultSchema } from './issue-actions';
import { ExploreFirstInputSchema, TemplateCreateInputSchema } from './create-inputs';
import {
  DataDocumentSchema,
  DataExportPageSchema,
  DataImportReportSchema,
  DATA_SECTIONS,
} from './data-transfer-view';
import { IssueReadinessSchema } from './issue-readiness';
import {
  DECIDE_RULE,
  DecideFields,
  EntryIdSchema,
  JPD_IDEA_PAYLOADS,
  JPD_IDEA_RESULTS,
  PromoteRunFields,
  decideRule,
} from './jpd-idea';
import {
  BoardReadinessSchema,
  ProjectChoicesSchema,
  ROLLUP_MAX_PROJECTS,
  RollupSchema,
} from './surfaces-view';
import { ProjectOverviewSchema } from './project-overview';
import { RetroAnswerSchema, RetroJobAnswerSchema } from './retro-report';
import {
  CreatedFromTemplateSchema,
  TemplatesOfferSchema,
  TemplatesStateSchema,
} from './templates-view';
import {
  PeopleFoundSchema,
  GlobalSettingsViewSchema,
  ProjectSettingsViewSchema,
  OutcomeRulesSchema,
  ProjectBoardsSchema,
  JpdSpacesViewSchema,
  ValidatorDefaultsSchema,
} from './settings-view';

export { EVIDENCE_TYPE_VALUES, EvidenceInputSchema, isWebAddress };

/**
 * The contract between the Custom UI (static/) and the resolvers (src/resolvers/): resolver keys,
 * their payload schemas and the one result envelope. Imported by both sides, never copied.
 * Payloads are untrusted: the backend parses them with these schemas and takes identity and
 * project/issue context only from Forge's invocation context.
 */

export type { ErrorCode } from '../domain/failure';
export type BridgeError = Failure;

export type Result<T> = { ok: true; data: T } | { ok: false; error: BridgeError };

const ProjectKey = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key like "DT"');

export { TrackSchema };

/** A name (or its start) to look up people and groups by. */
const PeopleQuerySchema = z
  .object({
    query: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  })
  .strict();

export * from './create-inputs';
export * from './data-transfer-view';

/**
 * Resolver keys and payload schemas; a resolver added later must be listed here. The project
 * or issue a resolver acts on comes from Forge's context, never from these payloads.
 */
export const RESOLVER_PAYLOADS = {
  /** Settings: global defaults (Jira admins) and the context project's overrides (its admins). */
  'settings/global/get': z.object({}).strict(),
  'settings/global/save': z
    .object({
      /** Every setting: a missing section takes the defaults, an unknown one is refused. */
      settings: z
        .looseObject({})
        .transform((v): unknown => v)
        .pipe(ConfigSchema),
      /** The version the edit was based on (0 when nothing was saved yet). */
      expectedVersion: z.number().int().min(0),
    })
    .strict(),
  'settings/project/get': z.object({}).strict(),
  'settings/project/save': z
    .object({ override: ConfigOverrideSchema, expectedVersion: z.number().int().min(0) })
    .strict(),
  /** The lead engineer pickers: users and groups whose names match, on each settings page. */
  'settings/global/people': PeopleQuerySchema,
  'settings/project/people': PeopleQuerySchema,
  /** The boards that show the context project, for the board picker. */
  'settings/project/boards': z.object({}).strict(),
  /** The JPD spaces the admin can browse, for connecting them. */
  'settings/project/jpd-spaces': z.object({}).strict(),
  /** The project page: both tracks and the signals, for the context project. */
  'project/overview': z.object({}).strict(),
  'setup/status': z.object({}).strict(),
  'setup/run': z
    .object({
      /** For team-managed projects: existing issue type ids and the track each belongs to. */
      mapping: z
        .array(z.object({ issueTypeId: z.string().regex(/^\d+$/), track: TrackSchema }).strict())
        .min(1)
        .max(100)
        .refine((m) => new Set(m.map((e) => e.issueTypeId)).size === m.length, {
          message: 'names an issue type more than once',
        })
        .optional(),
    })
    .strict(),
  'evidence/list': z.object({}).strict(),
  'evidence/add': z.object({ entry: EvidenceInputSchema }).strict(),
  'evidence/update': z.object({ id: EntryIdSchema, entry: EvidenceInputSchema }).strict(),
  'evidence/remove': z.object({ id: EntryIdSchema }).strict(),
  /** Undo a removal: the same entry comes back, within the restore window after its removal. */
  'evidence/restore': z.object({ id: EntryIdSchema }).strict(),
  /** Record the decision that an idea is invalidated (or take it back). */
  'evidence/decide': z.object(DecideFields).strict().refine(decideRule, DECIDE_RULE),
  /** Enforcement (project admins): waivers for one item, and the audit log of the context project. */
  'waiver/grant': z
    .object({
      issueKey: z
        .string()
        .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, 'must be an issue key like "DT-12"'),
      reason: z.string().trim().min(1, 'is required').max(1000),
      /** Last day the waiver holds (yyyy-mm-dd), at most 90 days ahead. */
      expiresOn: IsoDate,
    })
    .strict(),
  'waiver/revoke': z
    .object({
      issueKey: z
        .string()
        .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, 'must be an issue key like "DT-12"'),
    })
    .strict(),
  'waiver/list': z.object({}).strict(),
  'audit/list': z
    .object({
      cursor: z
        .string()
        .regex(/^\d{1,12}$/)
        .optional(),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  /** A validator screen's pre-fill; the Scoped outcome editor's rules (context project). */
  'validator/config-defaults': z.object({}).strict(),
  'outcome/rules': z.object({}).strict(),
  /** Export one page of the app's data (Jira admins); pass `nextCursor` back for the next. */
  'data/export': z
    .object({
      cursor: z
        .string()
        .max(600)
        .regex(
          new RegExp(`^(${DATA_SECTIONS.join('|')})(\\|.+)?$`),
          'must be a cursor from data/export',
        )
        .optional(),
    })
    .strict(),
  /** Import a document (Jira admins): a dry run with the diff unless `dryRun` is false. */
  'data/import': z
    .object({
      document: DataDocumentSchema,
      dryRun: z.boolean().optional(),
      /** Also remove stored keys of the document's sections that the document does not hold. */
      replace: z.boolean().optional(),
    })
    .strict(),
  /** The promote form's starting point: delivery types, a drafted item, the evidence in brief. */
  'promote/draft': z.object({}).strict(),
  'promote/run': z.object(PromoteRunFields).strict(),
  /** The issue panel: track, readiness checklist, evidence, timebox and feasibility of the issue. */
  'issue/readiness': z.object({}).strict(),
  /** Flag (or unflag) a discovery item as technically novel: it then needs engineering's sign-off. */
  'issue/feasibility/flag': z.object({ novel: z.boolean() }).strict(),
  'issue/feasibility/sign-off': z
    .object({
      verdict: z.enum(['feasible', 'not-feasible', 'needs-spike']),
      note: z.string().trim().min(1, 'is required').max(2000),
    })
    .strict(),
  /** The "what we learned / decision" note that closes a spike. */
  'issue/spike/learned': z
    .object({ note: z.string().trim().min(1, 'is required').max(4000) })
    .strict(),
  /** Set the issue's Entry triage field (uncertainty, risk, a one-line reason when high). */
  'issue/triage/save': TriageInputSchema,
  /**
   * "Explore first" on a delivery item that belongs in discovery first: create a linked Spike or
   * Discovery item (idea) in its project with the question to answer; the item then waits on it.
   */
  'issue/explore-first': ExploreFirstInputSchema,
  /** The retro sub-page: the last `sprints` closed sprints (default 6) of the context project. */
  /** Discovery item templates (Jira admins): read, save (versioned) and reset to the built-ins. */
  'templates/get': z.object({}).strict(),
  'templates/save': z
    .object({ templates: TemplatesSchema, expectedVersion: z.number().int().min(0) })
    .strict(),
  'templates/reset': z.object({ expectedVersion: z.number().int().min(0) }).strict(),
  /** The project page's "New discovery item": the templates and the issue type each creates. */
  'templates/list': z.object({}).strict(),
  'templates/create': TemplateCreateInputSchema,
  'retro/report': z.object({ sprints: z.number().int().min(1).max(12).optional() }).strict(),
  /**
   * The retro through the queue: the report from stored figures, else the project's job (a
   * second viewer joins the one running); `status` follows it and gives the report when done.
   */
  'retro/job/start': z.object({ sprints: z.number().int().min(1).max(12).optional() }).strict(),
  'retro/job/status': z.object({ sprints: z.number().int().min(1).max(12).optional() }).strict(),
  /** After release: did the validated idea's expected outcome happen for this delivered item? */
  'retro/outcome/record': z
    .object({
      issueKey: z
        .string()
        .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, 'must be an issue key like "DT-12"'),
      result: z.enum(['hit', 'partly', 'missed', 'too-early']),
      note: z.string().trim().max(2000),
    })
    .strict(),
  /** The board action: the board comes from Forge's context, never the payload. */
  'board/readiness': z.object({}).strict(),
  /** The dashboard gadget: the projects its configuration picked (each checked as the viewer). */
  'gadget/rollup': z
    .object({
      projectKeys: z
        .array(ProjectKey)
        // No project, no Jira request: nothing would tell a signed-out or deactivated caller.
        .min(1, 'pick at least one project')
        .max(ROLLUP_MAX_PROJECTS, `at most ${ROLLUP_MAX_PROJECTS} projects`),
    })
    .strict(),
  /** The gadget's configuration: projects the viewer may browse, by what they type. */
  'gadget/projects': z.object({ query: z.string().trim().max(80) }).strict(),
  /** An idea of a connected JPD space, from the project page (the payload names the idea). */
  ...JPD_IDEA_PAYLOADS,
} as const;

export type ResolverKey = keyof typeof RESOLVER_PAYLOADS;
export type PayloadOf<K extends ResolverKey> = z.infer<(typeof RESOLVER_PAYLOADS)[K]>;

/**
 * The answer data of every resolver key (the `data` of an ok envelope). The UI parses each answer
 * with its key's schema; the resolver tests check every ok answer against it.
 */
export const RESOLVER_RESULTS = {
  'settings/global/get': GlobalSettingsViewSchema,
  'settings/global/save': GlobalSettingsViewSchema,
  'settings/project/get': ProjectSettingsViewSchema,
  'settings/project/save': ProjectSettingsViewSchema,
  'settings/global/people': PeopleFoundSchema,
  'settings/project/people': PeopleFoundSchema,
  'settings/project/boards': ProjectBoardsSchema,
  'settings/project/jpd-spaces': JpdSpacesViewSchema,
  'project/overview': ProjectOverviewSchema,
  'setup/status': SetupStatusSchema,
  'setup/run': SetupRunSchema,
  'evidence/list': EvidenceViewSchema,
  'evidence/add': EvidenceChangeSchema,
  'evidence/update': EvidenceChangeSchema,
  'evidence/remove': EvidenceChangeSchema,
  'evidence/restore': EvidenceChangeSchema,
  'evidence/decide': EvidenceChangeSchema,
  'waiver/grant': WaiverGrantedSchema,
  'waiver/revoke': WaiverRevokedSchema,
  'waiver/list': WaiverListSchema,
  'audit/list': AuditPageSchema,
  'validator/config-defaults': ValidatorDefaultsSchema,
  'outcome/rules': OutcomeRulesSchema,
  'data/export': DataExportPageSchema,
  'data/import': DataImportReportSchema,
  'promote/draft': PromoteDraftSchema,
  'promote/run': PromoteResultSchema,
  'issue/readiness': IssueReadinessSchema,
  'issue/feasibility/flag': FeasibilityViewSchema,
  'issue/feasibility/sign-off': FeasibilityViewSchema,
  'issue/spike/learned': SpikeNoteViewSchema,
  'issue/triage/save': TriageSavedSchema,
  'issue/explore-first': ExploreFirstResultSchema,
  'templates/get': TemplatesStateSchema,
  'templates/save': TemplatesStateSchema,
  'templates/reset': TemplatesStateSchema,
  'templates/list': TemplatesOfferSchema,
  'templates/create': CreatedFromTemplateSchema,
  'retro/report': RetroAnswerSchema,
  'retro/job/start': RetroJobAnswerSchema,
  'retro/job/status': RetroJobAnswerSchema,
  'retro/outcome/record': OutcomeRecordedSchema,
  'board/readiness': BoardReadinessSchema,
  'gadget/rollup': RollupSchema,
  'gadget/projects': ProjectChoicesSchema,
  ...JPD_IDEA_RESULTS,
} as const satisfies Record<ResolverKey, z.ZodType>;

export type ResultOf<K extends ResolverKey> = z.infer<(typeof RESOLVER_RESULTS)[K]>;

export { ProjectKey as ProjectKeySchema };
