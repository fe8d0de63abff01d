import { z } from 'zod';
import { OUTCOME_RESULTS, type OutcomeRecord } from '../domain/retro';
import { parseStored, readMany } from './kvs-store';
import { changeRecord } from './versioned-record';
import { RETRO_OUTCOME_KEYS } from './key-families';

/**
 * Outcome checks of delivered items (did the validated idea's expected outcome happen?), one
 * record per delivery item under `retro-outcome:<issueId>`. Not an issue property: notes may
 * name customers, and properties are readable by anyone who can see the issue. Recording again
 * replaces the record (the latest judgement counts); `history` keeps the earlier ones, bounded.
 * A recording is saved only against the record it read (versioned-record.ts), so two people
 * recording at once both end up in it: the later as current, the other in its history.
 */

const HISTORY_MAX = 20;
/** Keys per storage batch read. */
const BATCH = 20;

const JudgementSchema = z
  .object({
    result: z.enum(OUTCOME_RESULTS),
    note: z.string().max(2000),
    recordedAt: z.string(),
    recordedBy: z.string().min(1),
  })
  .strict();

export const OutcomeStoredSchema = z
  .object({
    version: z.literal(1),
    /** Counts the record's saves (versioned-record.ts); absent in records saved before. */
    revision: z.number().int().min(1).optional(),
    issueId: z.string().min(1),
    issueKey: z.string().min(1),
    projectKey: z.string().min(1),
    current: JudgementSchema,
    history: z.array(JudgementSchema).max(HISTORY_MAX),
  })
  .strict();
export type OutcomeStored = z.infer<typeof OutcomeStoredSchema>;

/** The recorded outcomes of these delivery items (those without one are absent). */
export async function readOutcomes(issueIds: readonly string[]): Promise<OutcomeRecord[]> {
  const records: OutcomeRecord[] = [];
  for (let i = 0; i < issueIds.length; i += BATCH) {
    const keys = issueIds.slice(i, i + BATCH).map(RETRO_OUTCOME_KEYS.outcome);
    const values = await readMany(keys);
    for (const key of keys) {
      const stored = parseStored(key, OutcomeStoredSchema, values.get(key));
      if (stored) records.push({ issueId: stored.issueId, ...stored.current });
    }
  }
  return records;
}

export async function recordOutcome(args: {
  issue: { id: string; key: string };
  projectKey: string;
  result: OutcomeRecord['result'];
  note: string;
  accountId: string;
  now: Date;
}): Promise<OutcomeRecord> {
  const current = {
    result: args.result,
    note: args.note,
    recordedAt: args.now.toISOString(),
    recordedBy: args.accountId,
  };
  await changeRecord<OutcomeStored, undefined>(
    {
      key: RETRO_OUTCOME_KEYS.outcome(args.issue.id),
      schema: OutcomeStoredSchema,
      noun: `outcome check of ${args.issue.key}`,
      versionField: 'revision',
    },
    (previous, revision) => ({
      write: {
        version: 1,
        revision: revision + 1,
        issueId: args.issue.id,
        issueKey: args.issue.key,
        projectKey: args.projectKey,
        current,
        history: previous ? [previous.current, ...previous.history].slice(0, HISTORY_MAX) : [],
      },
      detail: undefined,
    }),
  );
  return { issueId: args.issue.id, ...current };
}
