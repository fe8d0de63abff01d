import { randomBytes } from 'node:crypto';
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import {
  EMPTY_CONTENT,
  EvidenceEntrySchema,
  InvalidationSchema,
  type EvidenceContent,
  type EvidenceEntry,
} from '../evidence/evidence-log';
import {
  KEYS,
  StoredValueError,
  createOnce,
  listByPrefix,
  parseStored,
  readMany,
  removeOne,
  writeOne,
} from './kvs-store';

/**
 * Evidence logs in Forge storage, one head record per discovery item under `evidence:<issueId>`.
 * Not in issue or entity properties: entries are notes about real people, and properties are
 * readable by anyone who can see the issue through the REST API.
 *
 * Shape: a log that fits in one value (the usual case) is kept whole in its head, so the issue
 * panel reads it with one batch read. A bigger log keeps its entries in parts
 * (`evidence:<issueId>:part:<version>:<writeId>:<n>`, each at most PART_BYTE_LIMIT), and its head
 * says how many parts and entries it has. Parts are never rewritten: every version writes its own
 * parts under new keys. Logs stored before parts existed (one value, no `writeId`) read as they
 * are and take the new shape with their next change.
 *
 * Saving version N+1:
 *   1. write the new parts, if any, in one transaction (new keys, so nobody reads them yet);
 *   2. claim the revision key `evidence:<issueId>:rev:<N+1>` with FAIL_IF_EXISTS, holding the new
 *      head. This is the version check: exactly one writer wins it. KVS transactions take
 *      conditions only for custom entities, so the check cannot sit inside the transaction;
 *   3. swap the head in one transaction that also deletes the previous revision and the parts
 *      the previous head pointed at (and parts left by writers that lost or stopped).
 * A loser deletes its own parts, re-reads and re-applies its change to the newest version
 * (retry on conflict), so concurrent additions are all kept. A writer that stopped after step 2
 * leaves a complete revision (its parts were written first); the next writer makes it current
 * before going on. A stop anywhere else leaves the previous head and its parts untouched, so a
 * log never reads back half-written: at worst unreferenced parts remain until the next save of a
 * parted log removes them.
 *
 * Bounds: at most MAX_ENTRIES entries and MAX_PARTS parts (about 2.4 MB) per item; a change past
 * either is refused with a clear message, and nothing is written.
 *
 * A failed write of the app's summary field is recorded under `evidence:<issueId>:summary-stale`
 * until a later change rewrites the field.
 */

export const EVIDENCE_KEYS = {
  log: (issueId: string) => `evidence:${issueId}`,
  revision: (issueId: string, version: number) => KEYS.revision(`evidence:${issueId}`, version),
  partPrefix: (issueId: string) => `evidence:${issueId}:part:`,
  part: (issueId: string, version: number, writeId: string, index: number) =>
    `evidence:${issueId}:part:${version}:${writeId}:${index}`,
  summaryStale: (issueId: string) => `evidence:${issueId}:summary-stale`,
} as const;

/** Largest head or part value: room under the 240 KiB KVS value limit for encoding slack. */
export const PART_BYTE_LIMIT = 200 * 1024;
/** Parts one log may have: all of them fit one batch read and one transaction. */
export const MAX_PARTS = 12;
/** Entries one item's log may hold. */
export const MAX_ENTRIES = 2000;
/** Each lost race means another change was saved; this many writers at once all get through. */
const MAX_ATTEMPTS = 8;
/** Operations one KVS transaction may hold. */
const TRANSACTION_OPS = 25;
/** Re-reads when a head's parts vanished because a newer version replaced them meanwhile. */
const READ_ATTEMPTS = 4;

/** A short random pause after a lost race, so racing writers spread out. */
const backoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 25 * attempt));

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
    /** The whole log, when it fits in the head. */
    entries: z.array(EvidenceEntrySchema).optional(),
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

function logOf(head: EvidenceHead, entries: EvidenceEntry[]): EvidenceLog {
  return {
    version: head.version,
    issueId: head.issueId,
    updatedAt: head.updatedAt,
    updatedBy: head.updatedBy,
    nextEntry: head.nextEntry,
    entries,
    invalidated: head.invalidated,
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
async function withEntries(
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

export type EvidenceSaveResult<D, F> =
  | { status: 'saved'; log: EvidenceLog; detail: D; summaryStale: SummaryStale | undefined }
  | { status: 'refused'; refusal: F }
  | { status: 'full'; message: string }
  | { status: 'busy'; message: string };

interface Layout {
  head: EvidenceHead;
  parts: Array<{ key: string; value: EvidencePart }>;
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The next version's head and parts: whole in the head when it fits, else in parts. */
function layOut(
  base: Pick<EvidenceHead, 'version' | 'issueId' | 'updatedAt' | 'updatedBy'>,
  content: EvidenceContent,
  writeId: string,
): Layout | { full: string } {
  const whole: EvidenceHead = { ...base, writeId, ...content };
  if (bytesOf(whole) <= PART_BYTE_LIMIT) return { head: whole, parts: [] };
  const parts: Array<{ key: string; value: EvidencePart }> = [];
  const empty = (index: number): EvidencePart => ({
    issueId: base.issueId,
    version: base.version,
    writeId,
    index,
    entries: [],
  });
  let part = empty(0);
  let size = bytesOf(part);
  for (const entry of content.entries) {
    const entryBytes = bytesOf(entry) + 1;
    if (part.entries.length > 0 && size + entryBytes > PART_BYTE_LIMIT) {
      parts.push({
        key: EVIDENCE_KEYS.part(base.issueId, base.version, writeId, part.index),
        value: part,
      });
      part = empty(part.index + 1);
      size = bytesOf(part);
    }
    part.entries.push(entry);
    size += entryBytes;
  }
  if (part.entries.length > 0) {
    parts.push({
      key: EVIDENCE_KEYS.part(base.issueId, base.version, writeId, part.index),
      value: part,
    });
  }
  if (parts.length > MAX_PARTS) {
    return {
      full: `The evidence log of this item is full: its ${content.entries.length} entries need ${Math.ceil(bytesOf(content.entries) / 1024)} KiB, and one item's log may hold about ${(MAX_PARTS * PART_BYTE_LIMIT) / 1024} KiB. Shorten or remove older entries and try again.`,
    };
  }
  const head: EvidenceHead = {
    ...base,
    writeId,
    nextEntry: content.nextEntry,
    invalidated: content.invalidated,
    parts: parts.length,
    entryCount: content.entries.length,
  };
  return { head, parts };
}

/** Sets and deletes as one all-or-nothing storage request. */
async function transact(
  sets: ReadonlyArray<{ key: string; value: unknown }>,
  deletes: readonly string[],
): Promise<void> {
  if (sets.length + deletes.length === 0) return;
  const tx = kvs.transact();
  for (const s of sets) tx.set(s.key, s.value);
  for (const key of new Set(deletes)) tx.delete(key);
  await tx.execute();
}

/** Parts no head can point at any more: older versions', and other writers' of this version. */
async function deadParts(issueId: string, head: EvidenceHead, room: number): Promise<string[]> {
  if (room <= 0) return [];
  const prefix = EVIDENCE_KEYS.partPrefix(issueId);
  const live = new Set(partKeysOf(head));
  const dead: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listByPrefix(prefix, cursor, 100);
    for (const { key } of page.entries) {
      const [version, writeId] = key.slice(prefix.length).split(':');
      const v = Number(version);
      if (live.has(key) || !Number.isInteger(v)) continue;
      if (v < head.version || (v === head.version && writeId !== head.writeId)) dead.push(key);
      if (dead.length >= room) return dead;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return dead;
}

/**
 * Makes `head` current: one transaction sets it and deletes the previous revision and the
 * parts of the head it replaces (and, when parts are involved, parts nobody points at).
 */
async function swapHead(head: EvidenceHead, previous: EvidenceHead | undefined): Promise<void> {
  const deletes = previous ? partKeysOf(previous) : [];
  if (head.version > 1) deletes.push(EVIDENCE_KEYS.revision(head.issueId, head.version - 1));
  if (head.parts !== undefined || previous?.parts !== undefined) {
    const room = TRANSACTION_OPS - 1 - deletes.length;
    for (const key of await deadParts(head.issueId, head, room)) {
      if (!deletes.includes(key)) deletes.push(key);
    }
  }
  await transact([{ key: EVIDENCE_KEYS.log(head.issueId), value: head }], deletes);
}

/**
 * Applies `change` to the newest version of the log and saves it as the next version. `change`
 * may run more than once (once per attempt), always on the newest content.
 */
export async function changeEvidence<D, F>(args: {
  issueId: string;
  accountId: string;
  now: Date;
  change: (
    content: EvidenceContent,
  ) => { ok: true; content: EvidenceContent; detail: D } | { ok: false; refusal: F };
}): Promise<EvidenceSaveResult<D, F>> {
  const logKey = EVIDENCE_KEYS.log(args.issueId);
  let current = await readEvidence(args.issueId);
  const summaryStale = current.summaryStale;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const outcome = args.change(current.content);
    if (!outcome.ok) return { status: 'refused', refusal: outcome.refusal };
    const entries = outcome.content.entries.length;
    if (entries > MAX_ENTRIES && entries > current.content.entries.length) {
      return {
        status: 'full',
        message: `The evidence log of this item is full: it holds ${current.content.entries.length} entries and one item may have at most ${MAX_ENTRIES}. Remove older entries and try again.`,
      };
    }
    const version = current.version + 1;
    const writeId = randomBytes(6).toString('hex');
    const layout = layOut(
      {
        version,
        issueId: args.issueId,
        updatedAt: args.now.toISOString(),
        updatedBy: args.accountId,
      },
      outcome.content,
      writeId,
    );
    if ('full' in layout) return { status: 'full', message: layout.full };
    const ownParts = layout.parts.map((p) => p.key);
    await transact(layout.parts, []);
    const revisionKey = EVIDENCE_KEYS.revision(args.issueId, version);
    if (!(await createOnce(revisionKey, layout.head))) {
      await transact([], ownParts);
      await backoff(attempt);
      current = await repairAndReload(args.issueId, version);
      continue;
    }
    const values = await readMany([logKey, revisionKey]);
    const latest = parseStored(logKey, EvidenceHeadSchema, values.get(logKey));
    const log = logOf(layout.head, outcome.content.entries);
    const saved = (l: EvidenceLog) =>
      ({ status: 'saved', log: l, detail: outcome.detail, summaryStale }) as const;
    const latestVersion = latest?.version ?? 0;
    if (latestVersion < version) {
      await swapHead(layout.head, latest);
      return saved(log);
    }
    if (latestVersion === version && latest?.writeId === writeId) return saved(log); // made current by another writer
    if (latestVersion > version) {
      const revision = parseStored(revisionKey, EvidenceHeadSchema, values.get(revisionKey));
      if (revision?.writeId !== writeId) {
        // Another writer made this version current and has saved on top of it since.
        const newest = await readEvidence(args.issueId);
        return saved(newest.log ?? log);
      }
    }
    // Revisions below the current version are deleted, so a writer that was overtaken by two
    // or more saves can win a deleted revision key: that claim is void.
    await transact([], [revisionKey, ...ownParts]);
    current = await readEvidence(args.issueId);
  }
  return {
    status: 'busy',
    message: `The evidence log was changed by others ${MAX_ATTEMPTS} times while saving; try again.`,
  };
}

/**
 * Someone else won the revision key: they may still be between their writes (or have stopped
 * there). Make their revision current if it is not yet, and continue from it.
 */
async function repairAndReload(issueId: string, wonVersion: number): Promise<StoredEvidence> {
  const logKey = EVIDENCE_KEYS.log(issueId);
  const revisionKey = EVIDENCE_KEYS.revision(issueId, wonVersion);
  const values = await readMany([logKey, revisionKey]);
  const current = parseStored(logKey, EvidenceHeadSchema, values.get(logKey));
  const revision = parseStored(revisionKey, EvidenceHeadSchema, values.get(revisionKey));
  if (revision && (!current || current.version < revision.version)) {
    const { log } = await withEntries(issueId, revision, false);
    if (log) {
      await swapHead(revision, current);
      return storedFrom(log);
    }
    // A revision whose parts are gone can never become current: clear it so saves go on.
    await removeOne(revisionKey);
  }
  const fresh = await readEvidence(issueId);
  return { ...fresh, summaryStale: undefined };
}

function storedFrom(log: EvidenceLog | undefined): StoredEvidence {
  return {
    log,
    content: log
      ? { nextEntry: log.nextEntry, entries: log.entries, invalidated: log.invalidated }
      : EMPTY_CONTENT,
    version: log?.version ?? 0,
    summaryStale: undefined,
  };
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
