import { JiraError } from '../../src/jira/errors';
import { jiraAsApp, jiraAsUser, type RetryPolicy } from '../../src/jira/jira-gateway';
import { seedSite, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

const ctx = useEmulator();
/** A gateway call as the app makes it: inside an invocation (a resolver's), as `as` if given. */
const invoked = <T>(fn: () => Promise<T>, as?: string): Promise<T> =>
  inInvocation(ctx.em, 'resolver', 'jira gateway test', fn, as === undefined ? {} : { as });
const waits: number[] = [];
const fastRetry: RetryPolicy = {
  maxRetries: 2,
  maxWaitSeconds: 5,
  sleep: (ms) => {
    waits.push(ms);
    return Promise.resolve();
  },
};

beforeEach(() => {
  waits.length = 0;
  seedSite(ctx.em);
});

async function failure(promise: Promise<unknown>): Promise<JiraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JiraError) return error;
    throw error;
  }
  throw new Error('expected a JiraError');
}

describe('Jira gateway', () => {
  it('reads an issue as the user, with only the requested fields', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Hello' });
    const read = await invoked(() => jiraAsUser().getIssue(issue.key, ['summary']), 'user-member');
    expect(read.key).toBe(issue.key);
    expect(read.fields).toEqual({ summary: 'Hello' });
    expect(ctx.em.jiraCalls()[0]).toMatchObject({ provider: 'user', accountId: 'user-member' });
  });

  it('a user without Browse permission gets not-found, as Jira answers', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Secret' });
    const error = await failure(
      invoked(() => jiraAsUser().getIssue(issue.key, ['summary']), 'user-outsider'),
    );
    expect(error.kind).toBe('not-found');
    expect(error.status).toBe(404);
    expect(error.message).toContain('does not exist or you do not have permission');
  });

  it('the same read as the app succeeds: asApp is a different identity', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Secret' });
    await expect(
      invoked(() => jiraAsApp().getIssue(issue.key, ['summary'])),
    ).resolves.toMatchObject({
      key: issue.key,
    });
  });

  it('an unknown account is unauthorized', async () => {
    const error = await failure(
      invoked(() => jiraAsUser().getIssue('DT-1', ['summary']), 'nobody'),
    );
    expect(error.kind).toBe('unauthorized');
  });

  it('refuses a malformed issue key before calling Jira', async () => {
    await expect(
      invoked(() => jiraAsApp().getIssue('DT-1/../../admin', ['summary'])),
    ).rejects.toThrow(/issue key/);
    expect(ctx.em.jiraCalls()).toHaveLength(0);
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Busy' });
    ctx.em.injectFault({ match: /^GET /, status: 429, retryAfter: 2, times: 2 });
    await expect(
      invoked(() => jiraAsApp(fastRetry).getIssue(issue.key, ['summary'])),
    ).resolves.toMatchObject({
      key: issue.key,
    });
    expect(waits).toEqual([2000, 2000]);
    expect(ctx.em.jiraCalls().map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('gives up after the bounded number of retries with a typed error', async () => {
    ctx.em.injectFault({ match: /^GET /, status: 429, retryAfter: 1, times: 5 });
    const error = await failure(invoked(() => jiraAsApp(fastRetry).getIssue('DT-1', ['summary'])));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(1);
    expect(ctx.em.jiraCalls()).toHaveLength(3);
  });

  it('does not wait longer than the policy allows; hands the delay to the caller', async () => {
    ctx.em.injectFault({ match: /^GET /, status: 429, retryAfter: 120 });
    const error = await failure(invoked(() => jiraAsApp(fastRetry).getIssue('DT-1', ['summary'])));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(120);
    expect(waits).toEqual([]);
  });

  it('on the quota 429 it hands back the wait and the reason Jira names, without waiting', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Busy' });
    ctx.em.useRateLimits({ startAt: '2026-11-02T10:30:00.000Z' }).exhaustOn('getIssue');
    const error = await failure(
      invoked(() => jiraAsApp(fastRetry).getIssue(issue.key, ['summary'])),
    );
    expect(error).toMatchObject({
      kind: 'rate-limited',
      retryAfterSeconds: 1800,
      rateLimitReason: 'jira-quota-global-based',
    });
    expect(waits).toEqual([]);
  });

  it('a 429 without Retry-After: the wait is read from X-RateLimit-Reset', async () => {
    const reset = new Date(Date.now() + 90_000).toISOString().slice(0, 16) + 'Z';
    ctx.em.injectFault({
      match: /^GET /,
      status: 429,
      headers: { 'X-RateLimit-Reset': reset, 'RateLimit-Reason': 'jira-quota-tenant-based' },
    });
    const error = await failure(invoked(() => jiraAsApp(fastRetry).getIssue('DT-1', ['summary'])));
    expect(error.rateLimitReason).toBe('jira-quota-tenant-based');
    expect(error.retryAfterSeconds).toBeGreaterThan(30);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(90);
  });

  it('a quota 429 with no wait in its headers: the wait is until the top of the UTC hour', async () => {
    ctx.em.injectFault({
      match: /^GET /,
      status: 429,
      headers: { 'RateLimit-Reason': 'jira-quota-global-based' },
    });
    const untilHour = () => Math.ceil((3_600_000 - (Date.now() % 3_600_000)) / 1000);
    const before = untilHour();
    const error = await failure(invoked(() => jiraAsApp(fastRetry).getIssue('DT-1', ['summary'])));
    const after = untilHour();
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(Math.min(before, after) - 1);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(Math.max(before, after));
  });

  it("waits out the per-second limit's short Retry-After and gets the answer", async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Busy' });
    ctx.em.useRateLimits({ burstOverrides: { getIssue: 1 } });
    const read = () => invoked(() => jiraAsApp().getIssue(issue.key, ['summary']));
    await read();
    await expect(read()).resolves.toMatchObject({ key: issue.key });
    expect(ctx.em.jiraCalls().map((c) => c.status)).toEqual([200, 429, 200]);
  });

  it.each([
    [403, 'forbidden'],
    [500, 'server-error'],
    [503, 'server-error'],
    [400, 'bad-request'],
  ] as const)('maps HTTP %i to %s with Jira’s message', async (status, kind) => {
    ctx.em.injectFault({ match: /^GET /, status, body: { errorMessages: ['Something specific'] } });
    const error = await failure(invoked(() => jiraAsApp(fastRetry).getIssue('DT-1', ['summary'])));
    expect(error.kind).toBe(kind);
    expect(error.message).toContain('Something specific');
    expect(error.operation).toBe('GET /rest/api/3/issue/DT-1');
  });

  it('turns an answer of the wrong shape into a bad-response error', async () => {
    ctx.em.injectFault({ match: /^GET /, status: 200, body: { id: 1, key: 'DT-1' } });
    const error = await failure(invoked(() => jiraAsApp(fastRetry).getIssue('DT-1', ['summary'])));
    expect(error.kind).toBe('bad-response');
    expect(error.message).toContain('unexpected shape');
  });

  it('lists fields with their schemas', async () => {
    const fields = await invoked(() => jiraAsApp().listFields());
    expect(fields.find((f) => f.name === 'Scoped outcome')?.schema?.custom).toMatch(
      /\/static\/scoped-outcome$/,
    );
  });
});
