/**
 * Waiting: real timers on Forge. The Jira emulator (dev/emulator/invocation.ts) swaps in its
 * virtual clock while it is installed, so that retry waits and decision deadlines run on the same
 * clock as the emulated Jira's latency and tests stay fast and deterministic.
 */

export interface Waiter {
  /** Resolves after `ms`, or never once `signal` aborts (the timer is then cleared). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const REAL_WAITER: Waiter = {
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return;
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
};

let current: Waiter = REAL_WAITER;

/** Sleeps on the current clock (real unless an emulator replaced it). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return current.sleep(ms, signal);
}

/** For the emulator only: replaces the clock; `undefined` restores real timers. */
export function replaceWaiter(next: Waiter | undefined): void {
  current = next ?? REAL_WAITER;
}

/** Thrown by `withDeadline` when the work did not finish in time. */
export class DeadlineExceededError extends Error {
  constructor(
    readonly ms: number,
    /** What was still waiting for an answer when time ran out, e.g. "GET /rest/api/3/issue/DT-1". */
    readonly pending: readonly string[],
  ) {
    super(`not finished within ${ms / 1000} s${pending.length ? ` (${pending.join(', ')})` : ''}`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Runs `work` and rejects with DeadlineExceededError if it has not settled after `ms`. The work
 * is not cancelled (nothing can cancel a pending fetch on Forge); its late answer is ignored.
 */
export async function withDeadline<T>(
  ms: number,
  work: () => Promise<T>,
  pending: () => readonly string[] = () => [],
): Promise<T> {
  const stop = new AbortController();
  const timeout = sleep(ms, stop.signal).then(() => {
    throw new DeadlineExceededError(ms, pending());
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    stop.abort();
  }
}
