import { kvs, WhereConditions } from '@forge/kvs';
import type { z } from 'zod';

/**
 * The one place that knows storage keys and talks to @forge/kvs. Values are parsed on read:
 * whatever is stored is checked against its schema before the app uses it.
 */

/**
 * A claim on work in flight (a promotion, a template request) made longer ago than this belongs
 * to an invocation Forge has stopped: no resolver runs past 25 s
 * (https://developer.atlassian.com/platform/forge/limits-invocation/).
 */
export const STOPPED_CLAIM_MS = 60 * 1000;

/** Whether a claim made at `at` has outlived any invocation that could still hold it. */
export function claimOutlived(at: string, now: Date): boolean {
  return now.getTime() - Date.parse(at) > STOPPED_CLAIM_MS;
}

export class StoredValueError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`The stored value at "${key}" is not readable: ${detail}`);
    this.name = 'StoredValueError';
  }
}

export function parseStored<S extends z.ZodType>(
  key: string,
  schema: S,
  raw: unknown,
): z.infer<S> | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new StoredValueError(
      key,
      first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid',
    );
  }
  return parsed.data;
}

/** Several keys in one storage request; missing keys come back undefined. */
export async function readMany(keys: readonly string[]): Promise<Map<string, unknown>> {
  const result = new Map<string, unknown>();
  if (keys.length === 0) return result;
  const { successfulKeys, failedKeys } = await kvs.batchGet<unknown>(keys.map((key) => ({ key })));
  const failures = failedKeys.filter((f) => f.error.code !== 'KEY_NOT_FOUND');
  if (failures.length > 0) {
    const detail = failures.map((f) => `${f.key}: ${f.error.code} ${f.error.message}`).join('; ');
    throw new Error(`Storage could not read ${failures.length} key(s): ${detail}`);
  }
  for (const item of successfulKeys) result.set(item.key, item.value);
  return result;
}

export async function readOne(key: string): Promise<unknown> {
  return kvs.get<unknown>(key);
}

export async function writeOne(key: string, value: unknown): Promise<void> {
  await kvs.set(key, value);
}

/**
 * Writes a value that Forge removes after `seconds` (`ttl` of @forge/kvs's SetOptions): for
 * what is worth keeping only a short while, so that nothing has to clean it up.
 */
export async function writeExpiring(key: string, value: unknown, seconds: number): Promise<void> {
  await kvs.set(key, value, { ttl: { value: Math.max(1, Math.ceil(seconds)), unit: 'SECONDS' } });
}

/** Writes only when the key is new; false when someone else wrote it first. */
export async function createOnce(key: string, value: unknown): Promise<boolean> {
  try {
    await kvs.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS' });
    return true;
  } catch (error) {
    if (isKeyConflict(error)) return false;
    throw error;
  }
}

/** One page of the keys (with values) that begin with `prefix`; pass `nextCursor` back. */
export async function listByPrefix(
  prefix: string,
  cursor: string | undefined,
  limit: number,
): Promise<{ entries: Array<{ key: string; value: unknown }>; nextCursor: string | undefined }> {
  let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(limit);
  if (cursor !== undefined) query = query.cursor(cursor);
  const page = await query.getMany<unknown>();
  return {
    entries: page.results.map((r) => ({ key: r.key, value: r.value })),
    nextCursor: page.nextCursor,
  };
}

export async function removeOne(key: string): Promise<void> {
  await kvs.delete(key);
}

function isKeyConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const details = (error as { responseDetails?: { status?: unknown } }).responseDetails;
  const code = (error as { code?: unknown }).code;
  return details?.status === 409 || code === 'KEY_CONFLICT' || code === 'KEY_ALREADY_EXISTS';
}
