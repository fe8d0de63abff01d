import { z } from 'zod';
import {
  classifyFailure,
  dropOrRetry,
  isLastAttempt,
  isRetryRequest,
  MAX_EVENT_RETRIES,
  MAX_RETRY_AFTER,
  messageOf,
  retryCountOf,
  SERVER_ERROR_RETRY_AFTER,
} from '../../src/enforcement/failures';
import { AppFieldMissingError } from '../../src/items/app-fields';
import { ItemShapeError } from '../../src/items/item-facts';
import { UnknownSprintFieldError } from '../../src/items/site-fields';
import { JiraError, type JiraFailureKind } from '../../src/jira/errors';
import { StoredValueError } from '../../src/storage/kvs-store';

/**
 * How a failed trigger step ends: Jira's throttling is retried after the wait Jira asked for
 * (within Forge's 1 to 900 s), a failure that may pass after a minute, and one that waiting cannot
 * mend (a deleted issue, a refused request, unusable data) is dropped with its reason.
 */
const jira = (kind: JiraFailureKind, retryAfterSeconds?: number) =>
  new JiraError({
    kind,
    operation: 'PUT /rest/api/3/issue/DT-1',
    message: `${kind}!`,
    retryAfterSeconds,
  });

describe('classifying a failure', () => {
  it.each([
    [undefined, 1],
    [0, 1],
    [30, 30],
    [5_000, MAX_RETRY_AFTER],
  ])('retries a rate limit (Retry-After %p) after %p s', (wait, after) => {
    expect(classifyFailure(jira('rate-limited', wait))).toEqual({
      kind: 'retry',
      retryAfter: after,
      code: 'upstream-rate-limited',
      reason: 'rate-limited',
    });
  });

  it.each(['server-error', 'network'] as const)('retries %s after a minute', (kind) => {
    expect(classifyFailure(jira(kind))).toEqual({
      kind: 'retry',
      retryAfter: SERVER_ERROR_RETRY_AFTER,
      code: 'retry-request',
      reason: kind,
    });
  });

  it.each(['not-found', 'forbidden', 'bad-request'] as const)('drops %s', (kind) => {
    expect(classifyFailure(jira(kind))).toEqual({ kind: 'drop', reason: kind });
  });

  it.each([
    [new StoredValueError('k', 'bad'), 'StoredValueError'],
    [new AppFieldMissingError('track'), 'AppFieldMissingError'],
    [new UnknownSprintFieldError(), 'UnknownSprintFieldError'],
    [new ItemShapeError('DT-1', 'a status'), 'ItemShapeError'],
    [z.string().safeParse(1).error, 'ZodError'],
  ])('drops unusable data (%s)', (error, name) => {
    expect(classifyFailure(error)).toEqual({ kind: 'drop', reason: name });
  });

  it('retries anything unforeseen', () => {
    expect(classifyFailure(new Error('storage timed out'))).toEqual({
      kind: 'retry',
      retryAfter: SERVER_ERROR_RETRY_AFTER,
      code: 'retry-request',
      reason: 'unexpected',
    });
  });
});

describe("Forge's retries", () => {
  it('counts the retries from the event, none on the first delivery', () => {
    expect(retryCountOf({ retryContext: { retryCount: 2 } })).toBe(2);
    expect(retryCountOf({ issue: {} })).toBe(0);
    expect(retryCountOf({ retryContext: { retryCount: -1 } })).toBe(0);
    expect(retryCountOf(null)).toBe(0);
  });

  it('knows the last attempt Forge allows', () => {
    expect(isLastAttempt(MAX_EVENT_RETRIES - 1)).toBe(false);
    expect(isLastAttempt(MAX_EVENT_RETRIES)).toBe(true);
  });

  it('answers a retry request or an ignored event, logging the failure first', () => {
    const log = jest.fn();
    expect(dropOrRetry(jira('rate-limited', 12), log)).toEqual({
      kind: 'retry-later',
      retryAfter: 12,
      reason: 'upstream-rate-limited',
    });
    expect(dropOrRetry(jira('not-found'), log)).toEqual({ status: 'ignored', reason: 'not-found' });
    expect(log.mock.calls).toEqual([['rate-limited!'], ['not-found!']]);
  });

  it('tells a retry request from any other answer', () => {
    expect(isRetryRequest({ kind: 'retry-later', retryAfter: 1 })).toBe(true);
    expect(isRetryRequest({ kind: 'done' })).toBe(false);
    expect(isRetryRequest(null)).toBe(false);
    expect(isRetryRequest('retry-later')).toBe(false);
  });

  it('words a thrown value for the log', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf('plain')).toBe('plain');
  });
});
