import type { EvidenceContent, EvidenceEntry } from '../../src/domain/evidence-log';
import {
  EvidenceHeadSchema,
  MAX_ATTEMPTS,
  MAX_ENTRIES,
  MAX_PARTS,
  PART_BYTE_LIMIT,
  TRANSACTION_OPS,
  partKeysOf,
  readEvidence,
  type EvidenceHead,
} from '../../src/storage/evidence-store';
import { changeEvidence } from '../../src/storage/evidence-write';
import { listByPrefix, readOne, removeOne, writeOne } from '../../src/storage/kvs-store';
import { EVIDENCE_KEYS } from '../../src/storage/key-families';
import { STORAGE_ONLY, useEmulator } from '../helpers/emulator';

/**
 * Saving an evidence log: whole in its head while it fits, else in parts under the storage value
 * limit; the parts of replaced versions and of writers that lost removed; a log over its limits
 * refused with nothing written; a writer that keeps losing told to try again, leaving nothing.
 */
const ctx = useEmulator(STORAGE_ONLY);
const now = new Date('2026-11-20T10:00:00.000Z');

/** An entry of about `size` bytes of JSON. */
function entry(n: number, size = 2100): EvidenceEntry {
  const base: EvidenceEntry = {
    id: `e${n}`,
    type: 'interview',
    date: '2026-11-02',
    summary: 'x',
    positive: true,
    recordedBy: 'user-1',
    recordedAt: '2026-11-02T10:00:00.000Z',
  };
  const pad = Math.max(1, size - Buffer.byteLength(JSON.stringify(base)));
  const summary = `finding ${n} `.padEnd(Math.min(pad, 2000), 'x');
  const link =
    pad > 2000 ? `https://example.com/${'y'.repeat(Math.min(pad - 2000, 1970))}` : undefined;
  return { ...base, summary, ...(link ? { link } : {}) };
}

const entries = (from: number, count: number, size?: number) =>
  Array.from({ length: count }, (_, i) => entry(from + i, size));

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Saves the log as `content` (replacing whatever it held). */
function save(issueId: string, content: Partial<EvidenceContent>, accountId = 'user-1') {
  return changeEvidence({
    issueId,
    accountId,
    now,
    change: (current) => ({
      ok: true as const,
      content: { ...current, ...content },
      detail: undefined,
    }),
  });
}

async function headOf(issueId: string): Promise<EvidenceHead> {
  return EvidenceHeadSchema.parse(await readOne(EVIDENCE_KEYS.log(issueId)));
}

async function partKeys(issueId: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listByPrefix(EVIDENCE_KEYS.partPrefix(issueId), cursor, 100);
    keys.push(...page.entries.map((e) => e.key));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return keys.sort();
}

/** A part no head points at, as a writer that lost would leave it. */
async function plantPart(issueId: string, version: number, writeId: string, index: number) {
  await writeOne(EVIDENCE_KEYS.part(issueId, version, writeId, index), {
    issueId,
    version,
    writeId,
    index,
    entries: [entry(900 + index, 200)],
  });
  return EVIDENCE_KEYS.part(issueId, version, writeId, index);
}

describe('how a log is laid out', () => {
  it('keeps a small log whole in its head, with no parts', async () => {
    const result = await save('1', { entries: entries(1, 3, 300), nextEntry: 4 });
    expect(result).toMatchObject({ status: 'saved', log: { version: 1, nextEntry: 4 } });
    const head = await headOf('1');
    expect(head.entries).toHaveLength(3);
    expect(head.parts).toBeUndefined();
    expect(await partKeys('1')).toEqual([]);
  });

  it('splits a big log into parts in order, each under the value limit and as full as it allows', async () => {
    const log = entries(1, 250);
    const removed = [{ entry: entry(999, 300), removedAt: now.toISOString(), removedBy: 'user-1' }];
    const result = await save('2', { entries: log, nextEntry: 251, removed });
    expect(result.status).toBe('saved');
    const head = await headOf('2');
    expect(head).toMatchObject({ version: 1, entryCount: 250, nextEntry: 251, removed });
    expect(head.entries).toBeUndefined();
    expect(head.parts).toBeGreaterThanOrEqual(3);
    expect(await partKeys('2')).toEqual([...partKeysOf(head)].sort());
    let next = 0;
    for (const key of partKeysOf(head)) {
      const part = (await readOne(key)) as { entries: EvidenceEntry[] };
      expect(bytesOf(part)).toBeLessThan(PART_BYTE_LIMIT);
      next += part.entries.length;
      const following = log[next];
      if (following) {
        // The next entry would have taken it to the limit or past it.
        expect(bytesOf({ ...part, entries: [...part.entries, following] })).toBeGreaterThanOrEqual(
          PART_BYTE_LIMIT,
        );
      }
    }
    expect(next).toBe(250);
    expect((await readEvidence('2')).content.entries).toEqual(log);
  });

  it('keeps a log whose head is exactly at the limit whole', async () => {
    // Entries of 1,500 bytes, and a last one whose summary makes the head PART_BYTE_LIMIT bytes.
    const headBytes = (content: EvidenceContent) =>
      bytesOf({
        version: 1,
        issueId: '3',
        updatedAt: now.toISOString(),
        updatedBy: 'user-1',
        writeId: 'abcdef012345',
        ...content,
      });
    let content: EvidenceContent | undefined;
    for (let n = 100; n < 150 && !content; n++) {
      const last = { ...entry(n + 1, 300), summary: 'a' };
      const trial = {
        entries: [...entries(1, n, 1500), last],
        nextEntry: n + 2,
        invalidated: null,
      };
      const extra = PART_BYTE_LIMIT - headBytes(trial);
      if (extra >= 0 && extra < 2000) {
        content = {
          ...trial,
          entries: [...trial.entries.slice(0, -1), { ...last, summary: 'a'.repeat(1 + extra) }],
        };
      }
    }
    expect(headBytes(content!)).toBe(PART_BYTE_LIMIT);
    expect((await save('3', content!)).status).toBe('saved');
    expect((await headOf('3')).parts).toBeUndefined();
    // One byte more and it is parted.
    const longer = content!.entries.at(-1)!;
    const over = {
      ...content!,
      entries: [...content!.entries.slice(0, -1), { ...longer, summary: `${longer.summary}a` }],
    };
    expect((await save('3', over)).status).toBe('saved');
    const parted = await headOf('3');
    expect(parted).toMatchObject({ parts: 1, entryCount: content!.entries.length });
    expect(parted.entries).toBeUndefined();
  });

  /**
   * Entries whose first part's JSON is `partBytes` long, the last sized to land on it exactly,
   * and a small entry after them.
   */
  function fillingFirstPart(issueId: string, partBytes: number): EvidenceEntry[] {
    const overhead = bytesOf({
      issueId,
      version: 1,
      writeId: 'abcdef012345',
      index: 0,
      entries: [],
    });
    const log: EvidenceEntry[] = [];
    let used = overhead;
    for (let n = 100; ; n++) {
      const comma = log.length > 0 ? 1 : 0;
      const bare = { ...entry(n), summary: 'a' };
      const room = partBytes - used - comma - bytesOf(bare);
      if (room < 2000) {
        // The last: its summary (at most 2,000 characters) fills the part to the byte.
        const last = { ...bare, summary: 'a'.repeat(1 + room) };
        log.push(last);
        expect(used + comma + bytesOf(last)).toBe(partBytes);
        return [...log, entry(999, 300)];
      }
      // Entries of about 2,100 bytes, then of 1,000 until what is left fits one summary.
      const next = entry(n, room > 4200 ? 2100 : 1000);
      log.push(next);
      used += comma + bytesOf(next);
    }
  }

  it('fills a part up to one byte under the value limit', async () => {
    const log = fillingFirstPart('4', PART_BYTE_LIMIT - 1);
    expect((await save('4', { entries: log })).status).toBe('saved');
    const [first, second] = partKeysOf(await headOf('4'));
    const part = (await readOne(first!)) as { entries: EvidenceEntry[] };
    expect(part.entries).toHaveLength(log.length - 1);
    expect(bytesOf(part)).toBe(PART_BYTE_LIMIT - 1);
    expect(((await readOne(second!)) as { entries: EvidenceEntry[] }).entries).toEqual([
      log.at(-1),
    ]);
  });

  it('starts a new part rather than fill one to the limit itself', async () => {
    const log = fillingFirstPart('5', PART_BYTE_LIMIT);
    expect((await save('5', { entries: log })).status).toBe('saved');
    const [first, second] = partKeysOf(await headOf('5'));
    const part = (await readOne(first!)) as { entries: EvidenceEntry[] };
    expect(part.entries).toHaveLength(log.length - 2);
    expect(((await readOne(second!)) as { entries: EvidenceEntry[] }).entries).toEqual(
      log.slice(-2),
    );
  });

  it('saves a log of exactly the most parts a log may have', async () => {
    // The most entries of 4,100 bytes that fit the parts: found from the first part's room.
    const one = entries(100, 1, 4100)[0]!;
    const overhead = bytesOf({
      issueId: '6',
      version: 1,
      writeId: 'abcdef012345',
      index: 10,
      entries: [],
    });
    const perPart = Math.floor((PART_BYTE_LIMIT - overhead) / (bytesOf(one) + 1));
    let saved: Awaited<ReturnType<typeof save>> | undefined;
    for (
      let n = perPart * MAX_PARTS;
      n > perPart * MAX_PARTS - 5 && saved?.status !== 'saved';
      n--
    ) {
      saved = await save('6', { entries: entries(100, n, 4100) });
    }
    expect(saved?.status).toBe('saved');
    expect((await headOf('6')).parts).toBe(MAX_PARTS);
  });
});

describe('what a save removes', () => {
  it('removes the parts of the version it replaces, to parts or to a whole head', async () => {
    await save('10', { entries: entries(1, 250) });
    const first = partKeysOf(await headOf('10'));
    await save('10', { entries: entries(1, 260) });
    const second = await headOf('10');
    expect(await partKeys('10')).toEqual([...partKeysOf(second)].sort());
    expect(first.some((k) => partKeysOf(second).includes(k))).toBe(false);
    await save('10', { entries: entries(1, 2, 300) });
    expect((await headOf('10')).entries).toHaveLength(2);
    expect(await partKeys('10')).toEqual([]);
  });

  it('removes parts left by writers that lost, but not parts of a newer version', async () => {
    await save('11', { entries: entries(1, 250) }); // version 1
    const older = await plantPart('11', 1, 'eeeeeeeeeeee', 0);
    const sameVersion = await plantPart('11', 2, 'dddddddddddd', 0);
    const newer = await plantPart('11', 3, 'cccccccccccc', 0);
    await save('11', { entries: entries(1, 251) }); // version 2
    const keys = await partKeys('11');
    expect(keys).not.toContain(older);
    expect(keys).not.toContain(sameVersion);
    expect(keys).toContain(newer);
    expect(keys.filter((k) => k !== newer)).toEqual([...partKeysOf(await headOf('11'))].sort());
  });

  it('removes parts left by writers that lost when a whole log becomes parted', async () => {
    await save('14', { entries: entries(1, 2, 300) }); // version 1, whole
    const lost = await plantPart('14', 2, 'eeeeeeeeeeee', 0);
    await save('14', { entries: entries(1, 250) }); // version 2, parted
    const keys = await partKeys('14');
    expect(keys).not.toContain(lost);
    expect(keys).toEqual([...partKeysOf(await headOf('14'))].sort());
  });

  it('removes as many left-over parts as one transaction has room for, the rest on later saves', async () => {
    await save('12', { entries: entries(1, 250) }); // version 1, its parts replaced by the next save
    const previous = partKeysOf(await headOf('12')).length;
    // Parts of a version the next save makes current, from writers that lost: after a page of
    // a newer version's parts (which stay) in key order.
    const newer: string[] = [];
    for (let i = 0; i < 105; i++) {
      newer.push(await plantPart('12', 10, (0xa00000000000 + i).toString(16), i % 12));
    }
    const dead: string[] = [];
    for (let i = 0; i < 30; i++)
      dead.push(await plantPart('12', 2, (0xb00000000000 + i).toString(16), 0));
    await save('12', { entries: entries(1, 251) }); // version 2
    const room = TRANSACTION_OPS - 2 - previous;
    const afterFirst = new Set(await partKeys('12'));
    expect(dead.filter((k) => afterFirst.has(k))).toHaveLength(30 - room);
    expect(newer.every((k) => afterFirst.has(k))).toBe(true);
    await save('12', { entries: entries(1, 252) }); // version 3: replaces version 2's parts
    const afterSecond = new Set(await partKeys('12'));
    expect(dead.filter((k) => afterSecond.has(k))).toEqual([]);
  });

  it('removes the claims the scheme before left, on the first save of such a log', async () => {
    const legacyHead = {
      version: 4,
      issueId: '13',
      updatedAt: now.toISOString(),
      updatedBy: 'user-1',
      nextEntry: 2,
      invalidated: null,
      entries: [entry(1, 300)],
    };
    await writeOne(EVIDENCE_KEYS.log('13'), legacyHead);
    await writeOne(EVIDENCE_KEYS.legacyRevision('13', 4), { claimed: true });
    await writeOne(EVIDENCE_KEYS.legacyRevision('13', 5), { claimed: true });
    const result = await save('13', { entries: [entry(1, 300), entry(2, 300)], nextEntry: 3 });
    expect(result).toMatchObject({ status: 'saved', log: { version: 5 } });
    expect(await readOne(EVIDENCE_KEYS.legacyRevision('13', 4))).toBeUndefined();
    expect(await readOne(EVIDENCE_KEYS.legacyRevision('13', 5))).toBeUndefined();
  });
});

describe('limits', () => {
  it('refuses a log too big for its parts, naming its size, and writes nothing', async () => {
    await save('20', { entries: entries(1, 3, 300) });
    ctx.em.kvs.resetCounts();
    const result = await save('20', { entries: entries(1, 700, 4100) });
    expect(result.status).toBe('full');
    const kib = Math.ceil(bytesOf(entries(1, 700, 4100)) / 1024);
    expect(result.status === 'full' && result.message).toBe(
      `The evidence log of this item is full: its 700 entries need ${kib} KiB, and one item's log may hold about 2400 KiB. Shorten or remove older entries and try again.`,
    );
    expect(ctx.em.kvs.writes()).toBe(0);
    expect((await headOf('20')).entries).toHaveLength(3);
    expect(await partKeys('20')).toEqual([]);
  });

  it(`refuses a log of more than ${MAX_ENTRIES} entries, and lets a full one change and shrink`, async () => {
    const full = entries(1, MAX_ENTRIES, 120);
    expect((await save('21', { entries: full })).status).toBe('saved');
    const more = await save('21', { entries: [...full, entry(5000, 120)] });
    expect(more).toEqual({
      status: 'full',
      message: `The evidence log of this item is full: it holds ${MAX_ENTRIES} entries and one item may have at most ${MAX_ENTRIES}. Remove older entries and try again.`,
    });
    // A full log may still be decided and shrunk.
    const invalidated = { reason: 'no demand', decidedBy: 'user-1', decidedAt: now.toISOString() };
    expect((await save('21', { invalidated })).status).toBe('saved');
    expect((await save('21', { entries: full.slice(1) })).status).toBe('saved');
    expect((await readEvidence('21')).content).toMatchObject({ invalidated });
    expect((await readEvidence('21')).content.entries).toHaveLength(MAX_ENTRIES - 1);
  });
});

describe('races', () => {
  it(`tells a writer that lost ${MAX_ATTEMPTS} races in a row to try again, leaving none of its parts`, async () => {
    await save('30', { entries: entries(1, 2, 300) });
    const mine = entries(100, 250);
    // Each time my save is about to commit, someone else's lands first.
    const holds = Array.from({ length: MAX_ATTEMPTS }, () =>
      ctx.em.kvs.hold(
        (r) =>
          r.op === 'transaction' &&
          JSON.stringify(r.body).includes('record-version') &&
          JSON.stringify(r.body).includes('"parts"'),
      ),
    );
    const mySave = save('30', { entries: mine });
    for (const [i, hold] of holds.entries()) {
      await hold.arrived;
      expect((await save('30', { entries: entries(1, 3 + i, 300) }, 'user-2')).status).toBe(
        'saved',
      );
      hold.release();
    }
    const result = await mySave;
    expect(result).toEqual({
      status: 'busy',
      message: `The evidence log was changed by others ${MAX_ATTEMPTS} times while saving; try again.`,
    });
    const head = await headOf('30');
    expect(head).toMatchObject({ version: 1 + MAX_ATTEMPTS, updatedBy: 'user-2' });
    expect(head.entries).toHaveLength(2 + MAX_ATTEMPTS);
    expect(await partKeys('30')).toEqual([]);
  });

  it('a small log that loses a race saves on the next attempt, with no request for parts', async () => {
    await save('33', { entries: entries(1, 1, 300) });
    const commit = ctx.em.kvs.hold(
      (r) => r.op === 'transaction' && JSON.stringify(r.body).includes('record-version'),
    );
    const mySave = save('33', { entries: entries(1, 2, 300) });
    await commit.arrived;
    expect((await save('33', { entries: entries(1, 3, 300) }, 'user-2')).status).toBe('saved');
    ctx.em.kvs.resetCounts();
    commit.release();
    expect(await mySave).toMatchObject({ status: 'saved', log: { version: 3 } });
    // The lost commit, then a read and a commit: no transaction of parts to write or remove.
    expect(ctx.em.kvs.counts.get('transaction')).toBe(2);
  });

  it('reads again when the parts it read were replaced meanwhile, and saves on the newer version', async () => {
    await save('31', { entries: entries(1, 250) });
    const held = ctx.em.kvs.hold(
      (r) => r.op === 'batch/get' && JSON.stringify(r.body).includes('evidence:31:part:'),
    );
    const mySave = save('31', { entries: entries(1, 260) });
    await held.arrived;
    // Someone else's save replaces version 1 and its parts.
    expect((await save('31', { entries: entries(1, 2, 300) }, 'user-2')).status).toBe('saved');
    held.release();
    expect(await mySave).toMatchObject({ status: 'saved', log: { version: 3 } });
    expect((await readEvidence('31')).content.entries).toHaveLength(260);
  });

  it('names a head whose parts stay missing: the same head read twice is a storage error', async () => {
    await save('32', { entries: entries(1, 250) });
    const [lost] = partKeysOf(await headOf('32'));
    await removeOne(lost!);
    ctx.em.kvs.resetCounts();
    await expect(save('32', { entries: entries(1, 251) })).rejects.toThrow(
      'The stored value at "evidence:32" is not readable: the parts its head points at are missing',
    );
    // Two attempts, each a versioned read of the head and a read of its parts.
    expect(ctx.em.kvs.counts.get('batch/get')).toBe(4);
  });
});
