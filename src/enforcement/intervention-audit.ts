import { flagNote, nextFlagNotes, type FlagOutcome } from '../domain/flag-fallback';
import type { NewAuditEntry } from '../storage/audit-store';
import type { FlagNotes } from '../domain/flag-fallback';
import { saveFlagNotes } from '../storage/enforcement-store';

/**
 * What the sprint guard and the sprint-start check write down after acting on an item: its audit
 * action and detail, and the project's flag notes (which ways Jira refused the flag).
 */

/** The audit action of an item acted on: a flag Jira let no way set is `failed`. */
export function auditActionOf(
  action: 'move-back' | 'flag',
  flag: FlagOutcome | undefined,
): NewAuditEntry['action'] {
  if (action === 'move-back') return 'moved-back';
  return flag?.via === null ? 'failed' : 'flagged';
}

/**
 * "<lead>[; not flagged]; missing: a; b.[ <after>][ <flag note>]": what an audit entry says of
 * an item acted on.
 */
export function interventionDetail(args: {
  lead: string;
  flag: FlagOutcome | undefined;
  missing: readonly string[];
  projectKey: string;
  typeName: string;
  after?: string;
}): string {
  const { flag } = args;
  const note = flag ? flagNote(flag, args.projectKey, args.typeName) : undefined;
  return `${args.lead}${flag?.via === null ? '; not flagged' : ''}; missing: ${args.missing.join('; ')}.${args.after ? ` ${args.after}` : ''}${note ? ` ${note}` : ''}`;
}

/** Adds what these flags taught to the project's flag notes (`current`), when it changes them. */
export async function rememberFlagOutcomes(
  projectKey: string,
  current: FlagNotes | undefined,
  seen: ReadonlyArray<{ typeName: string; outcome: FlagOutcome }>,
  now: Date,
): Promise<void> {
  const next = nextFlagNotes(current, seen, now);
  if (next.changed) await saveFlagNotes(projectKey, next.notes);
}
