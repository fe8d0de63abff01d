import { z } from 'zod';
import { createOnce, parseStored, readMany, readOne, removeOne } from './kvs-store';
import { changeRecord, numericField, readVersioned, type RecordBasis } from './versioned-record';
import { KEYS } from './key-families';

/**
 * What "Explore first" remembers per delivery item: the discovery item it created (so that a
 * second click, or a retry, answers that item instead of creating another), and who creates the
 * next one: each creation is one generation, claimed by exactly one caller.
 * More: docs/internals.md#storage-explore-store-ts.
 */

export const CLAIM_STALE_MS = 2 * 60 * 1000;

export const ExploreRecordSchema = z
  .object({
    version: z.literal(1),
    /** Counts the record's saves (versioned-record.ts); absent in records saved before. */
    revision: z.number().int().min(1).optional(),
    generation: z.number().int().min(1),
    deliveryKey: z.string().max(300),
    created: z.object({ id: z.string().max(40), key: z.string().max(300) }).strict(),
    kind: z.enum(['spike', 'idea']),
    /** Whether the link to the delivery item was made. */
    linked: z.boolean(),
    by: z.string().max(128),
    at: z.string().max(40),
  })
  .strict();
export type ExploreRecord = z.infer<typeof ExploreRecordSchema>;

const ClaimSchema = z.object({ by: z.string().max(128), at: z.string().max(40) }).strict();

export async function readExploreRecord(issueId: string): Promise<ExploreRecord | undefined> {
  const key = KEYS.exploreFirst(issueId);
  return parseStored(key, ExploreRecordSchema, await readOne(key));
}

/** The record with the version it was read at (one batch read), for the saves below. */
export async function readExploreState(issueId: string): Promise<ExploreState> {
  const key = KEYS.exploreFirst(issueId);
  const { values, read } = await readVersioned(key, numericField('revision'));
  return { value: parseStored(key, ExploreRecordSchema, values.get(key)), read };
}
export type ExploreState = RecordBasis<ExploreRecord>;

export type ClaimOutcome =
  | { status: 'claimed'; generation: number }
  /** Someone else is creating this generation right now. */
  | { status: 'busy'; generation: number };

/**
 * Claims the right to create the next generation after `after` (0 when nothing was recorded).
 * Stale claims of creators that never finished are skipped (at most a few in a row).
 */
export async function claimExplore(
  issueId: string,
  after: number,
  who: { accountId: string; now: Date },
): Promise<ClaimOutcome> {
  const claim = { by: who.accountId, at: who.now.toISOString() };
  for (let generation = after + 1; generation <= after + 5; generation++) {
    const key = KEYS.exploreFirstClaim(issueId, generation);
    if (await createOnce(key, claim)) return { status: 'claimed', generation };
    const held = parseStored(key, ClaimSchema, await readOne(key));
    const stale = held ? who.now.getTime() - Date.parse(held.at) > CLAIM_STALE_MS : false;
    if (!stale) return { status: 'busy', generation };
    const record = await readExploreRecord(issueId);
    if (record && record.generation >= generation) return { status: 'busy', generation };
  }
  return { status: 'busy', generation: after + 5 };
}

/** Gives a claim back when nothing was created, so that the next click may try again. */
export async function releaseExplore(issueId: string, generation: number): Promise<void> {
  await removeOne(KEYS.exploreFirstClaim(issueId, generation));
}

export type ExploreSave =
  | { status: 'saved'; record: ExploreRecord }
  /** Another generation (or none) is recorded now: nothing was written. */
  | { status: 'superseded'; current: ExploreRecord | undefined };

async function saveRecord(
  issueId: string,
  basis: ExploreState | undefined,
  change: (current: ExploreRecord | undefined) => ExploreRecord | undefined,
): Promise<ExploreSave> {
  const result = await changeRecord<ExploreRecord, undefined>(
    {
      key: KEYS.exploreFirst(issueId),
      schema: ExploreRecordSchema,
      noun: 'Explore first record',
      versionField: 'revision',
    },
    (current, version) => {
      const next = change(current);
      if (!next) return { keep: undefined };
      return { write: { ...next, revision: version + 1 }, detail: undefined };
    },
    basis,
  );
  return result.saved
    ? { status: 'saved', record: result.value }
    : { status: 'superseded', current: result.value };
}

/**
 * Records the item of `record.generation`, unless that or a newer generation is recorded.
 * `basis`: the record as read at the start (saves a read when nothing changed since).
 */
export function recordExplore(
  issueId: string,
  record: ExploreRecord,
  basis?: ExploreState,
): Promise<ExploreSave> {
  return saveRecord(issueId, basis, (current) =>
    current && current.generation >= record.generation ? undefined : record,
  );
}

/** Marks the recorded item linked, unless another generation was recorded since it was read. */
export function markExploreLinked(
  issueId: string,
  generation: number,
  at: Date,
  basis?: ExploreState,
): Promise<ExploreSave> {
  return saveRecord(issueId, basis, (current) =>
    current?.generation === generation
      ? { ...current, linked: true, at: at.toISOString() }
      : undefined,
  );
}

/** The record and whether the claim of `generation` still stands (one storage request). */
export async function peekExplore(
  issueId: string,
  generation: number,
): Promise<{ record: ExploreRecord | undefined; claimed: boolean }> {
  const recordKey = KEYS.exploreFirst(issueId);
  const claimKey = KEYS.exploreFirstClaim(issueId, generation);
  const values = await readMany([recordKey, claimKey]);
  return {
    record: parseStored(recordKey, ExploreRecordSchema, values.get(recordKey)),
    claimed: values.has(claimKey),
  };
}
