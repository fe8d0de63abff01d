import { InvocationError, InvocationErrorCode } from '@forge/events';
import { isRetryRequest, type RetryRequest } from '../enforcement/failures';

/**
 * Forge's side of a retry: a trigger returns an InvocationError to have the event delivered again
 * after `retryAfter` seconds (at most 900), and nothing otherwise.
 */

const CODES = {
  'upstream-rate-limited': InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
  'retry-request': InvocationErrorCode.FUNCTION_RETRY_REQUEST,
} as const;

export function invocationErrorOf(request: RetryRequest): InvocationError {
  return new InvocationError({
    retryAfter: request.retryAfter,
    retryReason: CODES[request.reason],
  });
}

/** What a trigger returns to Forge for a handler's result. */
export function forgeAnswerOf(result: unknown): InvocationError | undefined {
  return isRetryRequest(result) ? invocationErrorOf(result) : undefined;
}

/** An InvocationError, told apart by its shape (a test may load @forge/events twice). */
export function isInvocationError(value: unknown): value is InvocationError {
  return typeof value === 'object' && value !== null && '_retry' in value;
}
