import { CLAIM_KEEP_DAYS, dayBucket, SWEEP_MAX_KEYS } from '../../src/storage/enforcement-store';
import * as store from '../../src/storage/enforcement-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import { ENFORCEMENT_KEYS } from '../../src/storage/key-families';

/**
 * The dedupe records of enforcement events (`guard:event:*`): kept per UTC day, found again the
 * next day, and pruned once they are older than CLAIM_KEEP_DAYS. Each store call runs as one
 * invocation of the sprint guard trigger, which makes them in production.
 */
const ctx = useEmulator();

const claimEvent = (dedupeKey: string, now: Date) =>
  inInvocation(ctx.em, 'trigger', 'sprintGuard: claimEvent', () =>
    store.claimEvent(dedupeKey, now),
  );
const finishEvent = (...args: Parameters<typeof store.finishEvent>) =>
  inInvocation(ctx.em, 'trigger', 'sprintGuard: finishEvent', () => store.finishEvent(...args));
const sweepOldClaims = (now: Date) =>
  inInvocation(ctx.em, 'trigger', 'sprintGuard: sweepOldClaims', () => store.sweepOldClaims(now));

const at = (iso: string) => new Date(iso);
const claimKeys = () =>
  ctx.em.kvs.keys().filter((k) => k.startsWith('guard:event:') && !k.includes(':_sweep-'));

describe('event claims', () => {
  it('a claim is made in the day bucket of its time', async () => {
    const now = at('2026-11-02T10:00:00.000Z');
    const claimed = await claimEvent('10001:50001', now);
    expect(claimed).toMatchObject({
      status: 'claimed',
      handle: { key: ENFORCEMENT_KEYS.event('20261102', '10001:50001') },
    });
    expect(dayBucket(now)).toBe('20261102');
  });

  it('an event delivered again just after midnight is still a duplicate (yesterday is looked at)', async () => {
    const first = await claimEvent('10001:50001', at('2026-11-02T23:59:00.000Z'));
    if (first.status !== 'claimed') throw new Error('not claimed');
    await finishEvent(first.handle, at('2026-11-02T23:59:01.000Z'), ['move-back'], 'move-back');
    const again = await claimEvent('10001:50001', at('2026-11-03T00:02:00.000Z'));
    expect(again).toMatchObject({ status: 'duplicate', claim: { state: 'done' } });
    expect(claimKeys()).toEqual([ENFORCEMENT_KEYS.event('20261102', '10001:50001')]);
  });

  it('a pending claim from yesterday is resumed where it is', async () => {
    const key = ENFORCEMENT_KEYS.event('20261102', 'sprint-start:7');
    ctx.em.kvs.seed(key, {
      version: 1,
      state: 'pending',
      at: '2026-11-02T23:50:00.000Z',
      done: ['move:DT-1'],
      plan: { any: 'plan' },
    });
    const resumed = await claimEvent('sprint-start:7', at('2026-11-03T00:05:00.000Z'));
    expect(resumed).toMatchObject({
      status: 'claimed',
      handle: { key },
      resume: { done: ['move:DT-1'] },
    });
  });

  it('two deliveries of a stopped event at once: one resumes it, the other is a duplicate', async () => {
    const key = ENFORCEMENT_KEYS.event('20261103', 'sprint-start:8');
    ctx.em.kvs.seed(key, {
      version: 1,
      state: 'pending',
      at: '2026-11-03T09:00:00.000Z',
      done: ['move:DT-1'],
      plan: { any: 'plan' },
    });
    const now = at('2026-11-03T09:05:00.000Z');
    // The first delivery's write of the claim is held in flight until the second has decided.
    const held = ctx.em.kvs.hold(
      ({ op, body }) => op === 'set' && (body as { key?: unknown } | undefined)?.key === key,
    );
    const first = claimEvent('sprint-start:8', now);
    await held.arrived;
    const second = await claimEvent('sprint-start:8', now);
    held.release();
    const statuses = [(await first).status, second.status];
    expect(statuses).toEqual(['claimed', 'duplicate']);

    // Stopped again, the resumed attempt is taken over once more (under its new claim time).
    const firstClaim = await first;
    if (firstClaim.status !== 'claimed') throw new Error('not claimed');
    await inInvocation(ctx.em, 'trigger', 'sprintGuard: suspendEvent', () =>
      store.suspendEvent(firstClaim.handle, now, ['move:DT-1', 'move:DT-2'], { any: 'plan' }),
    );
    const later = await claimEvent('sprint-start:8', at('2026-11-03T09:10:00.000Z'));
    expect(later).toMatchObject({
      status: 'claimed',
      resume: { done: ['move:DT-1', 'move:DT-2'] },
    });
  });

  it(`the first claim of an hour deletes the claims older than ${CLAIM_KEEP_DAYS} days, and only those`, async () => {
    const old = ['20261028', '20261030', '20261031'].flatMap((day) =>
      ['10001:1', '10002:2'].map((d) => ENFORCEMENT_KEYS.event(day, d)),
    );
    const kept = [
      ENFORCEMENT_KEYS.event('20261101', '10003:3'),
      ENFORCEMENT_KEYS.event('20261102', '10004:4'),
    ];
    const done = { version: 1, state: 'done', at: '2026-10-28T00:00:00.000Z', done: [] };
    for (const key of [...old, ...kept]) ctx.em.kvs.seed(key, done);
    // A record from before the day buckets, two weeks old, and a fresh one.
    ctx.em.kvs.seed('guard:event:10009:9', done);
    ctx.em.kvs.seed('guard:event:10010:10', { ...done, at: '2026-11-02T09:00:00.000Z' });

    await claimEvent('10005:5', at('2026-11-02T10:00:00.000Z'));

    expect(claimKeys().sort()).toEqual(
      [...kept, 'guard:event:10010:10', ENFORCEMENT_KEYS.event('20261102', '10005:5')].sort(),
    );
    // The next claim in the same hour does not sweep again (its marker exists).
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.event('20261020', '10006:6'), done);
    await claimEvent('10007:7', at('2026-11-02T10:30:00.000Z'));
    expect(claimKeys()).toContain(ENFORCEMENT_KEYS.event('20261020', '10006:6'));
    // The next hour's first claim does.
    await claimEvent('10008:8', at('2026-11-02T11:00:00.000Z'));
    expect(claimKeys()).not.toContain(ENFORCEMENT_KEYS.event('20261020', '10006:6'));
  });

  it(`one sweep deletes at most ${SWEEP_MAX_KEYS} records; the rest go next time`, async () => {
    const done = { version: 1, state: 'done', at: '2026-10-01T00:00:00.000Z', done: [] };
    for (let i = 0; i < SWEEP_MAX_KEYS + 30; i++) {
      ctx.em.kvs.seed(ENFORCEMENT_KEYS.event('20261001', `1${String(i).padStart(4, '0')}:1`), done);
    }
    const now = at('2026-11-02T10:00:00.000Z');
    expect(await sweepOldClaims(now)).toBe(SWEEP_MAX_KEYS);
    expect(await sweepOldClaims(now)).toBe(30);
    expect(claimKeys()).toEqual([]);
  });
});
