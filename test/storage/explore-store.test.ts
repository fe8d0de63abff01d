import { KEYS } from '../../src/storage/key-families';
import {
  CLAIM_STALE_MS,
  claimExplore,
  markExploreLinked,
  peekExplore,
  readExploreRecord,
  recordExplore,
  releaseExplore,
  type ExploreRecord,
} from '../../src/storage/explore-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * "Explore first" per delivery item: each creation is one generation claimed by exactly one
 * caller; a claim whose creator never finished is skipped after a while (a few in a row at most);
 * a generation is recorded once, newer ones win, and the link is marked on the generation read.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'resolver', 'explore/first', fn);
const claim = (after: number, at = now, accountId = 'mia') =>
  run(() => claimExplore('100', after, { accountId, now: at }));
const claimAt = (generation: number, at: Date) =>
  ctx.em.kvs.seed(KEYS.exploreFirstClaim('100', generation), { by: 'gone', at: at.toISOString() });
const record = (generation: number): ExploreRecord => ({
  version: 1,
  generation,
  deliveryKey: 'DT-5',
  created: { id: String(200 + generation), key: `DT-${200 + generation}` },
  kind: 'spike',
  linked: false,
  by: 'mia',
  at: now.toISOString(),
});

describe('claiming the next creation', () => {
  it('the first caller claims the generation after the one recorded; a second is busy', async () => {
    await expect(claim(0)).resolves.toEqual({ status: 'claimed', generation: 1 });
    await expect(claim(0, later(CLAIM_STALE_MS), 'ada')).resolves.toEqual({
      status: 'busy',
      generation: 1,
    });
    await expect(claim(3)).resolves.toEqual({ status: 'claimed', generation: 4 });
  });

  it('a claim older than the stale time with nothing recorded is skipped for the next', async () => {
    claimAt(1, now);
    await expect(claim(0, later(CLAIM_STALE_MS + 1))).resolves.toEqual({
      status: 'claimed',
      generation: 2,
    });
  });

  it('a stale claim whose item was recorded after all: busy, nothing created', async () => {
    claimAt(1, now);
    ctx.em.kvs.seed(KEYS.exploreFirst('100'), record(1));
    await expect(claim(0, later(CLAIM_STALE_MS + 1))).resolves.toEqual({
      status: 'busy',
      generation: 1,
    });
  });

  it('five stale claims in a row: busy at the fifth, no sixth claimed', async () => {
    for (let g = 1; g <= 5; g++) claimAt(g, now);
    await expect(claim(0, later(CLAIM_STALE_MS + 1))).resolves.toEqual({
      status: 'busy',
      generation: 5,
    });
    expect(ctx.em.kvs.peek(KEYS.exploreFirstClaim('100', 6))).toBeUndefined();
  });

  it('four stale claims in a row: the fifth generation is claimed', async () => {
    for (let g = 1; g <= 4; g++) claimAt(g, now);
    await expect(claim(0, later(CLAIM_STALE_MS + 1))).resolves.toEqual({
      status: 'claimed',
      generation: 5,
    });
  });

  it('a stale claim after an older recorded generation is skipped for the next', async () => {
    ctx.em.kvs.seed(KEYS.exploreFirst('100'), record(1));
    claimAt(2, now);
    await expect(claim(1, later(CLAIM_STALE_MS + 1))).resolves.toEqual({
      status: 'claimed',
      generation: 3,
    });
  });

  it('a claim given back may be claimed again', async () => {
    await claim(0);
    await run(() => releaseExplore('100', 1));
    await expect(claim(0, now, 'ada')).resolves.toEqual({ status: 'claimed', generation: 1 });
  });
});

describe('recording what was created', () => {
  it('a generation is recorded once; an older one after a newer is superseded', async () => {
    const saved = await run(() => recordExplore('100', record(2)));
    expect(saved).toMatchObject({ status: 'saved', record: { generation: 2, revision: 1 } });
    await expect(run(() => recordExplore('100', record(2)))).resolves.toMatchObject({
      status: 'superseded',
      current: { generation: 2 },
    });
    await expect(run(() => recordExplore('100', record(1)))).resolves.toMatchObject({
      status: 'superseded',
    });
    await expect(run(() => recordExplore('100', record(3)))).resolves.toMatchObject({
      status: 'saved',
      record: { generation: 3, revision: 2 },
    });
  });

  it('the link is marked on the generation read, not on a newer one', async () => {
    await run(() => recordExplore('100', record(1)));
    await expect(run(() => markExploreLinked('100', 1, later(5)))).resolves.toMatchObject({
      status: 'saved',
      record: { linked: true, at: later(5).toISOString() },
    });
    await run(() => recordExplore('100', record(2)));
    await expect(run(() => markExploreLinked('100', 1, later(9)))).resolves.toMatchObject({
      status: 'superseded',
      current: { generation: 2, linked: false },
    });
    await expect(run(() => readExploreRecord('100'))).resolves.toMatchObject({
      generation: 2,
      linked: false,
    });
  });

  it('nothing recorded: marking the link is superseded, nothing written', async () => {
    await expect(run(() => markExploreLinked('100', 1, now))).resolves.toEqual({
      status: 'superseded',
      current: undefined,
    });
    expect(ctx.em.kvs.peek(KEYS.exploreFirst('100'))).toBeUndefined();
  });

  it('the record and whether a claim still stands are read in one request', async () => {
    await claim(0);
    await run(() => recordExplore('100', record(1)));
    ctx.em.kvs.resetCounts();
    await expect(run(() => peekExplore('100', 1))).resolves.toMatchObject({
      record: { generation: 1 },
      claimed: true,
    });
    await expect(run(() => peekExplore('100', 2))).resolves.toMatchObject({ claimed: false });
    expect(ctx.em.kvs.reads()).toBe(2);
  });
});
