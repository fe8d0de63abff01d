import { z } from 'zod';
import {
  EMPTY_CONTENT,
  EvidenceEntrySchema,
  InvalidationSchema,
  RemovedEntrySchema,
  type EvidenceContent,
  type EvidenceEntry,
} from '../domain/evidence-log';
import { StoredValueError, parseStored, readMany, removeOne, writeOne } from './kvs-store';
import { numericField, readVersioned, type ReadVersion } from './versioned-record';
import { EVIDENCE_KEYS } from './key-families';

/**
 * Evidence logs in Forge storage, one head record per discovery item under `evidence:<issueId>`.
 * Not in issue or entity properties: entries are notes about real people, and properties are
 * readable by anyone who can see the issue through the REST API.
 * More: docs/internals.md#storage-evidence-store-ts.
 */

/** Largest head or part value: room under the 240 KiB KVS value limit for encoding slack. */
export const PART_BYTE_LIMIT = 200 * 1024;
/** Parts one log may have: all of them fit one batch read and one transaction. */
export const MAX_PARTS = 12;
/** Entries one item's log may hold. */
export const MAX_ENTRIES = 2000;
/** Each lost race means another change was saved; this many writers at once all get through. */
export const MAX_ATTEMPTS = 8;
/** Operations one KVS transaction may hold. */
export const TRANSACTION_OPS = 25;
/** Re-reads when a head's parts vanished because a newer version replaced them meanwhile. */
const READ_ATTEMPTS = 4;

const WRITE_ID = /^[a-f0-9]{12}$/;

export const EvidenceHeadSchema = z
  .object({
    version: z.number().int().min(1),
    issueId: z.string().min(1),
    updatedAt: z.string(),
    updatedBy: z.string().min(1),
    /** Who wrote this version (random per save); absent in logs stored before parts existed. */
    writeId: z.string().regex(WRITE_ID).optional(),
    nextEntry: z.number().int().min(1),
    invalidated: InvalidationSchema.nullable(),
    /** Entries removed a moment ago, kept for Undo (absent when none). */
    removed: z.array(RemovedEntrySchema).max(10).optional(),
    /** The whole log, when it fits in the head. */
    entries: z.array(EvidenceEntrySchema).max(MAX_ENTRIES).optional(),
    /** Otherwise: how many parts hold the entries, and how many entries they hold together. */
    parts: z.number().int().min(1).max(MAX_PARTS).optional(),
    entryCount: z.number().int().min(0).max(MAX_ENTRIES).optional(),
  })
  .strict()
  .superRefine((head, ctx) => {
    if ((head.entries === undefined) === (head.parts === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['entries'],
        message: 'needs entries or parts, not both',
      });
    }
    if (head.parts !== undefined && (head.writeId === undefined || head.entryCount === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['parts'], message: 'needs writeId and entryCount' });
    }
  });
export type EvidenceHead = z.infer<typeof EvidenceHeadSchema>;

export const EvidencePartSchema = z
  .object({
    issueId: z.string().min(1),
    version: z.number().int().min(1),
    writeId: z.string().regex(WRITE_ID),
    index: z
      .number()
      .int()
      .min(0)
      .max(MAX_PARTS - 1),
    entries: z.array(EvidenceEntrySchema).min(1),
  })
  .strict();
export type EvidencePart = z.infer<typeof EvidencePartSchema>;

/** The whole log as the app uses it: the head's metadata and every entry. */
export interface EvidenceLog extends EvidenceContent {
  version: number;
  issueId: string;
  updatedAt: string;
  updatedBy: string;
}

export const SummaryStaleSchema = z
  .object({ version: z.number().int().min(0), since: z.string(), reason: z.string() })
  .strict();
export type SummaryStale = z.infer<typeof SummaryStaleSchema>;

export interface StoredEvidence {
  log: EvidenceLog | undefined;
  content: EvidenceContent;
  version: number;
  summaryStale: SummaryStale | undefined;
}

/** The part keys a head points at (none for a log kept whole in its head). */
export function partKeysOf(head: EvidenceHead): string[] {
  if (head.parts === undefined || head.writeId === undefined) return [];
  const { issueId, version, writeId } = head;
  return Array.from({ length: head.parts }, (_, i) =>
    EVIDENCE_KEYS.part(issueId, version, writeId, i),
  );
}

export function logOf(head: EvidenceHead, entries: EvidenceEntry[]): EvidenceLog {
  return {
    version: head.version,
    issueId: head.issueId,
    updatedAt: head.updatedAt,
    updatedBy: head.updatedBy,
    nextEntry: head.nextEntry,
    entries,
    invalidated: head.invalidated,
    ...(head.removed ? { removed: head.removed } : {}),
  };
}

/**
 * The entries of a parted head from already read values; undefined when a part is missing
 * (a newer version replaced them). A part that does not belong to the head is a storage error.
 */
function assemble(head: EvidenceHead, values: Map<string, unknown>): EvidenceEntry[] | undefined {
  if (head.entries !== undefined) return head.entries;
  const entries: EvidenceEntry[] = [];
  const keys = partKeysOf(head);
  for (const [index, key] of keys.entries()) {
    const part = parseStored(key, EvidencePartSchema, values.get(key));
    if (!part) return undefined;
    if (part.issueId !== head.issueId || part.version !== head.version || part.index !== index) {
      throw new StoredValueError(key, 'the part does not belong to its head');
    }
    entries.push(...part.entries);
  }
  if (entries.length !== head.entryCount) {
    throw new StoredValueError(
      EVIDENCE_KEYS.log(head.issueId),
      `the head counts ${head.entryCount} entries, its parts hold ${entries.length}`,
    );
  }
  return entries;
}

/**
 * A head and its entries. When its parts are gone (a newer version replaced them meanwhile) the
 * head is read again, unless `reread` is false (a revision, which nobody replaces): then the
 * answer is undefined.
 */
export async function withEntries(
  issueId: string,
  head: EvidenceHead | undefined,
  reread = true,
): Promise<{ head: EvidenceHead | undefined; log: EvidenceLog | undefined }> {
  const logKey = EVIDENCE_KEYS.log(issueId);
  let current = head;
  for (let attempt = 1; current; attempt++) {
    const keys = partKeysOf(current);
    const entries = assemble(
      current,
      keys.length > 0 ? await readMany(keys) : new Map<string, unknown>(),
    );
    if (entries) return { head: current, log: logOf(current, entries) };
    if (!reread) break;
    if (attempt >= READ_ATTEMPTS) {
      throw new StoredValueError(logKey, 'its parts kept changing while reading; try again');
    }
    const again = await readMany([logKey]);
    current = parseStored(logKey, EvidenceHeadSchema, again.get(logKey));
  }
  return { head: undefined, log: undefined };
}

/**
 * The log and the stale-summary marker: one storage request for a log kept whole in its head,
 * one more for the parts of a bigger one.
 */
export async function readEvidence(issueId: string): Promise<StoredEvidence> {
  const logKey = EVIDENCE_KEYS.log(issueId);
  const staleKey = EVIDENCE_KEYS.summaryStale(issueId);
  const values = await readMany([logKey, staleKey]);
  const { log } = await withEntries(
    issueId,
    parseStored(logKey, EvidenceHeadSchema, values.get(logKey)),
  );
  return {
    ...storedFrom(log),
    summaryStale: parseStored(staleKey, SummaryStaleSchema, values.get(staleKey)),
  };
}

/**
 * The log with the version it was read at (its version entity comes in the same batch read), for
 * a decision that must be pinned down before it is acted on (confirmUnchanged).
 */
export async function readEvidenceState(
  issueId: string,
): Promise<{ stored: StoredEvidence; read: ReadVersion }> {
  const logKey = EVIDENCE_KEYS.log(issueId);
  for (let attempt = 1; ; attempt++) {
    const { values, read } = await readVersioned(logKey, numericField('version'));
    const head = parseStored(logKey, EvidenceHeadSchema, values.get(logKey));
    const { log } = await withEntries(issueId, head, false);
    if (head && !log && attempt < READ_ATTEMPTS) continue;
    if (head && !log) throw new StoredValueError(logKey, 'its parts kept changing while reading');
    return { stored: storedFrom(log), read };
  }
}

/** Several items' logs (missing ones are absent from the map), in batches of batch reads. */
export async function readEvidenceLogs(
  issueIds: readonly string[],
): Promise<Map<string, EvidenceLog>> {
  const logs = new Map<string, EvidenceLog>();
  const BATCH = 20;
  for (let i = 0; i < issueIds.length; i += BATCH) {
    const ids = issueIds.slice(i, i + BATCH);
    const values = await readMany(ids.map((id) => EVIDENCE_KEYS.log(id)));
    for (const id of ids) {
      const key = EVIDENCE_KEYS.log(id);
      const head = parseStored(key, EvidenceHeadSchema, values.get(key));
      if (!head) continue;
      const { log } = await withEntries(id, head);
      if (log) logs.set(id, log);
    }
  }
  return logs;
}

/** Records that the summary field does not show `version` of the log yet. */
export async function markSummaryStale(
  issueId: string,
  version: number,
  now: Date,
  reason: string,
): Promise<void> {
  const value: SummaryStale = { version, since: now.toISOString(), reason };
  await writeOne(EVIDENCE_KEYS.summaryStale(issueId), value);
}

export async function clearSummaryStale(issueId: string): Promise<void> {
  await removeOne(EVIDENCE_KEYS.summaryStale(issueId));
}

export function storedFrom(log: EvidenceLog | undefined): StoredEvidence {
  return {
    log,
    content: log
      ? {
          nextEntry: log.nextEntry,
          entries: log.entries,
          invalidated: log.invalidated,
          ...(log.removed ? { removed: log.removed } : {}),
        }
      : EMPTY_CONTENT,
    version: log?.version ?? 0,
    summaryStale: undefined,
  };
}
