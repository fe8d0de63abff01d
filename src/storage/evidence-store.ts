import { z } from 'zod';
import {
  EMPTY_CONTENT,
  EvidenceContentSchema,
  type EvidenceContent,
} from '../evidence/evidence-log';
import { KEYS, createOnce, parseStored, readMany, readOne, removeOne, writeOne } from './kvs-store';

/**
 * Evidence logs in Forge storage, one record per discovery item under `evidence:<issueId>`.
 * Not in issue or entity properties: entries are notes about real people, and properties are
 * readable by anyone who can see the issue through the REST API.
 *
 * Versioning follows config-store.ts: version N+1 is first written under its revision key
 * (`evidence:<issueId>:rev:<N+1>`) with FAIL_IF_EXISTS, which exactly one writer wins; only the
 * winner then writes the current record. A loser re-reads and re-applies its change to the
 * newest version (retry on conflict), so concurrent additions are all kept. Only the newest
 * revision is kept (older ones are deleted), so removed entries do not linger in storage.
 *
 * Size: the whole log is one value and must stay under the 240 KiB KVS limit. A change that
 * would pass LOG_BYTE_LIMIT is refused with a clear message (no paging): at a few hundred bytes
 * per entry that is several hundred entries, far beyond what one idea needs.
 *
 * A failed write of the app's summary field is recorded under `evidence:<issueId>:summary-stale`
 * until a later change rewrites the field.
 */

export const EVIDENCE_KEYS = {
  log: (issueId: string) => `evidence:${issueId}`,
  summaryStale: (issueId: string) => `evidence:${issueId}:summary-stale`,
} as const;

/** Leaves room under the 240 KiB KVS value limit for the metadata and JSON encoding slack. */
export const LOG_BYTE_LIMIT = 230 * 1024;
/** Each lost race means another change was saved; this many writers at once all get through. */
const MAX_ATTEMPTS = 8;

/** A short random pause after a lost race, so racing writers spread out. */
const backoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 25 * attempt));

export const EvidenceLogSchema = z
  .object({
    version: z.number().int().min(1),
    issueId: z.string().min(1),
    updatedAt: z.string(),
    updatedBy: z.string().min(1),
  })
  .extend(EvidenceContentSchema.shape)
  .strict();
export type EvidenceLog = z.infer<typeof EvidenceLogSchema>;

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

/** The log and the stale-summary marker in one storage request. */
export async function readEvidence(issueId: string): Promise<StoredEvidence> {
  const logKey = EVIDENCE_KEYS.log(issueId);
  const staleKey = EVIDENCE_KEYS.summaryStale(issueId);
  const values = await readMany([logKey, staleKey]);
  const log = parseStored(logKey, EvidenceLogSchema, values.get(logKey));
  return {
    log,
    content: log ? contentOf(log) : EMPTY_CONTENT,
    version: log?.version ?? 0,
    summaryStale: parseStored(staleKey, SummaryStaleSchema, values.get(staleKey)),
  };
}

function contentOf(log: EvidenceLog): EvidenceContent {
  return { nextEntry: log.nextEntry, entries: log.entries, invalidated: log.invalidated };
}

export type EvidenceSaveResult<D, F> =
  | { status: 'saved'; log: EvidenceLog; detail: D; summaryStale: SummaryStale | undefined }
  | { status: 'refused'; refusal: F }
  | { status: 'full'; message: string }
  | { status: 'busy'; message: string };

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
    const next: EvidenceLog = {
      version: current.version + 1,
      issueId: args.issueId,
      updatedAt: args.now.toISOString(),
      updatedBy: args.accountId,
      ...outcome.content,
    };
    const bytes = Buffer.byteLength(JSON.stringify(next), 'utf8');
    if (bytes > LOG_BYTE_LIMIT) {
      return {
        status: 'full',
        message: `The evidence log of this item is full: ${next.entries.length} entries need ${Math.ceil(bytes / 1024)} KiB, and one stored log may hold at most ${LOG_BYTE_LIMIT / 1024} KiB. Shorten or remove older entries and try again.`,
      };
    }
    const revisionKey = KEYS.revision(logKey, next.version);
    if (await createOnce(revisionKey, next)) {
      // Revisions below the current version are deleted, so a writer that was overtaken by two
      // or more saves could win a deleted revision key: check that nobody got ahead meanwhile.
      const latest = parseStored(logKey, EvidenceLogSchema, await readOne(logKey));
      if ((latest?.version ?? 0) < next.version) {
        await writeOne(logKey, next);
        if (next.version > 1) await removeOne(KEYS.revision(logKey, next.version - 1));
        return { status: 'saved', log: next, detail: outcome.detail, summaryStale };
      }
      await removeOne(revisionKey);
      current = storedFrom(latest);
      continue;
    }
    await backoff(attempt);
    current = await repairAndReload(args.issueId, next.version);
  }
  return {
    status: 'busy',
    message: `The evidence log was changed by others ${MAX_ATTEMPTS} times while saving; try again.`,
  };
}

/**
 * Someone else won the revision key: they may still be between their two writes (or have
 * stopped there). Make their revision current if it is not yet, and continue from it.
 */
async function repairAndReload(issueId: string, wonVersion: number): Promise<StoredEvidence> {
  const logKey = EVIDENCE_KEYS.log(issueId);
  const revisionKey = KEYS.revision(logKey, wonVersion);
  const values = await readMany([logKey, revisionKey]);
  const current = parseStored(logKey, EvidenceLogSchema, values.get(logKey));
  const revision = parseStored(revisionKey, EvidenceLogSchema, values.get(revisionKey));
  if (revision && (!current || current.version < revision.version)) {
    await writeOne(logKey, revision);
    return storedFrom(revision);
  }
  return storedFrom(current);
}

function storedFrom(log: EvidenceLog | undefined): StoredEvidence {
  return {
    log,
    content: log ? contentOf(log) : EMPTY_CONTENT,
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
