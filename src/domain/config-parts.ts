import { z } from 'zod';

/**
 * The building blocks of the configuration schema (config.ts): a number in a range, a list of
 * names, and a settings section with its defaults.
 */

/**
 * A number in an allowed range. Every problem with it (not a number, a fraction where a whole
 * number is needed, out of range) gets the same message naming the range, so a form can show it
 * next to the field as it is.
 */
export function inRange(min: number, max: number, kind: 'integer' | 'number' = 'integer') {
  const message = `must be ${kind === 'integer' ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  const base = z.number({ error: message });
  return (kind === 'integer' ? base.int({ error: message }) : base)
    .min(min, { error: message })
    .max(max, { error: message });
}

export const count = (max: number) => inRange(0, max);

/** Lead engineer groups a project may name (each is read from Jira at sign-off). */
export const LEAD_GROUPS_MAX = 5;

/** A list of names (issue types, placeholders): each trimmed, none empty. */
export function names(what: string, maxLength: number, maxItems: number, minItems = 0) {
  const list = z
    .array(
      z
        .string()
        .trim()
        .min(1, { error: `must not contain an empty ${what}` })
        .max(maxLength, { error: `each ${what} must be at most ${maxLength} characters` }),
    )
    .max(maxItems, { error: `must have at most ${maxItems} entries` });
  return minItems > 0 ? list.min(minItems, { error: `must name at least one ${what}` }) : list;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A settings section: `full` fills unset values from the defaults; `partial` (overrides) does not. */
export function section<T extends z.ZodRawShape>(fields: T, defaults: z.input<z.ZodObject<T>>) {
  const strict = z.object(fields).strict();
  return {
    full: z.preprocess(
      (v) => (v === undefined ? { ...defaults } : isRecord(v) ? { ...defaults, ...v } : v),
      strict,
    ),
    partial: strict.partial(),
  };
}
