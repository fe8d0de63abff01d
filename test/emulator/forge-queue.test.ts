import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { QUEUE_LIMITS } from '../../dev/emulator/forge-queue';
import { sleep } from '../../src/runtime/wait';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * The emulated Forge queue (dev/emulator/forge-queue.ts, docs/emulator-queue.md): pushes through
 * the real @forge/events SDK, checked against the async events limits; deliveries under the
 * consumer's timeoutSeconds from manifest.yml (the `long-work` function: 120 s); retries as the
 * async events page documents them. The consumer here is a stand-in for the app's export, so that
 * each rule can be shown on its own.
 */
const ctx = useEmulator();

type Received = { body: Record<string, unknown>; retryContext?: Record<string, unknown> };

function consumer(answer: (event: Received, n: number) => unknown): Received[] {
  const seen: Received[] = [];
  ctx.em.queue.useEntryPoints({
    longWork: (event: Received) => {
      seen.push(event);
      return Promise.resolve(answer(event, seen.length));
    },
  });
  return seen;
}

const push = (body: Record<string, unknown>, delayInSeconds?: number) =>
  inInvocation(ctx.em, 'resolver', 'test push', () =>
    new Queue({ key: 'long-work' }).push({
      body,
      ...(delayInSeconds === undefined ? {} : { delayInSeconds }),
    }),
  );

describe('the emulated Forge queue', () => {
  it('delivers a pushed event once as an AsyncEvent, under the consumer function’s 120 s', async () => {
    const seen = consumer(() => undefined);
    const { jobId } = await push({ hello: 'world' });
    await ctx.em.queue.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ body: { hello: 'world' }, jobId, queueName: 'long-work' });
    expect(seen[0]?.retryContext).toBeUndefined();
    expect(ctx.em.queue.deliveries).toMatchObject([{ outcome: 'ok', limitMs: 120_000 }]);
  });

  it('refuses one event over 100 KB for a consumer that runs longer than 55 s', async () => {
    consumer(() => undefined);
    await expect(push({ blob: 'x'.repeat(QUEUE_LIMITS.longRunningEventBytes) })).rejects.toThrow(
      /over 100 KB/,
    );
    expect(ctx.em.queue.pending).toHaveLength(0);
  });

  it('holds a delayed event until its delay has passed on the site clock', async () => {
    consumer(() => undefined);
    await push({ later: true }, 600);
    await ctx.em.queue.drain();
    // Waited the delay less the push's own 10 ms of storage latency, which already passed.
    expect(ctx.em.queue.waitedMs).toBe(600_000 - 10);
  });

  it('a retry request: delivered again after retryAfter (over 900 lowered to 900), with its retry context', async () => {
    const seen = consumer((_event, n) =>
      n === 1
        ? new InvocationError({
            retryAfter: 5000,
            retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
            retryData: { page: 3 },
          })
        : undefined,
    );
    await push({ step: 1 });
    await ctx.em.queue.drain();
    expect(ctx.em.queue.deliveries.map((d) => d.outcome)).toEqual(['retry-requested', 'ok']);
    expect(ctx.em.queue.deliveries[0]?.retryAfter).toBe(900);
    expect(seen[1]?.retryContext).toMatchObject({
      retryCount: 1,
      retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
      retryData: { page: 3 },
    });
  });

  it('app-level errors (a throw, a timeout) are retried with backoff; a timeout is no violation', async () => {
    // The first delivery throws; the second waits 200 s of virtual time: stopped at 120 s.
    const seen = consumer(async (_event, n) => {
      if (n === 1) throw new Error('boom');
      if (n === 2) await sleep(200_000);
      return undefined;
    });
    await push({ step: 1 });
    await ctx.em.queue.drain();
    const outcomes = ctx.em.queue.deliveries.map((d) => [d.outcome, d.retryAfter]);
    expect(outcomes).toEqual([
      ['failed', 30],
      ['timed-out', 60],
      ['ok', undefined],
    ]);
    expect(seen[2]?.retryContext).toMatchObject({
      retryCount: 2,
      retryReason: 'FUNCTION_TIME_OUT',
    });
    expect(ctx.em.violations).toEqual([]);
  });

  it('drops an event whose retries would run past the 24-hour retention window', async () => {
    consumer(
      () =>
        new InvocationError({
          retryAfter: 900,
          retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
        }),
    );
    await push({ forever: true });
    await ctx.em.queue.drain();
    const deliveries = ctx.em.queue.deliveries;
    expect(deliveries.at(-1)?.outcome).toBe('dropped');
    expect(deliveries).toHaveLength(96); // 24 h / 900 s: the 97th would come after the window
    expect(ctx.em.queue.pending).toHaveLength(0);
  });

  it('a push to a queue no consumer module takes is a contract violation', async () => {
    consumer(() => undefined);
    await expect(
      inInvocation(ctx.em, 'resolver', 'test push', () =>
        new Queue({ key: 'no-such-queue' }).push({ body: {} }),
      ),
    ).rejects.toThrow();
    expect(ctx.em.violations.splice(0)).toEqual([
      'queue no-such-queue: no consumer module in manifest.yml',
    ]);
  });
});
