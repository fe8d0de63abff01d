import { z } from 'zod';
import { isWaiverActive, type Waiver } from '../domain/sprint-readiness';
import { parseStored, readOne } from './kvs-store';
import { changeRecord } from './versioned-record';
import { KEYS, WAIVER_KEYS } from './key-families';

/**
 * Waivers per project, one versioned record under `waivers:<projectKey>` holding every unexpired
 * waiver of the project (one per issue). One record, so the guard and the validators read it in
 * the same storage request as the settings. Expired waivers are pruned on every change.
 *
 * A change is saved only against the version it read (versioned-record.ts); a writer that lost
 * the race re-reads and re-applies its change, so a grant and a revoke racing both stay.
 */

export const MAX_WAIVERS_PER_PROJECT = 200;

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

/**
 * Applies `change` to the project's unexpired waivers and saves the result as the next version,
 * conditioned on the version it read (versioned-record.ts); after a lost race `change` runs
 * again on the newest book.
 */
export async function changeWaivers<T>(
  projectKey: string,
  now: Date,
  change: (active: Waiver[]) => WaiverChange<T>,
): Promise<WaiverChange<T>> {
  const key = WAIVER_KEYS.book(projectKey);
  const result = await changeRecord<WaiverBook, WaiverChange<T>>(
    {
      key,
      schema: WaiverBookSchema,
      noun: `waivers of ${projectKey}`,
      // The revision keys of the scheme before (version N+1 claimed under `:rev:N+1`).
      legacyKeys: (version) => [KEYS.revision(key, version), KEYS.revision(key, version + 1)],
    },
    (current, version) => {
      const active = (current?.waivers ?? []).filter((w) => isWaiverActive(w, now));
      const outcome = change(active);
      if (!outcome.ok) return { keep: outcome };
      if (outcome.waivers.length > MAX_WAIVERS_PER_PROJECT) {
        return {
          keep: {
            ok: false,
            code: 'full',
            message: `A project may have at most ${MAX_WAIVERS_PER_PROJECT} active waivers; revoke some first.`,
          },
        };
      }
      return { write: { version: version + 1, waivers: outcome.waivers }, detail: outcome };
    },
  );
  return result.detail;
}
