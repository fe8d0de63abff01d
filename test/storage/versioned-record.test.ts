import { kvs } from '@forge/kvs';
import { z } from 'zod';
import { writeOne } from '../../src/storage/kvs-store';
import {
  RECORD_VERSION_ENTITY,
  RecordConflictError,
  changeRecord,
  commitVersion,
  confirmUnchanged,
  numericField,
  readVersioned,
  readVersions,
  restoreOne,
  restoreTogether,
  restoreVersioned,
  versionKey,
  type RecordVersion,
} from '../../src/storage/versioned-record';
import { STORAGE_ONLY, useEmulator } from '../helpers/emulator';

/**
 * Versioned records on their own: a record beside its version entity, read together; a write
 * that lands only on the version it read; decisions pinned to the versions they read; a writer
 * that keeps losing told so; imports that set or remove a record with its entity.
 */
const ctx = useEmulator(STORAGE_ONLY);

const versionOf = numericField('version');
const entityOf = (key: string) =>
  ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey(key)) as RecordVersion | undefined;
const setEntity = (key: string, version: number, writeId: string) =>
  ctx.em.kvs.seedEntity(RECORD_VERSION_ENTITY, versionKey(key), { version, writeId });
const batchReads = () => ctx.em.kvs.counts.get('batch/get') ?? 0;

const Note = z.object({ version: z.number(), text: z.string() }).strict();
type Note = z.infer<typeof Note>;

describe('reading a record with its version', () => {
  it('reads the record, its entity and other keys in one request; the entity gives the version', async () => {
    await writeOne('note:a', { version: 3, text: 'a' });
    await writeOne('other', 'x');
    setEntity('note:a', 3, 'aaaaaaaaaaaa');
    const { values, read } = await readVersioned('note:a', versionOf, ['other', 'note:a']);
    expect(batchReads()).toBe(1);
    expect([...values.entries()]).toEqual([
      ['note:a', { version: 3, text: 'a' }],
      ['other', 'x'],
    ]);
    expect(read).toEqual({ entity: { version: 3, writeId: 'aaaaaaaaaaaa' }, version: 3 });
  });

  it('without an entity, the version the value carries (0 for none)', async () => {
    await writeOne('note:b', { version: 2, text: 'b' });
    await expect(readVersioned('note:b', versionOf)).resolves.toMatchObject({
      read: { entity: undefined, version: 2 },
    });
    await expect(readVersioned('note:none', versionOf)).resolves.toMatchObject({
      read: { entity: undefined, version: 0 },
    });
  });

  it('reads again while value and entity disagree (a write between the two), three times at most', async () => {
    await writeOne('note:c', { version: 1, text: 'c' });
    setEntity('note:c', 2, 'cccccccccccc');
    const { read } = await readVersioned('note:c', versionOf);
    expect(batchReads()).toBe(3);
    expect(read.version).toBe(2);
  });

  it('names the keys storage could not read', async () => {
    jest.spyOn(kvs, 'batchGet').mockResolvedValueOnce({
      successfulKeys: [],
      failedKeys: [{ key: 'note:d', error: { code: 'INTERNAL_SERVER_ERROR', message: 'later' } }],
    });
    await expect(readVersioned('note:d', versionOf)).rejects.toThrow(
      'Storage could not read 1 key(s): note:d: INTERNAL_SERVER_ERROR later',
    );
  });
});

describe('reading several versions', () => {
  it('maps each record key to its entity, missing ones left out, in one request', async () => {
    setEntity('note:e', 5, 'eeeeeeeeeeee');
    setEntity('note:f', 1, 'ffffffffffff');
    const versions = await readVersions(['note:e', 'note:f', 'note:none']);
    expect(batchReads()).toBe(1);
    expect([...versions.entries()]).toEqual([
      ['note:e', { version: 5, writeId: 'eeeeeeeeeeee' }],
      ['note:f', { version: 1, writeId: 'ffffffffffff' }],
    ]);
    ctx.em.kvs.resetCounts();
    await expect(readVersions([])).resolves.toEqual(new Map());
    expect(ctx.em.kvs.total()).toBe(0);
  });

  it('names the versions storage could not read', async () => {
    jest.spyOn(kvs, 'batchGet').mockResolvedValueOnce({
      successfulKeys: [],
      failedKeys: [
        { key: 'note:g#version', error: { code: 'KEY_NOT_FOUND', message: 'none' } },
        { key: 'note:h#version', error: { code: 'INTERNAL_SERVER_ERROR', message: 'later' } },
      ],
    });
    await expect(readVersions(['note:g', 'note:h'])).rejects.toThrow(
      'Storage could not read 1 version(s): note:h#version: INTERNAL_SERVER_ERROR later',
    );
  });
});

afterEach(() => jest.restoreAllMocks());

describe('committing a version', () => {
  it('lands on the version it read, with its sets; deletes never remove what it writes', async () => {
    const { read } = await readVersioned('note:i', versionOf);
    await writeOne('old', 1);
    const landed = await commitVersion({
      key: 'note:i',
      value: { version: 1, text: 'i' },
      version: 1,
      read,
      writeId: '111111111111',
      sets: [{ key: 'note:i:rev:1', value: 'r1' }],
      deletes: ['note:i', 'note:i:rev:1', 'old'],
    });
    expect(landed).toBe(true);
    expect(ctx.em.kvs.peek('note:i')).toEqual({ version: 1, text: 'i' });
    expect(ctx.em.kvs.peek('note:i:rev:1')).toBe('r1');
    expect(ctx.em.kvs.peek('old')).toBeUndefined();
    expect(entityOf('note:i')).toEqual({ version: 1, writeId: '111111111111' });
  });

  it('loses to a write that landed since its read, changing nothing', async () => {
    const { read } = await readVersioned('note:j', versionOf);
    await commitVersion({ key: 'note:j', value: { version: 1, text: 'first' }, version: 1, read });
    const second = await commitVersion({
      key: 'note:j',
      value: { version: 1, text: 'second' },
      version: 1,
      read,
    });
    expect(second).toBe(false);
    expect(ctx.em.kvs.peek('note:j')).toEqual({ version: 1, text: 'first' });
  });

  it('a commit whose answer was lost on the way back counts as landed', async () => {
    const { read } = await readVersioned('note:k', versionOf);
    ctx.em.kvs.failWrites(503, 1, { ops: ['transaction'], afterApply: true });
    await expect(
      commitVersion({ key: 'note:k', value: { version: 1, text: 'k' }, version: 1, read }),
    ).resolves.toBe(true);
  });

  it('a failure with nothing landed and nothing changed is thrown', async () => {
    const { read } = await readVersioned('note:l', versionOf);
    ctx.em.kvs.failWrites(503, 1, { ops: ['transaction'] });
    await expect(
      commitVersion({ key: 'note:l', value: { version: 1, text: 'l' }, version: 1, read }),
    ).rejects.toThrow();
    expect(ctx.em.kvs.peek('note:l')).toBeUndefined();
  });
});

describe('pinning a decision to what it read', () => {
  it('holds while the records are unchanged, and fails once one changed', async () => {
    setEntity('note:m', 2, 'abababababab');
    setEntity('note:n', 4, 'cdcdcdcdcdcd');
    const m = (await readVersioned('note:m', versionOf)).read;
    const n = (await readVersioned('note:n', versionOf)).read;
    const records = [
      { key: 'note:m', read: m },
      { key: 'note:n', read: n },
    ];
    await expect(confirmUnchanged(records)).resolves.toBe(true);
    setEntity('note:n', 5, 'efefefefefef');
    await expect(confirmUnchanged(records)).resolves.toBe(false);
    // The same version number by another writer is a change too.
    setEntity('note:n', 4, '012301230123');
    await expect(confirmUnchanged(records)).resolves.toBe(false);
  });

  it('gives a record of the scheme before its entity at the version read, removing what it left', async () => {
    await writeOne('note:q', { version: 7, text: 'q' });
    await writeOne('note:q:claim:7', 'left over');
    const { read } = await readVersioned('note:q', versionOf);
    await expect(
      confirmUnchanged([{ key: 'note:q', read, legacyKeys: ['note:q:claim:7'] }]),
    ).resolves.toBe(true);
    expect(entityOf('note:q')).toMatchObject({ version: 7 });
    expect(ctx.em.kvs.peek('note:q:claim:7')).toBeUndefined();
    // Another decision that read it before it had an entity: it changed since.
    await expect(confirmUnchanged([{ key: 'note:q', read }])).resolves.toBe(false);
  });

  it('an adoption whose answer was lost on the way back counts as holding', async () => {
    await writeOne('note:r', { version: 1, text: 'r' });
    const { read } = await readVersioned('note:r', versionOf);
    ctx.em.kvs.failWrites(503, 1, { ops: ['transaction'], afterApply: true });
    await expect(confirmUnchanged([{ key: 'note:r', read }])).resolves.toBe(true);
  });

  it('a storage failure while nothing changed is thrown, not taken for a change', async () => {
    setEntity('note:s', 1, '456745674567');
    const { read } = await readVersioned('note:s', versionOf);
    ctx.em.kvs.failWrites(503, 1, { ops: ['transaction'] });
    await expect(confirmUnchanged([{ key: 'note:s', read }])).rejects.toThrow();
  });
});

describe('changing a record', () => {
  const spec = (
    key: string,
    extra: { attempts?: number; legacyKeys?: (v: number) => string[] } = {},
  ) => ({
    key,
    schema: Note,
    noun: 'note',
    ...extra,
  });
  const append = (text: string) => (current: Note | undefined, version: number) => ({
    write: { version: version + 1, text: `${current?.text ?? ''}${text}` },
    detail: text,
  });

  it('saves the next version and says so; keeping writes nothing', async () => {
    await expect(changeRecord(spec('note:t'), append('a'))).resolves.toEqual({
      saved: true,
      value: { version: 1, text: 'a' },
      version: 1,
      detail: 'a',
    });
    ctx.em.kvs.resetCounts();
    await expect(changeRecord(spec('note:t'), () => ({ keep: 'same' }))).resolves.toEqual({
      saved: false,
      value: { version: 1, text: 'a' },
      version: 1,
      detail: 'same',
    });
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('refuses a new value that does not carry the next version', async () => {
    await expect(
      changeRecord(spec('note:u'), () => ({ write: { version: 5, text: 'x' }, detail: 0 })),
    ).rejects.toThrow('note:u: a new version must carry version 1');
    expect(ctx.em.kvs.peek('note:u')).toBeUndefined();
  });

  it('removes what the scheme before left on the first save of its record, only then', async () => {
    await writeOne('note:v', { version: 2, text: 'v' });
    await writeOne('note:v:rev:2', 'old');
    const legacyKeys = (v: number) => [`note:v:rev:${v}`];
    await changeRecord(spec('note:v', { legacyKeys }), append('w'));
    expect(ctx.em.kvs.peek('note:v:rev:2')).toBeUndefined();
    await writeOne('note:v:rev:3', 'kept');
    await changeRecord(spec('note:v', { legacyKeys }), append('x'));
    expect(ctx.em.kvs.peek('note:v:rev:3')).toBe('kept');
    expect(ctx.em.kvs.peek('note:v')).toEqual({ version: 4, text: 'vwx' });
  });

  it('after losing every attempt, a conflict naming the record and the attempts; nothing saved', async () => {
    let calls = 0;
    const error = await changeRecord(spec('note:w', { attempts: 3 }), (current, version) => {
      calls += 1;
      // Someone else's save lands between this read and this write, every time.
      setEntity('note:w', version + 1, `${'a'.repeat(11)}${calls}`);
      return { write: { version: version + 1, text: 'mine' }, detail: 0 };
    }).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(RecordConflictError);
    expect((error as RecordConflictError).name).toBe('RecordConflictError');
    expect((error as RecordConflictError).failure).toEqual({
      code: 'conflict',
      message:
        'The note (note:w) changed 3 times while this change was being saved; nothing of this change was saved. Try again.',
    });
    expect(ctx.em.kvs.peek('note:w')).toBeUndefined();
  });
});

describe('imports', () => {
  it('restore a record with a new entity that writers who read before cannot commit over', async () => {
    const { read } = await readVersioned('note:x', versionOf);
    await restoreVersioned('note:x', { version: 9, text: 'restored' }, 9);
    expect(entityOf('note:x')).toMatchObject({ version: 9 });
    await expect(
      commitVersion({ key: 'note:x', value: { version: 1, text: 'late' }, version: 1, read }),
    ).resolves.toBe(false);
    expect(ctx.em.kvs.peek('note:x')).toEqual({ version: 9, text: 'restored' });
  });

  it('set and remove keys together, a versioned record with its entity', async () => {
    await restoreTogether([
      { key: 'note:y', value: { version: 2, text: 'y' }, versioned: true, version: 2 },
      { key: 'plain', value: 'p', versioned: false, version: 0 },
    ]);
    expect(entityOf('note:y')).toMatchObject({ version: 2 });
    expect(ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey('plain'))).toBeUndefined();
    await restoreTogether([
      { key: 'note:y', value: undefined, versioned: true, version: 0 },
      { key: 'plain', value: undefined, versioned: false, version: 0 },
    ]);
    expect(ctx.em.kvs.peek('note:y')).toBeUndefined();
    expect(entityOf('note:y')).toBeUndefined();
    expect(ctx.em.kvs.peek('plain')).toBeUndefined();
  });

  it('set or remove one key, a versioned record with its entity', async () => {
    await restoreOne({
      key: 'note:z',
      value: { version: 3, text: 'z' },
      versioned: true,
      version: 3,
    });
    expect(entityOf('note:z')).toMatchObject({ version: 3 });
    await restoreOne({ key: 'note:z', value: undefined, versioned: true, version: 0 });
    expect(ctx.em.kvs.peek('note:z')).toBeUndefined();
    expect(entityOf('note:z')).toBeUndefined();
    await restoreOne({ key: 'solo', value: 's', versioned: false, version: 0 });
    expect(ctx.em.kvs.peek('solo')).toBe('s');
    expect(ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey('solo'))).toBeUndefined();
    await restoreOne({ key: 'solo', value: undefined, versioned: false, version: 0 });
    expect(ctx.em.kvs.peek('solo')).toBeUndefined();
  });
});
