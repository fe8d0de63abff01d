import { z } from 'zod';
import { parseStored, readMany, readOne, writeOne } from './kvs-store';
import { changeRecord, numericField, readVersioned, type ReadVersion } from './versioned-record';
import { ISSUE_NOTE_KEYS, WAIVER_KEYS } from './key-families';
import { parseWaiverBook } from './waiver-store';
import type { Waiver } from '../domain/sprint-readiness';

/**
 * What the issue panel records per issue in Forge storage (not in issue properties, which any
 * user who can see the issue can read through REST): the feasibility review of a discovery item
 * flagged technically novel, and the "what we learned / decision" note that closes a spike.
 * Keyed by issue id, so they survive a re-keyed project; both read in one storage request.
 * More: docs/internals.md#storage-issue-notes-store-ts.
 */

export const FEASIBILITY_VERDICTS = ['feasible', 'not-feasible', 'needs-spike'] as const;

export const FeasibilityRecordSchema = z
  .object({
    /** Absent in reviews stored before writes were conditional. */
    version: z.number().int().min(1).optional(),
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
    /** When the app mentioned the lead engineers on the item (once per item). */
    leadsAskedAt: z.string().optional(),
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

/**
 * The panel's read of its own notes and the project's waivers, in the same single storage
 * request (the waivers say whether the item is let into a sprint although checks fail).
 */
export async function readIssueNotesAndWaivers(
  issueId: string,
  projectKey: string,
): Promise<IssueNotes & { waivers: Waiver[] }> {
  const fKey = ISSUE_NOTE_KEYS.feasibility(issueId);
  const nKey = ISSUE_NOTE_KEYS.spikeNote(issueId);
  const wKey = WAIVER_KEYS.book(projectKey);
  const values = await readMany([fKey, nKey, wKey]);
  return {
    feasibility: parseStored(fKey, FeasibilityRecordSchema, values.get(fKey)),
    spikeNote: parseStored(nKey, SpikeNoteSchema, values.get(nKey)),
    waivers: parseWaiverBook(projectKey, values.get(wKey))?.waivers ?? [],
  };
}

/** Most notes one batch read returns (Forge's batch get limit). */
export const SPIKE_NOTES_MAX = 20;

/**
 * The "what we learned / decision" notes of spikes by issue id, in one request (the first
 * SPIKE_NOTES_MAX ids).
 */
export async function readSpikeNotes(issueIds: readonly string[]): Promise<Map<string, SpikeNote>> {
  const notes = new Map<string, SpikeNote>();
  const ids = [...new Set(issueIds)].slice(0, SPIKE_NOTES_MAX);
  if (ids.length === 0) return notes;
  const values = await readMany(ids.map((id) => ISSUE_NOTE_KEYS.spikeNote(id)));
  for (const id of ids) {
    const key = ISSUE_NOTE_KEYS.spikeNote(id);
    const note = parseStored(key, SpikeNoteSchema, values.get(key));
    if (note) notes.set(id, note);
  }
  return notes;
}

export async function readFeasibility(issueId: string): Promise<FeasibilityRecord | undefined> {
  const key = ISSUE_NOTE_KEYS.feasibility(issueId);
  return parseStored(key, FeasibilityRecordSchema, await readOne(key));
}

/** The review with the version it was read at (one batch read with its version entity). */
export async function readFeasibilityState(
  issueId: string,
): Promise<{ record: FeasibilityRecord | undefined; read: ReadVersion }> {
  const key = ISSUE_NOTE_KEYS.feasibility(issueId);
  const { values, read } = await readVersioned(key, numericField('version'));
  return { record: parseStored(key, FeasibilityRecordSchema, values.get(key)), read };
}

/** What a change does with the current review: write the next one, or refuse with `refusal`. */
export type FeasibilityChange<F> =
  { ok: true; record: Omit<FeasibilityRecord, 'version'> } | { ok: false; refusal: F };

/**
 * Applies `change` to the current review and saves the result as the next version, only against
 * the version it read; after a lost race `change` runs again on the newest review.
 */
export async function changeFeasibility<F>(
  issueId: string,
  change: (current: FeasibilityRecord | undefined) => FeasibilityChange<F>,
): Promise<{ ok: true; record: FeasibilityRecord } | { ok: false; refusal: F }> {
  const result = await changeRecord<FeasibilityRecord, { refusal: F } | undefined>(
    {
      key: ISSUE_NOTE_KEYS.feasibility(issueId),
      schema: FeasibilityRecordSchema,
      noun: 'feasibility review',
    },
    (current, version) => {
      const outcome = change(current);
      if (!outcome.ok) return { keep: { refusal: outcome.refusal } };
      return { write: { ...outcome.record, version: version + 1 }, detail: undefined };
    },
  );
  if (result.saved) return { ok: true, record: result.value };
  if (result.detail) return { ok: false, refusal: result.detail.refusal };
  throw new Error(`feasibility of ${issueId}: a change that kept the review must say why`);
}

export async function saveSpikeNote(issueId: string, note: SpikeNote): Promise<void> {
  await writeOne(ISSUE_NOTE_KEYS.spikeNote(issueId), SpikeNoteSchema.parse(note));
}
