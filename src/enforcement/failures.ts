import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { isJiraError } from '../jira/errors';
import { finishEvent, suspendEvent, type Step } from '../storage/enforcement-store';
import { StoredValueError } from '../storage/kvs-store';
import { AppFieldMissingError } from '../track/app-fields';
import { ItemShapeError, UnknownSprintFieldError } from './item-facts';

/**
 * How a failure inside an enforcement trigger ends: retried by Forge (InvocationError with a
 * delay of at most 900 s) when waiting can help, dropped with a logged reason when it cannot.
 */

/** Forge accepts retryAfter up to 900 s. */
export const MAX_RETRY_AFTER = 900;
/** Wait before retrying after a Jira 5xx, a network failure or a storage hiccup. */
export const SERVER_ERROR_RETRY_AFTER = 60;

export type FailureVerdict =
  | { kind: 'retry'; retryAfter: number; code: InvocationErrorCode; reason: string }
  | { kind: 'drop'; reason: string };

export function classifyFailure(error: unknown): FailureVerdict {
  if (isJiraError(error)) {
    if (error.kind === 'rate-limited') {
      return {
        kind: 'retry',
        retryAfter: Math.min(MAX_RETRY_AFTER, Math.max(1, error.retryAfterSeconds ?? 1)),
        code: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
        reason: 'rate-limited',
      };
    }
    if (error.kind === 'server-error' || error.kind === 'network') {
      return {
        kind: 'retry',
        retryAfter: SERVER_ERROR_RETRY_AFTER,
        code: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
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
    code: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    reason: 'unexpected',
  };
}

export function invocationErrorOf(
  verdict: Extract<FailureVerdict, { kind: 'retry' }>,
): InvocationError {
  return new InvocationError({ retryAfter: verdict.retryAfter, retryReason: verdict.code });
}

export function isInvocationError(value: unknown): value is InvocationError {
  return typeof value === 'object' && value !== null && '_retry' in value;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Ends an event whose work failed part-way. When waiting can help, the steps done and the plan
 * are recorded so that Forge's retry of the event finishes only what is left, and the retry is
 * requested; otherwise the event is closed with the reason and reported as ignored.
 */
export async function endAfterFailure(args: {
  error: unknown;
  dedupeKey: string;
  now: Date;
  done: readonly Step[];
  plan: unknown;
  log: (message: string) => void;
}): Promise<InvocationError | { status: 'ignored'; reason: string }> {
  const { error, dedupeKey, now, done, plan, log } = args;
  const verdict = classifyFailure(error);
  if (verdict.kind === 'retry') {
    try {
      await suspendEvent(dedupeKey, now, done, plan);
    } catch (storageError) {
      log(`could not record progress for the retry: ${messageOf(storageError)}`);
    }
    log(`${messageOf(error)}; retry in ${verdict.retryAfter} s`);
    return invocationErrorOf(verdict);
  }
  log(`nothing more done: ${messageOf(error)}`);
  try {
    await finishEvent(dedupeKey, now, done, `dropped: ${verdict.reason}`);
  } catch {
    // the claim stays; a repeat of this event is treated as a duplicate or resumed later
  }
  return { status: 'ignored', reason: verdict.reason };
}
