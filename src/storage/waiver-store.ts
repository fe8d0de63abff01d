import { z } from 'zod';
import { isWaiverActive, type Waiver } from '../domain/sprint-readiness';
import { KEYS, createOnce, parseStored, readOne, removeOne, writeOne } from './kvs-store';

/**
 * Waivers per project, one versioned record under `waivers:<projectKey>` holding every unexpired
 * waiver of the project (one per issue). One record, so the guard and the validators read it in
 * the same storage request as the settings. Expired waivers are pruned on every change.
 *
 * Versioning as in config-store.ts: version N+1 is first created under its revision key with
 * FAIL_IF_EXISTS, which one writer wins; the loser re-reads and re-applies its change.
 */

export const MAX_WAIVERS_PER_PROJECT = 200;
const MAX_ATTEMPTS = 5;

export const WAIVER_KEYS = {
  book: (projectKey: string) => `waivers:${projectKey}`,
} as const;

export const WaiverSchema = z
  .object({
    issueId: z.string().regex(/^\d+$/),
    issueKey: z.string(),
    reason: z.string().min(1).max(1000),
    expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    grantedBy: z.string().min(1),
    grantedAt: z.string(),
  })
  .strict();

export const WaiverBookSchema = z
  .object({ version: z.number().int().min(1), waivers: z.array(WaiverSchema) })
  .strict();
export type WaiverBook = z.infer<typeof WaiverBookSchema>;

export function parseWaiverBook(projectKey: string, raw: unknown): WaiverBook | undefined {
  return parseStored(WAIVER_KEYS.book(projectKey), WaiverBookSchema, raw);
}

export async function readWaivers(projectKey: string): Promise<Waiver[]> {
  const key = WAIVER_KEYS.book(projectKey);
  return parseStored(key, WaiverBookSchema, await readOne(key))?.waivers ?? [];
}

export type WaiverChange<T> =
  | { ok: true; waivers: Waiver[]; detail: T }
  | { ok: false; code: 'not-found' | 'full'; message: string };

/** Applies `change` to the project's unexpired waivers and saves the result as a new version. */
export async function changeWaivers<T>(
  projectKey: string,
  now: Date,
  change: (active: Waiver[]) => WaiverChange<T>,
): Promise<WaiverChange<T>> {
  const key = WAIVER_KEYS.book(projectKey);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = parseStored(key, WaiverBookSchema, await readOne(key));
    const active = (current?.waivers ?? []).filter((w) => isWaiverActive(w, now));
    const outcome = change(active);
    if (!outcome.ok) return outcome;
    if (outcome.waivers.length > MAX_WAIVERS_PER_PROJECT) {
      return {
        ok: false,
        code: 'full',
        message: `A project may have at most ${MAX_WAIVERS_PER_PROJECT} active waivers; revoke some first.`,
      };
    }
    const next: WaiverBook = { version: (current?.version ?? 0) + 1, waivers: outcome.waivers };
    if (await createOnce(KEYS.revision(key, next.version), WaiverBookSchema.parse(next))) {
      await writeOne(key, next);
      if (next.version > 1) await removeOne(KEYS.revision(key, next.version - 1));
      return outcome;
    }
    // Someone else saved this version: make sure it is current (its writer may have stopped
    // between its two writes), then re-apply the change to it.
    const revisionKey = KEYS.revision(key, next.version);
    const won = parseStored(revisionKey, WaiverBookSchema, await readOne(revisionKey));
    const latest = parseStored(key, WaiverBookSchema, await readOne(key));
    if (won && (latest?.version ?? 0) < won.version) await writeOne(key, won);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
  }
  throw new Error(`The waivers of ${projectKey} were changed by others too often; try again.`);
}
