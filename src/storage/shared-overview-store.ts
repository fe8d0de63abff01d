import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PAGE_CACHE_KEYS } from './key-families';
import { parseStored, readMany, StoredValueError, writeExpiring, writeOne } from './kvs-store';

/**
 * Shared project overviews in storage. A project's head lists its fills: one page load each,
 * for one audience (viewers who may see the same items) and one state of the app's storage,
 * until it expires. A fill is the page as JSON text cut into parts below the 240 KiB a value may
 * hold (https://developer.atlassian.com/platform/forge/limits-kvs-ce/), each written with a time
 * to live, so that superseded ones vanish without a sweep. More: docs/architecture.md.
 */

/** Bytes of one part as stored (JSON text), kept well below the 240 KiB value limit. */
export const PART_MAX_BYTES = 200 * 1024;
/** Parts of one fill at most: one batch read of 20 keys (about 4 MB of page). */
export const MAX_PARTS = 20;
/** Audiences kept per project; the oldest are dropped first. */
export const MAX_FILLS = 8;

const HEX16 = /^[a-f0-9]{16}$/;

const FillSchema = z
  .object({
    /** Fingerprint of what the viewers of this fill may see (shared-overview.ts). */
    audience: z.string().regex(HEX16),
    /** Fingerprint of the settings, waivers, mapping and last app write it was made with. */
    stamp: z.string().regex(HEX16),
    writeId: z.string().regex(/^[a-f0-9]{12}$/),
    parts: z.number().int().min(1).max(MAX_PARTS),
    filledAt: z.string(),
    expiresAt: z.string(),
  })
  .strict();
export type Fill = z.infer<typeof FillSchema>;

const HeadSchema = z
  .object({ version: z.literal(1), fills: z.array(FillSchema).max(MAX_FILLS) })
  .strict();
export type SharedHead = z.infer<typeof HeadSchema>;

/** A project's head from its stored value; absent or unreadable: no fills. */
export function sharedHeadOf(projectKey: string, raw: unknown): SharedHead {
  try {
    return parseStored(PAGE_CACHE_KEYS.head(projectKey), HeadSchema, raw) ?? EMPTY_HEAD;
  } catch (error) {
    if (error instanceof StoredValueError) return EMPTY_HEAD;
    throw error;
  }
}

const EMPTY_HEAD: SharedHead = { version: 1, fills: [] };

/** The fill's page text, or undefined when a part is gone (expired, or overwritten). */
export async function readFillText(projectKey: string, fill: Fill): Promise<string | undefined> {
  const keys = Array.from({ length: fill.parts }, (_, i) =>
    PAGE_CACHE_KEYS.part(projectKey, fill.writeId, i),
  );
  const values = await readMany(keys);
  const parts = keys.map((k) => values.get(k));
  if (parts.some((p) => typeof p !== 'string')) return undefined;
  return parts.join('');
}

/** `text` cut into parts whose stored JSON stays within PART_MAX_BYTES (pairs kept whole). */
export function cutIntoParts(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let size = Math.min(text.length - start, PART_MAX_BYTES);
    let part = text.slice(start, start + size);
    while (Buffer.byteLength(JSON.stringify(part)) > PART_MAX_BYTES) {
      size = Math.floor(size * 0.75);
      part = text.slice(start, start + size);
    }
    const last = part.charCodeAt(part.length - 1);
    if (part.length > 1 && last >= 0xd800 && last <= 0xdbff) part = part.slice(0, -1);
    parts.push(part);
    start += part.length;
  }
  return parts;
}

/**
 * Stores one fill: its parts first, then the head naming it (in place of an earlier fill for
 * the same audience, with the expired ones left out). False when the page is too large to share.
 * Two viewers filling at once: the head written last wins, and the other's parts expire unused.
 */
export async function storeFill(
  projectKey: string,
  head: SharedHead,
  fill: Omit<Fill, 'writeId' | 'parts'>,
  text: string,
  now: Date,
): Promise<boolean> {
  const parts = cutIntoParts(text);
  if (parts.length === 0 || parts.length > MAX_PARTS) return false;
  const writeId = randomBytes(6).toString('hex');
  const lifetime = (Date.parse(fill.expiresAt) - now.getTime()) / 1000;
  // A part outlives its fill a little, so that a reader who found the head still finds it.
  await Promise.all(
    parts.map((part, i) =>
      writeExpiring(PAGE_CACHE_KEYS.part(projectKey, writeId, i), part, lifetime + 30),
    ),
  );
  const kept = head.fills.filter(
    (f) => f.audience !== fill.audience && Date.parse(f.expiresAt) > now.getTime(),
  );
  const fills = [{ ...fill, writeId, parts: parts.length }, ...kept].slice(0, MAX_FILLS);
  const longest = Math.max(...fills.map((f) => Date.parse(f.expiresAt) - now.getTime()));
  await writeExpiring(
    PAGE_CACHE_KEYS.head(projectKey),
    HeadSchema.parse({ version: 1, fills }),
    longest / 1000 + 30,
  );
  return true;
}

/**
 * Records that the app just wrote to the project: every fill made before no longer matches
 * (its stamp includes this record), so the next viewer loads the page from Jira.
 */
export async function markProjectWritten(projectKey: string, now: Date): Promise<void> {
  await writeOne(PAGE_CACHE_KEYS.written(projectKey), {
    at: now.toISOString(),
    writeId: randomBytes(6).toString('hex'),
  });
}

/**
 * The same for writes the app made outside a resolver (the sprint guard and the sprint-start
 * check moving or flagging items): the write is done, so a failure here only lets a page shared
 * before it last its few seconds more; it is returned for the caller to log, not thrown.
 */
export async function markProjectsWritten(
  projectKeys: Iterable<string>,
  now: Date,
): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const key of new Set(projectKeys)) {
    await markProjectWritten(key, now).catch((error: unknown) => errors.push(error));
  }
  return errors;
}
