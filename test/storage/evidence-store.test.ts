import type { EvidenceEntry } from '../../src/domain/evidence-log';
import {
  EvidenceHeadSchema,
  partKeysOf,
  readEvidence,
  readEvidenceLogs,
  readEvidenceState,
  withEntries,
  type EvidenceHead,
} from '../../src/storage/evidence-store';
import { StoredValueError, removeOne, writeOne } from '../../src/storage/kvs-store';
import { EVIDENCE_KEYS } from '../../src/storage/key-families';
import { STORAGE_ONLY, useEmulator } from '../helpers/emulator';

/**
 * The evidence store's reading side on its own: a log kept whole in its head, a log split into
 * parts, parts that do not belong to their head, parts replaced by a newer version while being
 * read, and many items' logs read in batches.
 */
const ctx = useEmulator(STORAGE_ONLY);

const WRITE_ID = 'abcdef012345';

function entry(n: number): EvidenceEntry {
  return {
    id: `e${n}`,
    type: 'interview',
    date: '2026-11-02',
    summary: `finding ${n}`,
    positive: n % 2 === 0,
    recordedBy: 'user-1',
    recordedAt: '2026-11-02T10:00:00.000Z',
  };
}

function head(issueId: string, version: number, fields: Partial<EvidenceHead>): EvidenceHead {
  return {
    version,
    issueId,
    updatedAt: '2026-11-02T10:00:00.000Z',
    updatedBy: 'user-1',
    nextEntry: 10,
    invalidated: null,
    ...fields,
  };
}

/** A log of `entries` split into parts of `size` entries, stored under its keys. */
async function storeParted(
  issueId: string,
  version: number,
  entries: EvidenceEntry[],
  size: number,
): Promise<EvidenceHead> {
  const parts = Math.ceil(entries.length / size);
  const h = head(issueId, version, { writeId: WRITE_ID, parts, entryCount: entries.length });
  for (let index = 0; index < parts; index++) {
    await writeOne(EVIDENCE_KEYS.part(issueId, version, WRITE_ID, index), {
      issueId,
      version,
      writeId: WRITE_ID,
      index,
      entries: entries.slice(index * size, (index + 1) * size),
    });
  }
  await writeOne(EVIDENCE_KEYS.log(issueId), h);
  return h;
}

const batchReads = () => ctx.em.kvs.counts.get('batch/get') ?? 0;

describe('the head record', () => {
  const issues = (value: unknown) => {
    const parsed = EvidenceHeadSchema.safeParse(value);
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('holds its entries or counts its parts, never both and never neither', () => {
    expect(issues(head('1', 1, { entries: [entry(1)] }))).toEqual([]);
    expect(issues(head('1', 1, { writeId: WRITE_ID, parts: 2, entryCount: 3 }))).toEqual([]);
    expect(issues(head('1', 1, {}))).toEqual(['entries: needs entries or parts, not both']);
    expect(
      issues(head('1', 1, { entries: [], writeId: WRITE_ID, parts: 1, entryCount: 0 })),
    ).toEqual(['entries: needs entries or parts, not both']);
  });

  it('with parts, names who wrote them and how many entries they hold', () => {
    const message = 'parts: needs writeId and entryCount';
    expect(issues(head('1', 1, { parts: 2, entryCount: 3 }))).toEqual([message]);
    expect(issues(head('1', 1, { writeId: WRITE_ID, parts: 2 }))).toEqual([message]);
  });

  it('points at one key per part, in order; a whole log at none', () => {
    expect(partKeysOf(head('7', 3, { entries: [] }))).toEqual([]);
    expect(partKeysOf(head('7', 3, { writeId: WRITE_ID, parts: 3, entryCount: 5 }))).toEqual([
      'evidence:7:part:3:abcdef012345:0',
      'evidence:7:part:3:abcdef012345:1',
      'evidence:7:part:3:abcdef012345:2',
    ]);
  });
});

describe('reading one log', () => {
  it('reads a log kept whole in its head in one storage request', async () => {
    await writeOne(EVIDENCE_KEYS.log('10'), head('10', 2, { entries: [entry(1), entry(2)] }));
    ctx.em.kvs.resetCounts();
    const stored = await readEvidence('10');
    expect(batchReads()).toBe(1);
    expect(ctx.em.kvs.reads()).toBe(1);
    expect(stored.version).toBe(2);
    expect(stored.content.entries.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(stored.summaryStale).toBeUndefined();
  });

  it('puts a parted log back together in part order, with one more request', async () => {
    const entries = [1, 2, 3, 4, 5].map(entry);
    await storeParted('11', 4, entries, 2);
    ctx.em.kvs.resetCounts();
    const stored = await readEvidence('11');
    expect(batchReads()).toBe(2);
    expect(stored.log?.entries).toEqual(entries);
    expect(stored.log).toMatchObject({ version: 4, issueId: '11', nextEntry: 10 });
  });

  it.each([
    ['another issue', { issueId: '99' }],
    ['another version', { version: 5 }],
    ['another place', { index: 1 }],
  ])('refuses a part that belongs to %s', async (_label, wrong) => {
    await storeParted('12', 4, [1, 2, 3, 4].map(entry), 2);
    const key = EVIDENCE_KEYS.part('12', 4, WRITE_ID, 0);
    await writeOne(key, {
      issueId: '12',
      version: 4,
      writeId: WRITE_ID,
      index: 0,
      entries: [entry(1), entry(2)],
      ...wrong,
    });
    await expect(readEvidence('12')).rejects.toThrow(StoredValueError);
    await expect(readEvidence('12')).rejects.toThrow(
      `The stored value at "${key}" is not readable: the part does not belong to its head`,
    );
  });

  it('refuses parts that hold another number of entries than the head counts', async () => {
    const h = await storeParted('13', 2, [1, 2, 3].map(entry), 2);
    await writeOne(EVIDENCE_KEYS.log('13'), { ...h, entryCount: 4 });
    await expect(readEvidence('13')).rejects.toThrow(
      '"evidence:13" is not readable: the head counts 4 entries, its parts hold 3',
    );
  });

  it('reads the head again when a newer version replaced the parts meanwhile', async () => {
    await storeParted('14', 1, [1, 2, 3].map(entry), 2);
    const held = ctx.em.kvs.hold(
      (r) => r.op === 'batch/get' && JSON.stringify(r.body).includes('evidence:14:part:'),
    );
    const reading = readEvidence('14');
    await held.arrived;
    // The newer version, kept whole, replaces the head; its parts are removed.
    await writeOne(EVIDENCE_KEYS.log('14'), head('14', 2, { entries: [entry(7)] }));
    await removeOne(EVIDENCE_KEYS.part('14', 1, WRITE_ID, 0));
    await removeOne(EVIDENCE_KEYS.part('14', 1, WRITE_ID, 1));
    held.release();
    const stored = await reading;
    expect(stored.version).toBe(2);
    expect(stored.content.entries.map((e) => e.id)).toEqual(['e7']);
  });

  it('gives up with a clear error when the parts stay missing', async () => {
    await storeParted('15', 1, [1, 2, 3].map(entry), 2);
    await removeOne(EVIDENCE_KEYS.part('15', 1, WRITE_ID, 1));
    ctx.em.kvs.resetCounts();
    await expect(readEvidence('15')).rejects.toThrow(
      '"evidence:15" is not readable: its parts kept changing while reading; try again',
    );
    // The head and stale marker, then four attempts at the parts with a head read between each.
    expect(batchReads()).toBe(1 + 4 + 3);
  });

  it('answers nothing for a revision whose parts are gone, without reading the head again', async () => {
    const h = await storeParted('16', 1, [1, 2, 3].map(entry), 2);
    await removeOne(EVIDENCE_KEYS.part('16', 1, WRITE_ID, 0));
    ctx.em.kvs.resetCounts();
    expect(await withEntries('16', h, false)).toEqual({ head: undefined, log: undefined });
    expect(batchReads()).toBe(1);
    expect(await withEntries('16', undefined)).toEqual({ head: undefined, log: undefined });
  });
});

describe('reading a log with the version it was read at', () => {
  it('answers the log and its version for a decision to be pinned to', async () => {
    await storeParted('20', 3, [1, 2, 3].map(entry), 2);
    const { stored, read } = await readEvidenceState('20');
    expect(stored.version).toBe(3);
    expect(stored.content.entries).toHaveLength(3);
    expect(read.version).toBe(3);
  });

  it('answers an empty log at version 0 when there is none', async () => {
    const { stored, read } = await readEvidenceState('21');
    expect(stored).toMatchObject({ log: undefined, version: 0 });
    expect(stored.content.entries).toEqual([]);
    expect(read.version).toBe(0);
  });

  it('reads again while the parts are being replaced, then gives up naming the log', async () => {
    await storeParted('22', 1, [1, 2, 3].map(entry), 2);
    await removeOne(EVIDENCE_KEYS.part('22', 1, WRITE_ID, 0));
    ctx.em.kvs.resetCounts();
    await expect(readEvidenceState('22')).rejects.toThrow(
      '"evidence:22" is not readable: its parts kept changing while reading',
    );
    // Four attempts, each a versioned read of the head and a read of its parts.
    expect(batchReads()).toBe(8);
  });

  it('succeeds on a later attempt once the newer head is in place', async () => {
    await storeParted('23', 1, [1, 2, 3].map(entry), 2);
    const held = ctx.em.kvs.hold(
      (r) => r.op === 'batch/get' && JSON.stringify(r.body).includes('evidence:23:part:'),
    );
    const reading = readEvidenceState('23');
    await held.arrived;
    await writeOne(EVIDENCE_KEYS.log('23'), head('23', 2, { entries: [entry(9)] }));
    await removeOne(EVIDENCE_KEYS.part('23', 1, WRITE_ID, 0));
    held.release();
    const { stored, read } = await reading;
    expect(stored.content.entries.map((e) => e.id)).toEqual(['e9']);
    expect(read.version).toBe(2);
  });
});

describe('reading many logs', () => {
  it('reads every present log in batches of 20 and leaves missing ones out', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => String(100 + i));
    for (const id of ids.filter((_, i) => i % 3 !== 1)) {
      await writeOne(EVIDENCE_KEYS.log(id), head(id, 1, { entries: [entry(Number(id))] }));
    }
    await storeParted('144', 2, [1, 2, 3].map(entry), 2);
    ctx.em.kvs.resetCounts();
    const logs = await readEvidenceLogs(ids);
    // Three batches of heads, and one read of the parted log's parts.
    expect(batchReads()).toBe(4);
    const expected = ids.filter((_, i) => i % 3 !== 1 || ids[i] === '144');
    expect([...logs.keys()].sort()).toEqual(expected.sort());
    expect(logs.get('100')?.entries.map((e) => e.id)).toEqual(['e100']);
    expect(logs.get('144')?.entries).toHaveLength(3);
    expect(await readEvidenceLogs([])).toEqual(new Map());
  });
});
