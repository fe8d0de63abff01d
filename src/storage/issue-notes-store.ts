import { z } from 'zod';
import { parseStored, readMany, readOne, writeOne } from './kvs-store';

/**
 * What the issue panel records per issue in Forge storage (not in issue properties, which any
 * user who can see the issue can read through REST): the feasibility review of a discovery item
 * flagged technically novel, and the "what we learned / decision" note that closes a spike.
 * Keyed by issue id, so they survive a re-keyed project; both read in one storage request.
 *
 * Writes are last-writer-wins: a review and a note each have one author at a time, and each
 * record holds the person and time of its last change.
 */

export const ISSUE_NOTE_KEYS = {
  feasibility: (issueId: string) => `feasibility:${issueId}`,
  spikeNote: (issueId: string) => `spike-note:${issueId}`,
} as const;

export const FEASIBILITY_VERDICTS = ['feasible', 'not-feasible', 'needs-spike'] as const;

export const FeasibilityRecordSchema = z
  .object({
    novel: z.boolean(),
    signOff: z
      .object({
        by: z.string().min(1),
        at: z.string(),
        verdict: z.enum(FEASIBILITY_VERDICTS),
        note: z.string().max(2000),
      })
      .strict()
      .optional(),
    updatedBy: z.string().min(1),
    updatedAt: z.string(),
  })
  .strict();
export type FeasibilityRecord = z.infer<typeof FeasibilityRecordSchema>;

export const SpikeNoteSchema = z
  .object({ note: z.string().min(1).max(4000), by: z.string().min(1), at: z.string() })
  .strict();
export type SpikeNote = z.infer<typeof SpikeNoteSchema>;

export interface IssueNotes {
  feasibility: FeasibilityRecord | undefined;
  spikeNote: SpikeNote | undefined;
}

export async function readIssueNotes(issueId: string): Promise<IssueNotes> {
  const fKey = ISSUE_NOTE_KEYS.feasibility(issueId);
  const nKey = ISSUE_NOTE_KEYS.spikeNote(issueId);
  const values = await readMany([fKey, nKey]);
  return {
    feasibility: parseStored(fKey, FeasibilityRecordSchema, values.get(fKey)),
    spikeNote: parseStored(nKey, SpikeNoteSchema, values.get(nKey)),
  };
}

export async function readFeasibility(issueId: string): Promise<FeasibilityRecord | undefined> {
  const key = ISSUE_NOTE_KEYS.feasibility(issueId);
  return parseStored(key, FeasibilityRecordSchema, await readOne(key));
}

export async function saveFeasibility(issueId: string, record: FeasibilityRecord): Promise<void> {
  await writeOne(ISSUE_NOTE_KEYS.feasibility(issueId), FeasibilityRecordSchema.parse(record));
}

export async function saveSpikeNote(issueId: string, note: SpikeNote): Promise<void> {
  await writeOne(ISSUE_NOTE_KEYS.spikeNote(issueId), SpikeNoteSchema.parse(note));
}
