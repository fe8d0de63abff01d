import { z } from 'zod';
import { isJiraError } from '../jira/errors';
import {
  finishEvent,
  suspendEvent,
  type ClaimHandle,
  type Step,
} from '../storage/enforcement-store';
import { StoredValueError } from '../storage/kvs-store';
import { AppFieldMissingError } from '../items/app-fields';
import { ItemShapeError } from '../items/item-facts';
import { UnknownSprintFieldError } from '../items/site-fields';

/**
 * How a failure inside an enforcement trigger ends: a retry request (the trigger turns it into
 * Forge's InvocationError, a delay of at most 900 s) when waiting can help, dropped with a
 * logged reason when it cannot.
 */

/** Why Forge should retry: Jira throttled us, or a failure that may pass. */
export type RetryReason = 'upstream-rate-limited' | 'retry-request';

/** Ask Forge to deliver the event again after `retryAfter` seconds. */
export interface RetryRequest {
  kind: 'retry-later';
  retryAfter: number;
  reason: RetryReason;
}

/** Forge accepts retryAfter up to 900 s. */
export const MAX_RETRY_AFTER = 900;
/** Wait before retrying after a Jira 5xx, a network failure or a storage hiccup. */
export const SERVER_ERROR_RETRY_AFTER = 60;

export type FailureVerdict =
  | { kind: 'retry'; retryAfter: number; code: RetryReason; reason: string }
  | { kind: 'drop'; reason: string };

export function classifyFailure(error: unknown): FailureVerdict {
  if (isJiraError(error)) {
    if (error.kind === 'rate-limited') {
      return {
        kind: 'retry',
        retryAfter: Math.min(MAX_RETRY_AFTER, Math.max(1, error.retryAfterSeconds ?? 1)),
        code: 'upstream-rate-limited',
        reason: 'rate-limited',
      };
    }
    if (error.kind === 'server-error' || error.kind === 'network') {
      return {
        kind: 'retry',
        retryAfter: SERVER_ERROR_RETRY_AFTER,
        code: 'retry-request',
        reason: error.kind,
      };
    }
    // Deleted issue or sprint, missing permission, a refused request: waiting cannot help.
    return { kind: 'drop', reason: error.kind };
  }
  if (
    error instanceof StoredValueError ||
    error instanceof AppFieldMissingError ||
    error instanceof UnknownSprintFieldError ||
    error instanceof ItemShapeError ||
    error instanceof z.ZodError
  ) {
    return { kind: 'drop', reason: error.name };
  }
  // Storage unavailable or anything unforeseen: worth another try.
  return {
    kind: 'retry',
    retryAfter: SERVER_ERROR_RETRY_AFTER,
    code: 'retry-request',
    reason: 'unexpected',
  };
}

/**
 * Forge retries an Atlassian app event that returns an InvocationError at most this many times;
 * the delivery whose `retryContext.retryCount` has reached it is the last one, and an
 * InvocationError it returns is not retried.
 */
export const MAX_EVENT_RETRIES = 4;

const RetryContextSchema = z
  .object({
    retryContext: z
      .object({ retryCount: z.number().int().min(0) })
      .passthrough()
      .optional(),
  })
  .passthrough();

/**
 * How many times Forge has retried this event already: `event.retryContext.retryCount` (absent
 * on the first delivery, so 0).
 */
export function retryCountOf(event: unknown): number {
  const parsed = RetryContextSchema.safeParse(event);
  return parsed.success ? (parsed.data.retryContext?.retryCount ?? 0) : 0;
}

export function isLastAttempt(retryCount: number): boolean {
  return retryCount >= MAX_EVENT_RETRIES;
}

export function retryRequestOf(verdict: Extract<FailureVerdict, { kind: 'retry' }>): RetryRequest {
  return { kind: 'retry-later', retryAfter: verdict.retryAfter, reason: verdict.code };
}

/**
 * What an event handler answers when a step failed: a retry request when Jira or storage may
 * answer later, else the event ignored with the reason. The failure is logged first.
 */
export function dropOrRetry(
  error: unknown,
  log: (message: string) => void,
): { status: 'ignored'; reason: string } | RetryRequest {
  const verdict = classifyFailure(error);
  log(messageOf(error));
  return verdict.kind === 'retry'
    ? retryRequestOf(verdict)
    : { status: 'ignored', reason: verdict.reason };
}

export function isRetryRequest(value: unknown): value is RetryRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'retry-later'
  );
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Ends an event whose work failed part-way. When waiting can help and Forge will still retry,
 * the steps done and the plan are recorded so that the retry finishes only what is left, and the
 * retry is requested. On the last attempt Forge allows (or when waiting cannot help) the event
 * is closed with the reason instead of being left pending forever: `giveUp` records the failed
 * intervention in the audit log, and the result is reported as ignored.
 */
export async function endAfterFailure(args: {
  error: unknown;
  handle: ClaimHandle;
  now: Date;
  done: readonly Step[];
  plan: unknown;
  retryCount: number;
  log: (message: string) => void;
  /** Writes the audit entries of an intervention that will not be finished. */
  giveUp?: (reason: string) => Promise<void>;
}): Promise<RetryRequest | { status: 'ignored'; reason: string }> {
  const { error, handle, now, done, plan, log } = args;
  const verdict = classifyFailure(error);
  if (verdict.kind === 'retry' && !isLastAttempt(args.retryCount)) {
    try {
      await suspendEvent(handle, now, done, plan);
    } catch (storageError) {
      log(`could not record progress for the retry: ${messageOf(storageError)}`);
    }
    log(`${messageOf(error)}; retry in ${verdict.retryAfter} s`);
    return retryRequestOf(verdict);
  }
  const reason =
    verdict.kind === 'retry'
      ? `gave up after ${args.retryCount} retries: ${verdict.reason}`
      : verdict.reason;
  log(`nothing more done (${reason}): ${messageOf(error)}`);
  if (verdict.kind === 'retry' && args.giveUp) {
    try {
      await args.giveUp(reason);
    } catch (auditError) {
      log(`could not record the failed intervention in the audit log: ${messageOf(auditError)}`);
    }
  }
  try {
    await finishEvent(handle, now, done, `dropped: ${reason}`);
  } catch {
    // the claim stays; a repeat of this event is treated as a duplicate or resumed later
  }
  return { status: 'ignored', reason: verdict.kind === 'retry' ? 'retries-exhausted' : reason };
}
