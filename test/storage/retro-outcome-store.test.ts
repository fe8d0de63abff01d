import { RETRO_OUTCOME_KEYS } from '../../src/storage/key-families';
import {
  readOutcomes,
  recordOutcome,
  type OutcomeStored,
} from '../../src/storage/retro-outcome-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * Outcome checks of delivered items: recording again makes the new judgement current and keeps
 * the earlier ones (the newest 20) in its history; two people recording at once both end up in
 * the record; outcomes are read for many items in batches of one storage request each.
 */
const ctx = useEmulator();
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'resolver', 'retro/outcome', fn);
const minute = (n: number) => new Date(Date.UTC(2026, 10, 20, 10, n));
const record = (id: string, result: 'hit' | 'missed', n: number, accountId = 'mia') =>
  run(() =>
    recordOutcome({
      issue: { id, key: `DT-${id}` },
      projectKey: 'DT',
      result,
      note: `note ${n}`,
      accountId,
      now: minute(n),
    }),
  );
const stored = (id: string) => ctx.em.kvs.peek(RETRO_OUTCOME_KEYS.outcome(id)) as OutcomeStored;

describe('recording an outcome check', () => {
  it('answers the judgement and stores it as current, with no history', async () => {
    await expect(record('1', 'hit', 0)).resolves.toEqual({
      issueId: '1',
      result: 'hit',
      note: 'note 0',
      recordedAt: minute(0).toISOString(),
      recordedBy: 'mia',
    });
    expect(stored('1')).toMatchObject({
      version: 1,
      revision: 1,
      issueKey: 'DT-1',
      projectKey: 'DT',
      current: { result: 'hit' },
      history: [],
    });
  });

  it('again: the new judgement is current, the earlier ones newest first, twenty at most', async () => {
    for (let n = 0; n < 23; n++) await record('1', n % 2 ? 'missed' : 'hit', n);
    const s = stored('1');
    expect(s.current.note).toBe('note 22');
    expect(s.history).toHaveLength(20);
    expect(s.history[0]?.note).toBe('note 21');
    expect(s.history.at(-1)?.note).toBe('note 2');
    expect(s.revision).toBe(23);
  });

  it('two people at once: one current, the other in its history', async () => {
    await Promise.all([record('1', 'hit', 1, 'mia'), record('1', 'missed', 2, 'ada')]);
    const s = stored('1');
    const by = [s.current.recordedBy, ...s.history.map((h) => h.recordedBy)].sort();
    expect(by).toEqual(['ada', 'mia']);
  });
});

describe('reading outcomes', () => {
  it('of many items, in batches of one request each, leaving out items without one', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => String(i + 1));
    for (const id of ids.filter((id) => Number(id) % 2 === 1)) await record(id, 'hit', 0);
    ctx.em.kvs.resetCounts();
    const outcomes = await run(() => readOutcomes(ids));
    expect(ctx.em.kvs.reads()).toBe(3);
    expect(outcomes.map((o) => o.issueId)).toEqual(ids.filter((id) => Number(id) % 2 === 1));
    expect(outcomes[0]).toEqual({
      issueId: '1',
      result: 'hit',
      note: 'note 0',
      recordedAt: minute(0).toISOString(),
      recordedBy: 'mia',
    });
  });

  it('none asked: none read', async () => {
    ctx.em.kvs.resetCounts();
    await expect(run(() => readOutcomes([]))).resolves.toEqual([]);
    expect(ctx.em.kvs.total()).toBe(0);
  });
});
