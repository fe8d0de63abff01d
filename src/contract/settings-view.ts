import { z } from 'zod';
import { ConfigOverrideSchema, ConfigSchema } from '../domain/config';

/**
 * What the `settings/*` resolvers answer, as schemas: the resolvers build these shapes, the
 * settings screens parse them (the answer of a resolver is untyped on the way through the bridge).
 * A `conflict` error carries the current view in `details.current`; an `invalid-input` error
 * carries `details.fields: [{ path, message }]` with payload paths (`settings.runway.pauseAtSprints`).
 */

const SettingValueSchema = z.union([z.number(), z.boolean(), z.string(), z.array(z.string())]);

export const SettingChangeSchema = z
  .object({
    path: z.string(),
    from: SettingValueSchema.nullable(),
    to: SettingValueSchema.nullable(),
  })
  .strict();

export const SettingsRevisionSchema = z
  .object({
    version: z.number().int().min(1),
    /** ISO timestamp of the save. */
    at: z.string(),
    /** Account id of the person who saved. */
    by: z.string(),
    /** Their display name as Jira shows it to the reader; the account id for the reader's own saves (shown as "you") and when Jira gave no name. */
    byName: z.string(),
    byYou: z.boolean(),
    /** Old → new per changed setting; a project override's `null` means "inherited". */
    changes: z.array(SettingChangeSchema),
  })
  .strict();

/**
 * Part of a project override that is not in effect: with the current global settings it would
 * break a cross-field rule, so the overridden settings in `paths` follow the global values.
 */
export const OverrideNotInEffectSchema = z
  .object({
    paths: z.array(z.string()),
    /** Every setting the broken rule compares. */
    compared: z.array(z.string()),
    rule: z.string(),
    /** One sentence for the admin: what is not in effect, why, and what applies instead. */
    message: z.string(),
  })
  .strict();

/**
 * Names of the people and groups the settings name (lead engineers), by account id and group id,
 * as Jira shows them to the caller; an id Jira did not name is left out (the form shows the id).
 */
export const PeopleNamesSchema = z
  .object({
    users: z.record(z.string(), z.string()),
    groups: z.record(z.string(), z.string()),
  })
  .strict();

/** What a search of users and groups by name found, for the lead engineer pickers. */
export const PeopleFoundSchema = z
  .object({
    users: z.array(z.object({ accountId: z.string(), name: z.string() }).strict()),
    groups: z.array(z.object({ groupId: z.string(), name: z.string() }).strict()),
  })
  .strict();
export type PeopleNames = z.infer<typeof PeopleNamesSchema>;
export type PeopleFound = z.infer<typeof PeopleFoundSchema>;

export const GlobalSettingsViewSchema = z
  .object({
    /** 0 while nothing was ever saved (the defaults apply). */
    version: z.number().int().min(0),
    settings: ConfigSchema,
    defaults: ConfigSchema,
    history: z.array(SettingsRevisionSchema),
    /** Projects whose saved overrides are, with these settings, partly not in effect. */
    overridesNotInEffect: z.array(
      z
        .object({ projectKey: z.string(), notInEffect: z.array(OverrideNotInEffectSchema) })
        .strict(),
    ),
    people: PeopleNamesSchema,
  })
  .strict();

export const ProjectSettingsViewSchema = z
  .object({
    project: z.object({ id: z.string(), key: z.string() }).strict(),
    version: z.number().int().min(0),
    /** Only what this project sets; everything else is inherited from `inherited`. */
    override: ConfigOverrideSchema,
    /** The global settings the project inherits. */
    inherited: ConfigSchema,
    /** Parts of `override` that are not in effect (empty when all of it is). */
    notInEffect: z.array(OverrideNotInEffectSchema),
    history: z.array(SettingsRevisionSchema),
    people: PeopleNamesSchema,
  })
  .strict();

export type SettingsRevision = z.infer<typeof SettingsRevisionSchema>;
export type OverrideNotInEffectView = z.infer<typeof OverrideNotInEffectSchema>;
export type GlobalSettingsView = z.infer<typeof GlobalSettingsViewSchema>;
export type ProjectSettingsView = z.infer<typeof ProjectSettingsViewSchema>;

export const FieldIssuesSchema = z
  .object({ fields: z.array(z.object({ path: z.string(), message: z.string() })) })
  .passthrough();

export const ConflictDetailsSchema = z.object({ current: z.unknown() }).passthrough();

/** `outcome/rules`: the rules the Scoped outcome field's editor checks, as the gates do. */
export const OutcomeRulesSchema = z.object({
  scopedOutcome: z.object({
    minOutcomeLength: z.number(),
    placeholders: z.array(z.string()),
    requireSuccessMeasure: z.boolean(),
    requireBound: z.boolean(),
  }),
  spike: z.object({ defaultTimeboxDays: z.number(), maxTimeboxDays: z.number() }),
});

/** `validator/config-defaults`: what a validator configuration screen pre-fills. */
export const ValidatorDefaultsSchema = z.object({
  /** The Scoped outcome field on this site; absent when it could not be found. */
  scopedOutcomeFieldId: z.string().optional(),
  gateIssueTypes: z.array(z.string()),
  scopedOutcome: z.object({
    minOutcomeLength: z.number(),
    placeholders: z.array(z.string()),
    requireSuccessMeasure: z.boolean(),
    requireBound: z.boolean(),
  }),
  maxTimeboxDays: z.number(),
  validation: z.object({ minInterviews: z.number(), minUsabilityTests: z.number() }),
});

/** The boards that show a project (`settings/project/boards`), for the board picker. */
export const ProjectBoardsSchema = z
  .object({
    boards: z.array(
      z
        .object({
          id: z.number().int(),
          name: z.string(),
          /** `scrum`, `kanban` or `simple` (a team-managed project's board). */
          type: z.string(),
          /** How the signals read it: sprints, Kanban flow, or (team-managed) by its sprints. */
          flow: z.enum(['sprints', 'kanban', 'ask']),
          /** The project the board belongs to (its location), when Jira names it. */
          projectKey: z.string().optional(),
        })
        .strict(),
    ),
    /** More boards show the project than are listed. */
    more: z.boolean(),
  })
  .strict();
export type ProjectBoards = z.infer<typeof ProjectBoardsSchema>;

/** The JPD spaces the admin can browse (`settings/project/jpd-spaces`), and what was found. */
export const JpdSpacesViewSchema = z
  .object({
    spaces: z.array(z.object({ key: z.string(), name: z.string() }).strict()),
    /** More spaces than are listed. */
    more: z.boolean(),
    /** What the site has of JPD's shapes (docs/jpd.md); null: not found. */
    found: z
      .object({
        linkType: z
          .object({ name: z.string(), inward: z.string(), outward: z.string() })
          .strict()
          .nullable(),
        insightsField: z.object({ id: z.string(), name: z.string() }).strict().nullable(),
      })
      .strict(),
  })
  .strict();
export type JpdSpacesView = z.infer<typeof JpdSpacesViewSchema>;
