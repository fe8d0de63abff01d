import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  CLAIM_KEEP_DAYS,
  CLAIM_STALE_MS,
  claimEvent,
  finishEvent,
  readEnforcementContext,
  readFlagNotes,
  recordPlan,
  saveEnforcementFields,
  saveFlagNotes,
  suspendEvent,
  sweepOldClaims,
  type EventClaim,
} from '../../src/storage/enforcement-store';
import { ENFORCEMENT_KEYS, KEYS } from '../../src/storage/key-families';
import { kvsRequest, STORAGE_ONLY, useEmulator } from '../helpers/emulator';

/**
 * The enforcement store on its own: what enforcement reads in one request when nothing is stored,
 * the flag notes (absent, unreadable, removed when empty), and the event claims: a running claim
 * is a duplicate until it is older than CLAIM_STALE_MS and then taken over once, a claim released
 * between another delivery's create and this one's read, the records each step leaves, and which
 * records the hourly sweep deletes.
 */
const ctx = useEmulator(STORAGE_ONLY);
const now = new Date('2026-11-02T10:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const todayKey = (dedupe: string) => ENFORCEMENT_KEYS.event('20261102', dedupe);
// Each claim's hourly sweep marker already there, so a test sees only the claim's own requests.
const swept = () => ctx.em.kvs.seed(ENFORCEMENT_KEYS.sweep('20261102', '10'), { at: ago(1) });
const claim = (at: string, extra: Partial<EventClaim> = {}): EventClaim => ({
  version: 1,
  state: 'claimed',
  at,
  done: [],
  ...extra,
});

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  jest.spyOn(console, 'warn').mockImplementation((line: unknown) => {
    warnings.push(String(line));
  });
});
afterEach(() => jest.restoreAllMocks());

describe('what enforcement reads', () => {
  it('with nothing stored: the default settings, no field ids, no waivers, notes or mapping', async () => {
    const read = await readEnforcementContext('DT');
    expect(read).toMatchObject({
      config: DEFAULT_CONFIG,
      fields: {},
      enforcementFields: undefined,
      mapping: undefined,
      waivers: [],
      flagNotes: undefined,
    });
    expect(warnings).toEqual([]);
  });

  it('the Flagged field id saved is read back; a malformed one is refused before it is stored', async () => {
    await saveEnforcementFields({ flagged: 'customfield_10021' });
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.fields)).toEqual({ flagged: 'customfield_10021' });
    expect((await readEnforcementContext('DT')).enforcementFields).toEqual({
      flagged: 'customfield_10021',
    });
    await expect(saveEnforcementFields({ flagged: 'Flagged' })).rejects.toThrow();
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.fields)).toEqual({ flagged: 'customfield_10021' });
  });

  it('remembered Jira field ids are read as stored', async () => {
    ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: 'customfield_10040' });
    expect((await readEnforcementContext('DT')).fields).toEqual({
      scopedOutcome: 'customfield_10040',
    });
  });
});

describe('flag notes', () => {
  const notes = {
    version: 1 as const,
    types: {
      Story: {
        since: '2026-11-01T00:00:00.000Z',
        outcome: {
          via: 'label' as const,
          refused: [],
          overrideRefused: false,
          siteHasFlagged: true,
        },
      },
    },
  };

  it('saved notes are read back, alone and with the rest of the context', async () => {
    await saveFlagNotes('DT', notes);
    await expect(readFlagNotes('DT')).resolves.toEqual(notes);
    expect((await readEnforcementContext('DT')).flagNotes).toEqual(notes);
    expect(warnings).toEqual([]);
  });

  it('notes about no issue type are removed, not stored', async () => {
    await saveFlagNotes('DT', notes);
    await saveFlagNotes('DT', { version: 1, types: {} });
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.flagNotes('DT'))).toBeUndefined();
    await expect(readFlagNotes('DT')).resolves.toBeUndefined();
  });

  it('absent notes are read as none without a warning; unreadable ones with one naming the project', async () => {
    await expect(readFlagNotes('DT')).resolves.toBeUndefined();
    expect(warnings).toEqual([]);
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.flagNotes('DT'), { version: 2, types: [] });
    await expect(readFlagNotes('DT')).resolves.toBeUndefined();
    expect((await readEnforcementContext('DT')).flagNotes).toBeUndefined();
    expect(warnings).toEqual([
      'enforcement: the flag notes of DT are not readable; ignored',
      'enforcement: the flag notes of DT are not readable; ignored',
    ]);
  });
});

describe('claiming an event', () => {
  it('a first delivery creates its claim with one read and one write', async () => {
    swept();
    ctx.em.kvs.resetCounts();
    const answer = await claimEvent('10001:1', now);
    expect(answer).toEqual({
      status: 'claimed',
      handle: { key: todayKey('10001:1') },
      resume: undefined,
    });
    expect(ctx.em.kvs.peek(todayKey('10001:1'))).toEqual(claim(now.toISOString()));
    expect([ctx.em.kvs.reads(), ctx.em.kvs.writes()]).toEqual([1, 1]);
  });

  it('the first claim of the hour leaves the hour marker with its time', async () => {
    await claimEvent('10001:1', now);
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.sweep('20261102', '10'))).toEqual({
      at: now.toISOString(),
    });
  });

  it('a sweep that fails is logged with its reason, and the claim is still made', async () => {
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.event('20261001', '10009:9'), claim(ago(40 * DAY_MS)));
    ctx.em.kvs.failWrites(503, 1, { ops: ['delete'] });
    await expect(claimEvent('10001:1', now)).resolves.toMatchObject({ status: 'claimed' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^enforcement: pruning old event claims failed \(.*503.*\); the next hour's first event tries again$/,
    );
  });

  it('a running claim is a duplicate up to CLAIM_STALE_MS old, and taken over just after', async () => {
    swept();
    ctx.em.kvs.seed(todayKey('10001:1'), claim(ago(CLAIM_STALE_MS)));
    await expect(claimEvent('10001:1', now)).resolves.toEqual({
      status: 'duplicate',
      claim: claim(ago(CLAIM_STALE_MS)),
    });
    const old = claim(ago(CLAIM_STALE_MS + 1), { done: ['move:DT-1'], plan: { p: 1 } });
    ctx.em.kvs.seed(todayKey('10001:1'), old);
    await expect(claimEvent('10001:1', now)).resolves.toEqual({
      status: 'claimed',
      handle: { key: todayKey('10001:1') },
      resume: old,
    });
    // The claim now holds this attempt's time; the takeover record, the time it was taken.
    expect(ctx.em.kvs.peek(todayKey('10001:1'))).toEqual({ ...old, at: now.toISOString() });
    const takeover = ENFORCEMENT_KEYS.takeover(todayKey('10001:1'), Date.parse(old.at));
    expect(ctx.em.kvs.peek(takeover)).toEqual({ at: now.toISOString() });
  });

  it('a claim that just started, or a finished one, is a duplicate', async () => {
    swept();
    ctx.em.kvs.seed(todayKey('10001:1'), claim(ago(1000)));
    await expect(claimEvent('10001:1', now)).resolves.toMatchObject({ status: 'duplicate' });
    ctx.em.kvs.seed(todayKey('10002:2'), claim(ago(DAY_MS / 2), { state: 'done' }));
    await expect(claimEvent('10002:2', now)).resolves.toMatchObject({ status: 'duplicate' });
  });

  /**
   * Starts a delivery whose create of the claim is held while another delivery claims it; lets
   * the create fail, and holds the read that follows until the other has released its claim.
   * Returns the first delivery's answer (pending) and its read, still held.
   */
  async function releasedMidRace(key: string) {
    const create = ctx.em.kvs.hold(kvsRequest('set', key));
    const first = claimEvent('10001:1', now);
    await create.arrived;
    const other = await claimEvent('10001:1', now);
    if (other.status !== 'claimed') throw new Error('the other delivery did not claim');
    const read = ctx.em.kvs.hold(kvsRequest('get', key));
    create.release();
    await read.arrived;
    await suspendEvent(other.handle, now, [], undefined);
    return { first, read };
  }

  it('a claim released between another delivery’s create and this one’s read is claimed again', async () => {
    swept();
    const key = todayKey('10001:1');
    const { first, read } = await releasedMidRace(key);
    read.release();
    await expect(first).resolves.toEqual({
      status: 'claimed',
      handle: { key },
      resume: undefined,
    });
    expect(ctx.em.kvs.peek(key)).toEqual(claim(now.toISOString()));
  });

  it('… and a duplicate when a third delivery claims it first again', async () => {
    swept();
    const key = todayKey('10001:1');
    const { first, read } = await releasedMidRace(key);
    const again = ctx.em.kvs.hold(kvsRequest('set', key));
    read.release();
    await again.arrived;
    await expect(claimEvent('10001:1', now)).resolves.toMatchObject({ status: 'claimed' });
    again.release();
    await expect(first).resolves.toEqual({
      status: 'duplicate',
      claim: claim(now.toISOString()),
    });
  });
});

describe('the records each step leaves', () => {
  const handle = { key: todayKey('10001:1') };

  it('the plan is recorded before the first write to Jira, with nothing done yet', async () => {
    await recordPlan(handle, now, { moves: ['DT-1'] });
    expect(ctx.em.kvs.peek(handle.key)).toEqual(
      claim(now.toISOString(), { plan: { moves: ['DT-1'] } }),
    );
  });

  it('a finished event keeps the steps it did and its outcome', async () => {
    await finishEvent(handle, now, ['move:DT-1', 'comment'], 'move-back');
    expect(ctx.em.kvs.peek(handle.key)).toEqual({
      version: 1,
      state: 'done',
      at: now.toISOString(),
      done: ['move:DT-1', 'comment'],
      outcome: 'move-back',
    });
  });

  it('a suspended event with nothing done is released; with steps done it waits, pending', async () => {
    ctx.em.kvs.seed(handle.key, claim(now.toISOString()));
    await suspendEvent(handle, now, [], { moves: ['DT-1'] });
    expect(ctx.em.kvs.peek(handle.key)).toBeUndefined();
    await suspendEvent(handle, now, ['move:DT-1'], { moves: ['DT-1', 'DT-2'] });
    expect(ctx.em.kvs.peek(handle.key)).toEqual({
      version: 1,
      state: 'pending',
      at: now.toISOString(),
      done: ['move:DT-1'],
      plan: { moves: ['DT-1', 'DT-2'] },
    });
  });
});

describe('the sweep of old claims', () => {
  it(`deletes bucketed records older than ${CLAIM_KEEP_DAYS} days whatever time they hold`, async () => {
    // A record of an old day that holds a recent time (rewritten by a late takeover) still goes.
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.event('20261020', '10001:1'), claim(ago(1000)));
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.event('20261101', '10002:2'), claim(ago(DAY_MS)));
    await expect(sweepOldClaims(now)).resolves.toBe(1);
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.event('20261101', '10002:2'))).toBeDefined();
  });

  it(`judges records from before the day buckets by the time they hold: kept at exactly ${CLAIM_KEEP_DAYS} days`, async () => {
    ctx.em.kvs.seed('guard:event:10001:1', claim(ago(CLAIM_KEEP_DAYS * DAY_MS)));
    ctx.em.kvs.seed('guard:event:10002:2', claim(ago(CLAIM_KEEP_DAYS * DAY_MS + 1)));
    // An issue id that contains a date is not a day bucket.
    ctx.em.kvs.seed('guard:event:1020261102:3', claim(ago(30 * DAY_MS)));
    // A time that is not a string is no time: kept.
    ctx.em.kvs.seed('guard:event:10004:4', { at: 2020 });
    await expect(sweepOldClaims(now)).resolves.toBe(2);
    expect(
      ctx.em.kvs
        .keys()
        .filter((k) => k.startsWith('guard:event:'))
        .sort(),
    ).toEqual(['guard:event:10001:1', 'guard:event:10004:4']);
  });
});
