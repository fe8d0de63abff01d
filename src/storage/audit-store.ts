import { z } from 'zod';
import { createOnce, parseStored, readMany, removeOne } from './kvs-store';
import { changeRecord, numericField, readVersioned, type ReadVersion } from './versioned-record';
import { AUDIT_KEYS } from './key-families';

/**
 * The audit log of enforcement, per project: every block, move-back, flag and waiver with time,
 * item, rule and actor, and every intervention that could not be finished.
 * More: docs/internals.md#storage-audit-store-ts.
 */

export const AUDIT_MAX = 500;
export const AUDIT_PAGE_MAX = 100;

export const AUDIT_ACTIONS = [
  'moved-back',
  'flagged',
  'blocked',
  'waived',
  'waiver-granted',
  'waiver-revoked',
  /** A closed spike's decision was posted as a comment on an item that waited on it. */
  'decision-shared',
  /**
   * An intervention the app decided on but could not carry out: Forge's retries ran out, or
   * Jira's edit screen let no flag be set (the detail says what the project admin can change).
   */
  'failed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditEntrySchema = z
  .object({
    version: z.literal(1),
    seq: z.number().int().min(0),
    at: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    /** What enforced it: sprint-guard, sprint-start, a validator, or a person through a resolver. */
    source: z.string().min(1).max(100),
    rule: z.string().min(1).max(100),
    issueId: z.string(),
    issueKey: z.string(),
    /** Who did what we reacted to (moved the item, ran the transition, approved the waiver). */
    actor: z.string().nullable(),
    detail: z.string().max(4000),
    /** For waivers: who approved it and why. */
    waiver: z
      .object({ grantedBy: z.string(), reason: z.string(), expiresOn: z.string() })
      .strict()
      .optional(),
    sprintId: z.number().int().optional(),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type NewAuditEntry = Omit<AuditEntry, 'version' | 'seq'>;

export const AuditHeadSchema = z
  .object({
    version: z.literal(1),
    /** The head's save count, for its conditional writes (absent in a head saved before: 0). */
    revision: z.number().int().min(0).optional(),
    next: z.number().int().min(0),
    oldest: z.number().int().min(0),
    dropped: z.number().int().min(0),
  })
  .strict();
export type AuditHead = z.infer<typeof AuditHeadSchema>;

const EMPTY_HEAD: AuditHead = { version: 1, next: 0, oldest: 0, dropped: 0 };

/** The head as a writer read it: its value (absent: none yet) and the version to write after. */
export interface AuditHeadRead {
  head: AuditHead;
  stored: AuditHead | undefined;
  read: ReadVersion;
}

/** Reads the head's version beside its value; pass the result to auditHeadOf. */
export const auditHeadVersion = numericField('revision');

export function auditHeadOf(projectKey: string, raw: unknown, read: ReadVersion): AuditHeadRead {
  const stored = parseStored(AUDIT_KEYS.head(projectKey), AuditHeadSchema, raw);
  return { head: stored ?? EMPTY_HEAD, stored, read };
}

export async function readAuditHead(projectKey: string): Promise<AuditHeadRead> {
  const key = AUDIT_KEYS.head(projectKey);
  const { values, read } = await readVersioned(key, auditHeadVersion);
  return auditHeadOf(projectKey, values.get(key), read);
}

/**
 * Appends entries after `head` (read by the caller, perhaps long ago); returns the head as
 * written. Each entry takes the first free sequence number (created only if new, so no entry
 * overwrites another); then the head moves forward with a conditional write, never back, so
 * concurrent appenders cannot hide each other's entries. Entries past the bound are dropped.
 */
export async function appendAudit(
  projectKey: string,
  basis: AuditHeadRead,
  entries: readonly NewAuditEntry[],
): Promise<AuditHead> {
  let next = basis.head.next;
  for (const entry of entries) {
    for (let tries = 0; ; tries++) {
      const seq = next;
      next += 1;
      const record: AuditEntry = { version: 1, seq, ...entry };
      if (await createOnce(AUDIT_KEYS.entry(projectKey, seq), AuditEntrySchema.parse(record))) {
        break;
      }
      if (tries > 50) throw new Error(`audit log of ${projectKey}: no free sequence number`);
    }
  }
  const moved = await changeRecord<AuditHead, { head: AuditHead; from: number }>(
    {
      key: AUDIT_KEYS.head(projectKey),
      schema: AuditHeadSchema,
      noun: `audit log of ${projectKey}`,
      versionField: 'revision',
      attempts: 10,
    },
    (current, revision) => {
      const now = current ?? EMPTY_HEAD;
      const upTo = Math.max(now.next, next);
      const oldest = Math.max(now.oldest, upTo - AUDIT_MAX);
      if (current && upTo === now.next && oldest === now.oldest) {
        return { keep: { head: now, from: now.oldest } };
      }
      const written: AuditHead = {
        version: 1,
        revision: revision + 1,
        next: upTo,
        oldest,
        dropped: now.dropped + (oldest - now.oldest),
      };
      return { write: written, detail: { head: written, from: now.oldest } };
    },
    { value: basis.stored, read: basis.read },
  );
  // Entries below the head's oldest are never read again; removing them twice is harmless.
  for (let seq = moved.detail.from; seq < moved.detail.head.oldest; seq++) {
    await removeOne(AUDIT_KEYS.entry(projectKey, seq));
  }
  return moved.detail.head;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** Pass back to read the next (older) page; undefined at the oldest entry. */
  nextCursor: string | undefined;
  /** Entries the log holds now. */
  kept: number;
  /** Entries dropped to keep the log within its bound. */
  dropped: number;
}

/** One page, newest first, starting at the cursor (a sequence number) or at the newest entry. */
export async function listAudit(
  projectKey: string,
  cursor: string | undefined,
  limit: number,
): Promise<AuditPage> {
  const { head } = await readAuditHead(projectKey);
  const size = Math.max(1, Math.min(limit, AUDIT_PAGE_MAX));
  const start = cursor === undefined ? head.next - 1 : Math.min(Number(cursor), head.next - 1);
  const keys: string[] = [];
  for (let seq = start; seq >= head.oldest && keys.length < size; seq--) {
    keys.push(AUDIT_KEYS.entry(projectKey, seq));
  }
  const values = await readMany(keys);
  const entries = keys
    .map((k) => parseStored(k, AuditEntrySchema, values.get(k)))
    .filter((e): e is AuditEntry => e !== undefined);
  const last = start - keys.length;
  return {
    entries,
    nextCursor: last >= head.oldest ? String(last) : undefined,
    kept: Math.max(0, head.next - head.oldest),
    dropped: head.dropped,
  };
}
