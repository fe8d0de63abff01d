import type { ExploreKind } from '../contract/bridge-contract';
import { peekExplore, type ExploreRecord } from '../storage/explore-store';

/** What Explore first answers, and the answers it gives without creating anything. */

export interface ExploreFirstResult {
  /** `created` now, or `existing`: an item Explore first created before. */
  outcome: 'created' | 'existing';
  item: { id: string; key: string; kind: ExploreKind };
  /** Whether the delivery item is linked to it (blocked by it). */
  linked: boolean;
  linkType: { id: string; name: string } | null;
  /** Whether the new item got the delivery item's Entry triage. */
  triageCopied: boolean;
  message: string;
}

export type ExploreAnswer =
  | { ok: true; result: ExploreFirstResult }
  | { ok: false; code: 'conflict' | 'invalid-input'; message: string; details?: unknown };

export interface ExploreWait {
  sleep: (ms: number) => Promise<void>;
  /** How long to wait for a creation another call has under way. */
  maxWaitMs: number;
}

export const DEFAULT_WAIT: ExploreWait = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  maxWaitMs: 8000,
};
export const POLL_MS = 250;

export function conflict(message: string, details?: unknown): ExploreAnswer {
  return { ok: false, code: 'conflict', message, ...(details === undefined ? {} : { details }) };
}

export function existing(record: ExploreRecord): ExploreFirstResult {
  return {
    outcome: 'existing',
    item: { id: record.created.id, key: record.created.key, kind: record.kind },
    linked: record.linked,
    linkType: null,
    triageCopied: false,
    message: `${record.deliveryKey} already waits on ${record.created.key}, created with Explore first on ${record.at.slice(0, 10)}: nothing new was created.`,
  };
}

/** Another call holds the claim: wait for its record (or its failure), a few seconds at most. */
export async function waitForOther(
  delivery: { id: string; key: string },
  generation: number,
  wait: ExploreWait,
): Promise<ExploreAnswer> {
  for (let waited = 0; waited <= wait.maxWaitMs; waited += POLL_MS) {
    const { record, claimed } = await peekExplore(delivery.id, generation);
    if (record && record.generation >= generation) return { ok: true, result: existing(record) };
    if (!claimed) {
      return conflict(
        `Another Explore first for ${delivery.key} did not finish; nothing was created by it. Try again.`,
      );
    }
    await wait.sleep(POLL_MS);
  }
  return conflict(
    `Explore first is already creating a discovery item for ${delivery.key} (another click or person). Refresh the panel in a moment.`,
  );
}
