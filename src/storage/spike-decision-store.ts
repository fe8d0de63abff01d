import { z } from 'zod';
import { createOnce, parseStored, readOne, removeOne, writeOne } from './kvs-store';
import { SPIKE_DECISION_KEYS } from './key-families';

/**
 * One record per (closed spike, waiting item) pair: whether the item was told the spike's
 * decision. Created with FAIL_IF_EXISTS before the comment is posted, so two deliveries of the
 * same event, or a later re-run, never post a second comment; moved on to `commented` and
 * `done` (audited) as the steps finish, so a retry does only what is left.
 */

export const TellingSchema = z
  .object({ state: z.enum(['claimed', 'commented', 'done']), at: z.string() })
  .strict();
export type Telling = z.infer<typeof TellingSchema>;

/** A claim older than this whose holder never moved it on is taken over (the handler died). */
export const TELLING_STALE_MS = 10 * 60 * 1000;

/**
 * `comment`: post the comment (then audit); `audit`: the comment is posted, only the audit is
 * left; `skip`: done already, or another delivery is telling it right now.
 */
export type TellingStep = 'comment' | 'audit' | 'skip';

export async function claimTelling(
  spikeId: string,
  itemId: string,
  now: Date,
): Promise<TellingStep> {
  const key = SPIKE_DECISION_KEYS.told(spikeId, itemId);
  const fresh: Telling = { state: 'claimed', at: now.toISOString() };
  if (await createOnce(key, fresh)) return 'comment';
  const existing = parseStored(key, TellingSchema, await readOne(key));
  if (!existing) return (await createOnce(key, fresh)) ? 'comment' : 'skip';
  if (existing.state === 'commented') return 'audit';
  if (existing.state === 'claimed' && now.getTime() - Date.parse(existing.at) > TELLING_STALE_MS) {
    await writeOne(key, fresh);
    return 'comment';
  }
  return 'skip';
}

export async function moveTelling(
  spikeId: string,
  itemId: string,
  state: 'commented' | 'done',
  now: Date,
): Promise<void> {
  await writeOne(SPIKE_DECISION_KEYS.told(spikeId, itemId), { state, at: now.toISOString() });
}

/** The comment could not be posted: release the claim so that a retry posts it. */
export async function releaseTelling(spikeId: string, itemId: string): Promise<void> {
  await removeOne(SPIKE_DECISION_KEYS.told(spikeId, itemId));
}
