import { SPIKE_DECISION_KEYS } from '../../src/storage/key-families';
import {
  claimTelling,
  moveTelling,
  releaseTelling,
  TELLING_STALE_MS,
} from '../../src/storage/spike-decision-store';
import { kvsRequest, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * The record of telling one waiting item a spike's decision, step by step: who posts the comment,
 * who only audits, who does nothing; a claim whose holder died is taken over, one that vanished is
 * claimed afresh.
 */
const ctx = useEmulator();
const at = new Date('2026-11-20T10:00:00.000Z');
const key = SPIKE_DECISION_KEYS.told('100', '200');
const later = (ms: number) => new Date(at.getTime() + ms);
const inTrigger = <T>(fn: () => Promise<T>) =>
  inInvocation(ctx.em, 'trigger', 'spike-decision: telling', fn);
const claim = (now: Date) => inTrigger(() => claimTelling('100', '200', now));

describe('claiming the telling of a decision', () => {
  it('the first claim posts the comment; a second, while it is fresh, does nothing', async () => {
    await expect(claim(at)).resolves.toBe('comment');
    expect(ctx.em.kvs.peek(key)).toEqual({ state: 'claimed', at: at.toISOString() });
    await expect(claim(later(TELLING_STALE_MS))).resolves.toBe('skip');
    expect(ctx.em.kvs.peek(key)).toEqual({ state: 'claimed', at: at.toISOString() });
  });

  it('a claim older than the stale limit is taken over under the new time', async () => {
    await claim(at);
    const now = later(TELLING_STALE_MS + 1);
    await expect(claim(now)).resolves.toBe('comment');
    expect(ctx.em.kvs.peek(key)).toEqual({ state: 'claimed', at: now.toISOString() });
  });

  it('once commented, only the audit is left; once done, nothing', async () => {
    await claim(at);
    await inTrigger(() => moveTelling('100', '200', 'commented', later(1)));
    expect(ctx.em.kvs.peek(key)).toEqual({ state: 'commented', at: later(1).toISOString() });
    await expect(claim(later(TELLING_STALE_MS * 2))).resolves.toBe('audit');
    await inTrigger(() => moveTelling('100', '200', 'done', later(2)));
    await expect(claim(later(TELLING_STALE_MS * 2))).resolves.toBe('skip');
  });

  it('released after a failed comment, it is claimed again', async () => {
    await claim(at);
    await inTrigger(() => releaseTelling('100', '200'));
    expect(ctx.em.kvs.peek(key)).toBeUndefined();
    await expect(claim(later(1))).resolves.toBe('comment');
  });

  it('a claim released between the refused create and the read is claimed afresh', async () => {
    ctx.em.kvs.seed(key, { state: 'claimed', at: at.toISOString() });
    const read = ctx.em.kvs.hold(kvsRequest('get', key));
    const answer = claim(later(1));
    await read.arrived;
    ctx.em.kvs.unseed(key);
    read.release();
    await expect(answer).resolves.toBe('comment');
    expect(ctx.em.kvs.peek(key)).toEqual({ state: 'claimed', at: later(1).toISOString() });
  });

  it('released and claimed again by another delivery meanwhile: this one does nothing', async () => {
    ctx.em.kvs.seed(key, { state: 'claimed', at: at.toISOString() });
    const read = ctx.em.kvs.hold(kvsRequest('get', key));
    const answer = claim(later(1));
    await read.arrived;
    ctx.em.kvs.unseed(key);
    const create = ctx.em.kvs.hold(kvsRequest('set', key));
    read.release();
    await create.arrived;
    ctx.em.kvs.seed(key, { state: 'claimed', at: later(2).toISOString() });
    create.release();
    await expect(answer).resolves.toBe('skip');
    expect(ctx.em.kvs.peek(key)).toEqual({ state: 'claimed', at: later(2).toISOString() });
  });
});
