import { z } from 'zod';
import {
  classifyFailure,
  dropOrRetry,
  endAfterFailure,
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
import { ENFORCEMENT_KEYS } from '../../src/storage/key-families';
import { StoredValueError } from '../../src/storage/kvs-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

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

describe('ending an event whose work failed part-way', () => {
  const ctx = useEmulator();
  const now = new Date('2026-11-20T10:00:00.000Z');
  const handle = { key: ENFORCEMENT_KEYS.event('2026-11-20', 'issue_updated:10001:1') };
  const end = (error: unknown, retryCount: number, giveUp?: (reason: string) => Promise<void>) => {
    const log = jest.fn<void, [string]>();
    const ending = inInvocation(ctx.em, 'trigger', 'sprint-guard: endAfterFailure', () =>
      endAfterFailure({
        error,
        handle,
        now,
        done: ['move:DT-1'],
        plan: { items: ['DT-1'] },
        retryCount,
        log,
        giveUp,
      }),
    );
    return ending.then((answer) => ({ answer, log: log.mock.calls.map(([m]) => m) }));
  };

  it('keeps the steps done and the plan for the retry, and asks for it', async () => {
    const { answer, log } = await end(jira('rate-limited', 20), 1);
    expect(answer).toEqual({
      kind: 'retry-later',
      retryAfter: 20,
      reason: 'upstream-rate-limited',
    });
    expect(log).toEqual(['rate-limited!; retry in 20 s']);
    expect(ctx.em.kvs.peek(handle.key)).toMatchObject({
      state: 'pending',
      done: ['move:DT-1'],
      plan: { items: ['DT-1'] },
    });
  });

  it('asks for the retry even when its progress cannot be recorded, and says so', async () => {
    ctx.em.kvs.failWrites(503, 5);
    const { answer, log } = await end(jira('server-error'), 0);
    expect(answer).toEqual({
      kind: 'retry-later',
      retryAfter: SERVER_ERROR_RETRY_AFTER,
      reason: 'retry-request',
    });
    expect(log[0]).toMatch(/^could not record progress for the retry: .+/);
    expect(log[1]).toBe('server-error!; retry in 60 s');
  });

  it('gives up on the last attempt Forge allows, recording the failed intervention', async () => {
    const giveUp = jest.fn(() => Promise.resolve());
    const { answer, log } = await end(jira('network'), MAX_EVENT_RETRIES, giveUp);
    expect(answer).toEqual({ status: 'ignored', reason: 'retries-exhausted' });
    expect(log).toEqual(['nothing more done (gave up after 4 retries: network): network!']);
    expect(giveUp).toHaveBeenCalledWith('gave up after 4 retries: network');
    expect(ctx.em.kvs.peek(handle.key)).toMatchObject({
      state: 'done',
      done: ['move:DT-1'],
      outcome: 'dropped: gave up after 4 retries: network',
    });
  });

  it('closes an event waiting cannot help without an audit entry, naming why', async () => {
    const giveUp = jest.fn(() => Promise.resolve());
    const { answer, log } = await end(jira('not-found'), 0, giveUp);
    expect(answer).toEqual({ status: 'ignored', reason: 'not-found' });
    expect(log).toEqual(['nothing more done (not-found): not-found!']);
    expect(giveUp).not.toHaveBeenCalled();
    expect(ctx.em.kvs.peek(handle.key)).toMatchObject({
      state: 'done',
      outcome: 'dropped: not-found',
    });
  });

  it('still closes the event when the audit entry of the failure cannot be written', async () => {
    const { answer, log } = await end(jira('server-error'), MAX_EVENT_RETRIES, () =>
      Promise.reject(new Error('audit full')),
    );
    expect(answer).toEqual({ status: 'ignored', reason: 'retries-exhausted' });
    expect(log[1]).toBe('could not record the failed intervention in the audit log: audit full');
    expect(ctx.em.kvs.peek(handle.key)).toMatchObject({ state: 'done' });
  });
});
