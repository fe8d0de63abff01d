import { z } from 'zod';

/**
 * How an item not ready for its sprint gets flagged when Jira's edit screens are in the way, and
 * what the project admin is told about it.
 * More: docs/internals.md#domain-flag-fallback-ts.
 */

export const FLAG_WAYS = ['field', 'field-override', 'label', 'label-override'] as const;
export type FlagWay = (typeof FLAG_WAYS)[number];

export const FlagOutcomeSchema = z
  .object({
    /** How the item was flagged; null when Jira refused every way. */
    via: z.enum(FLAG_WAYS).nullable(),
    /** Ways Jira refused with a 400 naming the field (not on the edit screen, or unknown there). */
    refused: z.array(z.enum(FLAG_WAYS)).max(FLAG_WAYS.length),
    /** Jira answered 403 to the screen override: the app may not use it. */
    overrideRefused: z.boolean(),
    /** Whether the site has Jira's Flagged field (else only the label is tried). */
    siteHasFlagged: z.boolean(),
    /** Jira's message for the first refusal, as it worded it. */
    jiraSaid: z.string().max(500).optional(),
  })
  .strict();
export type FlagOutcome = z.infer<typeof FlagOutcomeSchema>;

/** What earlier attempts in the same run tell about the next item, so refused ways are skipped. */
export interface FlagKnowledge {
  /** Ways refused on the same edit screen (same project and issue type). */
  refused: ReadonlySet<FlagWay>;
  /** The override was refused (the app's global permission: the same for every project). */
  overrideRefused: boolean;
}

export const NOTHING_KNOWN: FlagKnowledge = { refused: new Set(), overrideRefused: false };

/**
 * The knowledge earlier outcomes give: refusals from items on the same edit screen, the
 * override's refusal from any item.
 */
export function knowledgeFrom(
  sameScreen: readonly FlagOutcome[],
  any: readonly FlagOutcome[],
): FlagKnowledge {
  return {
    refused: new Set(sameScreen.flatMap((o) => o.refused)),
    overrideRefused: any.some((o) => o.overrideRefused),
  };
}

/** Flagged the ordinary way: nothing for the admin to know. */
export function isPlainFlag(outcome: FlagOutcome): boolean {
  return outcome.via === (outcome.siteHasFlagged ? 'field' : 'label');
}

/** The outcome of a flag set the ordinary way (the field, or the label on a site without it). */
export function plainFlag(siteHasFlagged: boolean): FlagOutcome {
  return {
    via: siteHasFlagged ? 'field' : 'label',
    refused: [],
    overrideRefused: false,
    siteHasFlagged,
  };
}

/**
 * One short note for the project admin: what Jira refused on the edit screen of `typeName` items
 * in `projectKey`, what Dual Track did instead, and what the admin can change. Undefined for an
 * ordinary flag. Names only the project and the issue type, never an item.
 */
export function flagNote(
  outcome: FlagOutcome,
  projectKey: string,
  typeName: string,
): string | undefined {
  if (isPlainFlag(outcome)) return undefined;
  const screen = `the edit screen of ${typeName} items in ${projectKey}`;
  const fieldOverrideRefused = outcome.refused.includes('field-override');
  const noOverride = outcome.overrideRefused
    ? ' Jira does not let Dual Track override screens (only callers with the Administer Jira global permission may).'
    : '';
  const fieldProblem = fieldOverrideRefused
    ? `Jira's Flagged field cannot be set on ${typeName} items in ${projectKey}, not even with Jira's screen override: check that Flagged has a field context that includes ${projectKey} and is on ${screen}.`
    : `Jira's Flagged field is not on ${screen}.`;

  switch (outcome.via) {
    case 'field-override':
      return `${fieldProblem} Dual Track set it anyway with Jira's screen override (the app holds Administer Jira). Add Flagged to that screen so flagging does not depend on the override.`;
    case 'label':
      return `${fieldProblem}${noOverride} Dual Track added the label dual-track-flagged instead. To flag with Jira's flag, add Flagged to that screen.`;
    case 'label-override':
      return outcome.siteHasFlagged
        ? `${fieldProblem} Labels is not on that screen either; Dual Track added the label dual-track-flagged with Jira's screen override. Add Flagged to that screen.`
        : `This site has no Flagged field and Labels is not on ${screen}; Dual Track added the label dual-track-flagged with Jira's screen override. Add Labels to that screen so flagging does not depend on the override.`;
    case 'field':
      // Reached only when the site's ordinary way is the label and the field was used: not possible.
      return undefined;
    case null: {
      const labels = outcome.siteHasFlagged
        ? ` Labels is not on that screen either.`
        : ` This site has no Flagged field, and Labels is not on ${screen}.`;
      const add = outcome.siteHasFlagged ? 'Add Flagged (or Labels)' : 'Add Labels';
      return `Dual Track could not flag ${typeName} items in ${projectKey}.${outcome.siteHasFlagged ? ` ${fieldProblem}` : ''}${labels}${noOverride} ${add} to ${screen}, or let the sprint guard move such items back to the backlog instead (Dual Track project settings).`;
    }
  }
}

/**
 * What a project admin is told about flagging in their project: per issue type, the latest
 * outcome that was not an ordinary flag and since when it holds. A type whose items are flagged
 * the ordinary way again is dropped.
 */
export const FlagNotesSchema = z
  .object({
    version: z.literal(1),
    types: z.record(
      z.string().min(1).max(255),
      z.object({ since: z.string(), outcome: FlagOutcomeSchema }).strict(),
    ),
  })
  .strict();
export type FlagNotes = z.infer<typeof FlagNotesSchema>;

const sameSituation = (a: FlagOutcome, b: FlagOutcome) =>
  a.via === b.via &&
  a.overrideRefused === b.overrideRefused &&
  a.siteHasFlagged === b.siteHasFlagged &&
  [...a.refused].sort().join() === [...b.refused].sort().join();

/**
 * The notes after these outcomes (in the order they happened); `changed` is false when they say
 * nothing new, so that the caller writes only when it must.
 */
export function nextFlagNotes(
  current: FlagNotes | undefined,
  seen: ReadonlyArray<{ typeName: string; outcome: FlagOutcome }>,
  now: Date,
): { notes: FlagNotes; changed: boolean } {
  const types = { ...(current?.types ?? {}) };
  let changed = false;
  for (const { typeName, outcome } of seen) {
    const held = types[typeName];
    if (isPlainFlag(outcome)) {
      if (held) {
        delete types[typeName];
        changed = true;
      }
    } else if (!held || !sameSituation(held.outcome, outcome)) {
      types[typeName] = { since: now.toISOString(), outcome };
      changed = true;
    }
  }
  return { notes: { version: 1, types }, changed };
}

/** The notes as sentences for the project admin, one per issue type, oldest first. */
export function flagNoteLines(
  notes: FlagNotes | undefined,
  projectKey: string,
): Array<{ typeName: string; since: string; message: string }> {
  return Object.entries(notes?.types ?? {})
    .flatMap(([typeName, { since, outcome }]) => {
      const message = flagNote(outcome, projectKey, typeName);
      return message ? [{ typeName, since, message }] : [];
    })
    .sort((a, b) => a.since.localeCompare(b.since) || a.typeName.localeCompare(b.typeName));
}
