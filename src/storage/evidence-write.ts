import { kvs } from '@forge/kvs';
import type { EvidenceContent } from '../domain/evidence-log';
import { StoredValueError, listByPrefix, parseStored } from './kvs-store';
import {
  backoff,
  commitVersion,
  newWriteId,
  numericField,
  readVersioned,
} from './versioned-record';
import {
  type EvidenceHead,
  EvidenceHeadSchema,
  type EvidenceLog,
  type EvidencePart,
  MAX_ATTEMPTS,
  MAX_ENTRIES,
  MAX_PARTS,
  PART_BYTE_LIMIT,
  type SummaryStale,
  SummaryStaleSchema,
  TRANSACTION_OPS,
  logOf,
  partKeysOf,
  withEntries,
  storedFrom,
} from './evidence-store';
import { EVIDENCE_KEYS } from './key-families';

/**
 * Changing an evidence log: the new head and parts written in one conditional transaction on the
 * head's version, parts left by a lost writer removed (docs/decisions/0012-conditional-writes.md).
 */

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
    ...(content.removed ? { removed: content.removed } : {}),
    parts: parts.length,
    entryCount: content.entries.length,
  };
  return { head, parts };
}

/** Writes the parts in one all-or-nothing storage request; none, no request. */
async function setAll(parts: ReadonlyArray<{ key: string; value: unknown }>): Promise<void> {
  if (parts.length === 0) return;
  const tx = kvs.transact();
  for (const p of parts) tx.set(p.key, p.value);
  await tx.execute();
}

/** Deletes the keys in one all-or-nothing storage request; none, no request. */
async function deleteAll(keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const tx = kvs.transact();
  for (const key of new Set(keys)) tx.delete(key);
  await tx.execute();
}

/**
 * Parts no head can point at any more (older versions', and other writers' of this version),
 * up to `room` of them besides those already `removed`.
 */
async function deadParts(
  issueId: string,
  head: EvidenceHead,
  room: number,
  removed: readonly string[],
): Promise<string[]> {
  const prefix = EVIDENCE_KEYS.partPrefix(issueId);
  const skip = new Set([...partKeysOf(head), ...removed]);
  const dead: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listByPrefix(prefix, cursor, 100);
    for (const { key } of page.entries) {
      const [version, writeId] = key.slice(prefix.length).split(':');
      const v = Number(version);
      if (skip.has(key) || !Number.isInteger(v)) continue;
      if (v > head.version || (v === head.version && writeId === head.writeId)) continue;
      if (dead.length >= room) return dead;
      dead.push(key);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return dead;
}

/**
 * What the transaction that makes `head` current deletes: the parts of the head it replaces,
 * the claims of the scheme before (first save of such a log), and, when parts are involved,
 * parts nobody points at, as many as fit the transaction.
 */
async function deletesFor(
  head: EvidenceHead,
  previous: EvidenceHead | undefined,
  firstVersioned: boolean,
): Promise<string[]> {
  const deletes = previous ? partKeysOf(previous) : [];
  if (previous && firstVersioned) {
    deletes.push(
      EVIDENCE_KEYS.legacyRevision(head.issueId, previous.version),
      EVIDENCE_KEYS.legacyRevision(head.issueId, previous.version + 1),
    );
  }
  if (head.parts !== undefined || previous?.parts !== undefined) {
    // The head and its version entity take two of the transaction's operations.
    const room = TRANSACTION_OPS - 2 - deletes.length;
    deletes.push(...(await deadParts(head.issueId, head, room, deletes)));
  }
  return deletes;
}

/**
 * Applies `change` to the newest version of the log and saves it as the next version, only
 * against the version it read. `change` may run more than once (once per attempt), always on the
 * newest content.
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
  const staleKey = EVIDENCE_KEYS.summaryStale(args.issueId);
  let summaryStale: SummaryStale | undefined;
  let partsMissingOf: string | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { values, read } = await readVersioned(logKey, numericField('version'), [staleKey]);
    if (attempt === 1) {
      summaryStale = parseStored(staleKey, SummaryStaleSchema, values.get(staleKey));
    }
    const previous = parseStored(logKey, EvidenceHeadSchema, values.get(logKey));
    const { log } = await withEntries(args.issueId, previous, false);
    if (previous && !log) {
      // Its parts are gone: a newer version replaced them since the head was read.
      const seen = `${previous.version}:${previous.writeId ?? ''}`;
      if (partsMissingOf === seen) {
        throw new StoredValueError(logKey, 'the parts its head points at are missing');
      }
      partsMissingOf = seen;
      continue;
    }
    const current = storedFrom(log);
    const outcome = args.change(current.content);
    if (!outcome.ok) return { status: 'refused', refusal: outcome.refusal };
    // A stored log never holds more (its schema); a full one may still change and shrink.
    if (outcome.content.entries.length > MAX_ENTRIES) {
      return {
        status: 'full',
        message: `The evidence log of this item is full: it holds ${current.content.entries.length} entries and one item may have at most ${MAX_ENTRIES}. Remove older entries and try again.`,
      };
    }
    const version = read.version + 1;
    const writeId = newWriteId();
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
    await setAll(layout.parts);
    const landed = await commitVersion({
      key: logKey,
      value: layout.head,
      version,
      read,
      writeId,
      deletes: await deletesFor(layout.head, previous, read.entity === undefined),
    });
    if (landed) {
      return {
        status: 'saved',
        log: logOf(layout.head, outcome.content.entries),
        detail: outcome.detail,
        summaryStale,
      };
    }
    await deleteAll(ownParts);
    await backoff(attempt);
  }
  return {
    status: 'busy',
    message: `The evidence log was changed by others ${MAX_ATTEMPTS} times while saving; try again.`,
  };
}
