import { z } from 'zod';
import { createOnce, parseStored, readMany, removeOne, writeOne } from './kvs-store';
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
    next: z.number().int().min(0),
    oldest: z.number().int().min(0),
    dropped: z.number().int().min(0),
  })
  .strict();
export type AuditHead = z.infer<typeof AuditHeadSchema>;

const EMPTY_HEAD: AuditHead = { version: 1, next: 0, oldest: 0, dropped: 0 };

export function parseAuditHead(projectKey: string, raw: unknown): AuditHead {
  return parseStored(AUDIT_KEYS.head(projectKey), AuditHeadSchema, raw) ?? EMPTY_HEAD;
}

export async function readAuditHead(projectKey: string): Promise<AuditHead> {
  const key = AUDIT_KEYS.head(projectKey);
  return parseAuditHead(projectKey, (await readMany([key])).get(key));
}

/** Appends entries after `head` (read by the caller); returns the head as written. */
export async function appendAudit(
  projectKey: string,
  head: AuditHead,
  entries: readonly NewAuditEntry[],
): Promise<AuditHead> {
  let { next, oldest, dropped } = head;
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
    while (next - oldest > AUDIT_MAX) {
      await removeOne(AUDIT_KEYS.entry(projectKey, oldest));
      oldest += 1;
      dropped += 1;
    }
  }
  const written: AuditHead = { version: 1, next, oldest, dropped };
  await writeOne(AUDIT_KEYS.head(projectKey), written);
  return written;
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
  const head = await readAuditHead(projectKey);
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
