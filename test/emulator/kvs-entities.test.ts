import { Filter, FilterConditions, kvs, type ForgeKvsAPIError } from '@forge/kvs';
import { CONDITIONS_NOT_MET } from '../../dev/emulator/kvs-emulator';
import { useEmulator } from '../helpers/emulator';

/**
 * The emulated Custom Entity Store, driven through the real @forge/kvs client: only what
 * manifest.yml declares exists, values are checked against the declared attribute types, and a
 * transaction whose condition fails writes nothing. Injected faults and holds reach entity writes
 * as they reach key-value writes.
 */
const ctx = useEmulator({
  searchLag: { off: true, reason: 'storage only, no Jira search' },
  requireInvocation: {
    off: true,
    reason: 'tests of the storage layer itself: no resolver, trigger or validator is invoked',
  },
});
const ENTITY = 'record-version';
const versionIs = (version: number) =>
  new Filter<{ version: number }>().and('version', FilterConditions.equalTo(version));
const absent = () => new Filter<{ version: number }>().and('version', FilterConditions.notExists());

async function failure(work: Promise<unknown>): Promise<ForgeKvsAPIError> {
  try {
    await work;
  } catch (error) {
    return error as ForgeKvsAPIError;
  }
  throw new Error('expected the request to fail');
}

describe('custom entities', () => {
  it('stores, reads and deletes a declared entity value apart from the key-value store', async () => {
    await kvs.set('config:global#version', 'a key-value value');
    await kvs.entity(ENTITY).set('config:global#version', { version: 3, writeId: 'aaaaaaaaaaaa' });
    expect(await kvs.entity(ENTITY).get('config:global#version')).toEqual({
      version: 3,
      writeId: 'aaaaaaaaaaaa',
    });
    expect(await kvs.get('config:global#version')).toBe('a key-value value');
    const batch = await kvs.batchGet([
      { key: 'config:global#version', entityName: ENTITY },
      { key: 'config:global#version' },
      { key: 'missing', entityName: ENTITY },
    ]);
    expect(batch.successfulKeys.map((k) => [k.entityName, k.value])).toEqual([
      [ENTITY, { version: 3, writeId: 'aaaaaaaaaaaa' }],
      [undefined, 'a key-value value'],
    ]);
    expect(batch.failedKeys.map((k) => [k.key, k.entityName, k.error.code])).toEqual([
      ['missing', ENTITY, 'KEY_NOT_FOUND'],
    ]);
    await kvs.entity(ENTITY).delete('config:global#version');
    expect(await kvs.entity(ENTITY).get('config:global#version')).toBeUndefined();
    expect(ctx.em.kvs.counts.get('entity/get')).toBe(2);
  });

  it('refuses an undeclared entity, an undeclared attribute and a value of the wrong type', async () => {
    expect((await failure(kvs.entity('employee').set('k', { version: 1 }))).code).toBe(
      'INVALID_ENTITY_TYPE',
    );
    expect((await failure(kvs.entity(ENTITY).set('k', { version: 1, extra: true }))).code).toBe(
      'INVALID_ENTITY_VALUE',
    );
    expect((await failure(kvs.entity(ENTITY).set('k', { version: '1' }))).code).toBe(
      'INVALID_ENTITY_VALUE',
    );
    expect((await failure(kvs.entity(ENTITY).set('k', { version: 2 ** 31 }))).code).toBe(
      'INVALID_ENTITY_VALUE',
    );
    expect(ctx.em.kvs.entityKeys(ENTITY)).toEqual([]);
  });
});

describe('transactions with conditions', () => {
  it('creates an entity once with NOT_EXISTS; a second writer fails whole, writing nothing', async () => {
    await kvs
      .transact()
      .set('waivers:DT', { version: 1 })
      .set(
        'waivers:DT#version',
        { version: 1, writeId: 'aaaaaaaaaaaa' },
        { entityName: ENTITY, conditions: absent() },
      )
      .execute();
    const lost = await failure(
      kvs
        .transact()
        .set('waivers:DT', { version: 1, lost: true })
        .set('other', 1)
        .set(
          'waivers:DT#version',
          { version: 1, writeId: 'bbbbbbbbbbbb' },
          { entityName: ENTITY, conditions: absent() },
        )
        .execute(),
    );
    expect(lost.responseDetails.status).toBe(409);
    expect(lost.code).toBe(CONDITIONS_NOT_MET);
    expect(ctx.em.kvs.peek('waivers:DT')).toEqual({ version: 1 });
    expect(ctx.em.kvs.peek('other')).toBeUndefined();
    expect(ctx.em.kvs.peekEntity(ENTITY, 'waivers:DT#version')).toEqual({
      version: 1,
      writeId: 'aaaaaaaaaaaa',
    });
  });

  it('applies a set conditioned on the version read only while that version is current', async () => {
    ctx.em.kvs.seedEntity(ENTITY, 'k#version', { version: 4, writeId: 'aaaaaaaaaaaa' });
    const save = (read: number) =>
      kvs
        .transact()
        .set('k', { version: read + 1 })
        .set(
          'k#version',
          { version: read + 1, writeId: 'cccccccccccc' },
          { entityName: ENTITY, conditions: versionIs(read) },
        )
        .execute();
    await save(4);
    expect((await failure(save(4))).code).toBe(CONDITIONS_NOT_MET);
    expect(ctx.em.kvs.peek('k')).toEqual({ version: 5 });
  });

  it('checks entities without writing them; a check of a missing entity fails', async () => {
    ctx.em.kvs.seedEntity(ENTITY, 'a#version', { version: 2, writeId: 'aaaaaaaaaaaa' });
    await kvs
      .transact()
      .check('a#version', { entityName: ENTITY, conditions: versionIs(2) })
      .set('promoted', true)
      .execute();
    expect(ctx.em.kvs.peek('promoted')).toBe(true);
    const missing = await failure(
      kvs
        .transact()
        .check('b#version', { entityName: ENTITY, conditions: absent() })
        .set('x', 1)
        .execute(),
    );
    expect(missing.code).toBe(CONDITIONS_NOT_MET);
    expect(ctx.em.kvs.peek('x')).toBeUndefined();
  });

  it('keeps the transaction rules: conditions only on entities, each key once, at most 25 operations', () => {
    const body = (payload: unknown) =>
      ctx.em.kvs.handle('/api/v1/transaction', JSON.stringify(payload));
    expect(
      body({
        set: [
          {
            key: 'k',
            value: 1,
            conditions: { and: [{ property: 'version', condition: 'EXISTS', values: [true] }] },
          },
        ],
      }),
    ).toMatchObject({ status: 400 });
    expect(
      body({
        set: [{ key: 'k#version', entityName: ENTITY, value: { version: 1 } }],
        check: [
          {
            key: 'k#version',
            entityName: ENTITY,
            conditions: { and: [{ property: 'version', condition: 'EXISTS', values: [true] }] },
          },
        ],
      }),
    ).toMatchObject({ status: 400, body: { code: 'DUPLICATE_KEY' } });
    expect(
      body({
        set: [
          { key: 'same', value: 1 },
          { key: 'same', entityName: ENTITY, value: { version: 1 } },
        ],
      }),
    ).toMatchObject({ status: 204 });
    expect(
      body({ set: Array.from({ length: 26 }, (_, i) => ({ key: `k${i}`, value: i })) }),
    ).toMatchObject({ status: 400, body: { code: 'TOO_MANY_OPERATIONS' } });
    expect(
      body({ check: [{ key: 'same', entityName: ENTITY, conditions: { and: [], or: [] } }] }),
    ).toMatchObject({ status: 400, body: { code: 'INVALID_FILTER_OPERATORS_COMBINATION' } });
  });
});

describe('faults and holds reach entity writes', () => {
  it('fails an entity set and an entity transaction with the injected status', async () => {
    ctx.em.kvs.failWrites(500, 2);
    expect(
      (await failure(kvs.entity(ENTITY).set('k', { version: 1 }))).responseDetails.status,
    ).toBe(500);
    const tx = await failure(
      kvs
        .transact()
        .set('k#version', { version: 1 }, { entityName: ENTITY, conditions: absent() })
        .execute(),
    );
    expect(tx.responseDetails.status).toBe(500);
    expect(ctx.em.kvs.entityKeys(ENTITY)).toEqual([]);
    ctx.em.kvs.seedEntity(ENTITY, 'k', { version: 1 });
    ctx.em.kvs.failWrites(503, 1, { ops: ['delete'] });
    expect((await failure(kvs.entity(ENTITY).delete('k'))).responseDetails.status).toBe(503);
    expect(ctx.em.kvs.entityKeys(ENTITY)).toEqual(['k']);
  });

  it('holds a transaction in flight until it is released: a later writer lands first', async () => {
    const held = ctx.em.kvs.hold(({ op }) => op === 'transaction');
    const slow = kvs.transact().set('k', 'slow').execute();
    await held.arrived;
    await kvs.set('k', 'fast');
    expect(ctx.em.kvs.peek('k')).toBe('fast');
    held.release();
    await slow;
    expect(ctx.em.kvs.peek('k')).toBe('slow');
  });
});
