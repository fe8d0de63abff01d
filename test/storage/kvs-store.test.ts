import { kvs } from '@forge/kvs';
import { z } from 'zod';
import {
  claimOutlived,
  createOnce,
  listByPrefix,
  parseStored,
  readMany,
  STOPPED_CLAIM_MS,
  StoredValueError,
  writeExpiring,
} from '../../src/storage/kvs-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * The storage layer's own contract: a stored value is checked against its schema before use and
 * a bad one is named by key and field; reads of several keys in one request; a value written
 * once only; values that expire; listing by prefix in pages; when a claim has outlived any
 * invocation that could hold it.
 */
const ctx = useEmulator();
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'resolver', 'test: storage', fn);

describe('a stored value', () => {
  const Schema = z.object({ name: z.string(), nested: z.object({ count: z.number() }) });

  it('missing (undefined or null) is undefined; a valid one is parsed', () => {
    expect(parseStored('k', Schema, undefined)).toBeUndefined();
    expect(parseStored('k', Schema, null)).toBeUndefined();
    const value = { name: 'a', nested: { count: 1 } };
    expect(parseStored('k', Schema, value)).toEqual(value);
  });

  it('an unreadable one is refused, naming the key and the first wrong field', () => {
    const bad = () => parseStored('settings:DT', Schema, { name: 'a', nested: { count: 'x' } });
    expect(bad).toThrow(StoredValueError);
    expect(bad).toThrow(
      'The stored value at "settings:DT" is not readable: nested.count: Invalid input: expected number, received string',
    );
  });

  it('of the wrong kind altogether is named at its root', () => {
    expect(() => parseStored('settings:DT', Schema, 'text')).toThrow(
      /^The stored value at "settings:DT" is not readable: \(root\): /,
    );
  });
});

describe('reading several keys', () => {
  it('in one storage request, missing keys left out', async () => {
    ctx.em.kvs.seed('a', 1);
    ctx.em.kvs.seed('c', { three: 3 });
    ctx.em.kvs.resetCounts();
    const values = await run(() => readMany(['a', 'b', 'c']));
    expect([...values.entries()]).toEqual([
      ['a', 1],
      ['c', { three: 3 }],
    ]);
    expect(ctx.em.kvs.reads()).toBe(1);
  });

  it('none: no storage request at all', async () => {
    ctx.em.kvs.resetCounts();
    await expect(run(() => readMany([]))).resolves.toEqual(new Map());
    expect(ctx.em.kvs.total()).toBe(0);
  });
});

describe('a read that storage partly fails', () => {
  afterEach(() => jest.restoreAllMocks());

  it('names every key it could not read and why, and answers nothing', async () => {
    // Storage answers per key; anything but "not found" is a failure to read, not an absence.
    jest.spyOn(kvs, 'batchGet').mockResolvedValue({
      successfulKeys: [{ key: 'a', value: 1 }],
      failedKeys: [
        { key: 'b', error: { code: 'KEY_NOT_FOUND', message: 'Key b not found' } },
        { key: 'c', error: { code: 'INTERNAL_SERVER_ERROR', message: 'try later' } },
        { key: 'd', error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down' } },
      ],
    });
    await expect(run(() => readMany(['a', 'b', 'c', 'd']))).rejects.toThrow(
      'Storage could not read 2 key(s): c: INTERNAL_SERVER_ERROR try later; d: RATE_LIMIT_EXCEEDED slow down',
    );
  });

  it('an unreadable value is a StoredValueError by name', () => {
    const error = (() => {
      try {
        parseStored('k', z.number(), 'x');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StoredValueError);
    expect(error?.name).toBe('StoredValueError');
  });
});

describe('what counts as losing a write-once race', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['a 409 answer', { responseDetails: { status: 409 } }],
    ['KEY_CONFLICT', { code: 'KEY_CONFLICT' }],
    ['KEY_ALREADY_EXISTS', { code: 'KEY_ALREADY_EXISTS' }],
  ])('%s: lost', async (_label, failure) => {
    jest.spyOn(kvs, 'set').mockRejectedValue(Object.assign(new Error('exists'), failure));
    await expect(run(() => createOnce('claim', 1))).resolves.toBe(false);
  });

  it.each([
    ['another code', Object.assign(new Error('no'), { code: 'INTERNAL_SERVER_ERROR' })],
    ['another status', Object.assign(new Error('no'), { responseDetails: { status: 503 } })],
    ['a string', 'broken'],
    ['null', null],
  ])('%s: an error, thrown as it came', async (_label, failure) => {
    jest.spyOn(kvs, 'set').mockRejectedValue(failure);
    await expect(run(() => createOnce('claim', 1))).rejects.toBe(failure);
  });
});

describe('writing once', () => {
  it('the first write wins; a second is told it lost and changes nothing', async () => {
    await expect(run(() => createOnce('claim', { by: 'mia' }))).resolves.toBe(true);
    await expect(run(() => createOnce('claim', { by: 'ada' }))).resolves.toBe(false);
    expect(ctx.em.kvs.peek('claim')).toEqual({ by: 'mia' });
  });

  it('a storage failure is not taken for a lost race', async () => {
    ctx.em.kvs.failWrites(500);
    await expect(run(() => createOnce('claim', { by: 'mia' }))).rejects.toThrow();
    expect(ctx.em.kvs.peek('claim')).toBeUndefined();
  });
});

describe('expiring values', () => {
  it('last the seconds asked, rounded up, and at least one second', async () => {
    const start = 1_800_000_000_000;
    let now = start;
    ctx.em.kvs.now = () => now;
    await run(() => writeExpiring('short', 'x', 0.2));
    await run(() => writeExpiring('longer', 'y', 1.5));
    now = start + 999;
    expect(ctx.em.kvs.peek('short')).toBe('x');
    now = start + 1_001;
    expect(ctx.em.kvs.peek('short')).toBeUndefined();
    expect(ctx.em.kvs.peek('longer')).toBe('y');
    now = start + 2_001;
    expect(ctx.em.kvs.peek('longer')).toBeUndefined();
  });
});

describe('listing by prefix', () => {
  it('in pages, each naming the next, with only the keys that begin with the prefix', async () => {
    for (const k of ['p:1', 'p:2', 'p:3', 'q:1']) ctx.em.kvs.seed(k, k);
    const first = await run(() => listByPrefix('p:', undefined, 2));
    expect(first.entries).toEqual([
      { key: 'p:1', value: 'p:1' },
      { key: 'p:2', value: 'p:2' },
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await run(() => listByPrefix('p:', first.nextCursor, 2));
    expect(second.entries).toEqual([{ key: 'p:3', value: 'p:3' }]);
    expect(second.nextCursor).toBeUndefined();
  });
});

describe('a claim', () => {
  const at = '2026-11-20T10:00:00.000Z';
  const after = (ms: number) => new Date(Date.parse(at) + ms);

  it('has outlived any invocation only once older than the longest one', () => {
    expect(claimOutlived(at, after(STOPPED_CLAIM_MS))).toBe(false);
    expect(claimOutlived(at, after(STOPPED_CLAIM_MS + 1))).toBe(true);
    expect(claimOutlived(at, after(0))).toBe(false);
  });
});
