import { z } from 'zod';
import type { ScopedOutcome } from '../domain/track';
import { isAppField } from './app-fields';

/**
 * Where the scoped outcome lives: the app's `scoped-outcome` custom field (manifest module
 * `jira:customField`, type object). Jira gives the field a site-specific id (customfield_NNNNN);
 * the app finds it once by the field's `schema.custom`, which ends with the module key.
 * Everything that reads a scoped outcome goes through this file.
 */

export const SCOPED_OUTCOME_MODULE_KEY = 'scoped-outcome';

/** Matches the Forge extension id of our field in GET /rest/api/3/field's `schema.custom`. */
export function isScopedOutcomeField(schemaCustom: string | undefined): boolean {
  return isAppField(schemaCustom, SCOPED_OUTCOME_MODULE_KEY);
}

const optionalText = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => v ?? undefined);

export const ScopedOutcomeValueSchema = z
  .object({
    outcome: optionalText,
    successMeasure: optionalText,
    timeboxDays: z
      .union([z.number(), z.string().regex(/^\d+$/).transform(Number), z.null()])
      .optional()
      .transform((v) => v ?? undefined),
    targetDate: optionalText,
  })
  .passthrough();

export type ScopedOutcomeReading =
  | { kind: 'present'; value: ScopedOutcome }
  | { kind: 'empty' }
  | { kind: 'unreadable'; detail: string };

/**
 * Reads the scoped outcome from an issue's fields. A value the user just edited on the
 * transition screen (`modifiedFields`) wins over the stored one.
 */
export function readScopedOutcome(
  fields: Record<string, unknown>,
  fieldId: string,
  modifiedFields?: Record<string, unknown>,
): ScopedOutcomeReading {
  const raw =
    modifiedFields && Object.prototype.hasOwnProperty.call(modifiedFields, fieldId)
      ? modifiedFields[fieldId]
      : fields[fieldId];
  if (raw === undefined || raw === null) return { kind: 'empty' };
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { kind: 'unreadable', detail: 'the stored value is text, not a scoped outcome' };
    }
  }
  const parsed = ScopedOutcomeValueSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      kind: 'unreadable',
      detail: first ? `${first.path.join('.') || 'value'}: ${first.message}` : 'invalid value',
    };
  }
  const { outcome, successMeasure, timeboxDays, targetDate } = parsed.data;
  return { kind: 'present', value: { outcome, successMeasure, timeboxDays, targetDate } };
}
