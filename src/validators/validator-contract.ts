import { z } from 'zod';
import { READINESS_CHECKS } from '../domain/sprint-readiness';
import { IssueIdOrKeySchema } from '../jira/jira-gateway';

/**
 * The argument Jira passes to a `jira:workflowValidator` function and the answer it expects.
 * Where the documentation leaves the shape open (the rule configuration arrives as the string the
 * configuration screen saved, or as an object; `modifiedFields` at the top level or inside
 * `transition`), both forms are accepted.
 */

export interface ValidatorResult {
  result: boolean;
  errorMessage?: string;
}

const FieldValues = z.record(z.string(), z.unknown());

export const ValidatorArgsSchema = z
  .object({
    issue: z.object({ key: IssueIdOrKeySchema }).passthrough(),
    configuration: z.unknown().optional(),
    transition: z
      .object({
        from: z
          .object({ id: z.union([z.string(), z.number()]) })
          .passthrough()
          .optional(),
        to: z
          .object({ id: z.union([z.string(), z.number()]) })
          .passthrough()
          .optional(),
        modifiedFields: FieldValues.optional(),
      })
      .passthrough()
      .optional(),
    modifiedFields: FieldValues.optional(),
  })
  .passthrough()
  .transform((args) => ({
    issue: args.issue,
    configuration: args.configuration,
    transition: args.transition,
    modifiedFields: args.modifiedFields ?? args.transition?.modifiedFields,
  }));

/** What an admin may set on one workflow rule; anything unset falls back to the app settings. */
export const RuleConfigurationSchema = z
  .object({
    issueTypes: z.array(z.string().trim().min(1).max(255)).min(1).max(50).optional(),
    /** Which checks apply (the configuration screen's tick boxes); each validator's own by default. */
    checks: z.array(z.enum(READINESS_CHECKS)).min(1).max(READINESS_CHECKS.length).optional(),
    // The expression validator cannot call the app, so its screen saves what it needs here: the
    // Scoped outcome field's id and the thresholds of the settings at the time. Function
    // validators read the live settings and ignore these.
    fieldId: z
      .string()
      .regex(/^customfield_\d+$/)
      .optional(),
    minOutcomeLength: z.number().int().min(1).max(500).optional(),
    placeholders: z.array(z.string().max(60)).max(100).optional(),
    requireSuccessMeasure: z.boolean().optional(),
    requireBound: z.boolean().optional(),
    maxTimeboxDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();

export type RuleConfiguration = z.infer<typeof RuleConfigurationSchema>;

export function parseRuleConfiguration(
  raw: unknown,
): { ok: true; value: RuleConfiguration } | { ok: false; message: string } {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: {} };
  let value: unknown = raw;
  if (typeof raw === 'object' && raw !== null && 'value' in raw && Object.keys(raw).length === 1) {
    value = raw.value;
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, message: 'its saved configuration is not valid JSON' };
    }
  }
  const parsed = RuleConfigurationSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      message: `configuration ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'is invalid'}`,
    };
  }
  return { ok: true, value: parsed.data };
}
