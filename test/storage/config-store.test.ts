import { DEFAULT_CONFIG } from '../../src/domain/config';
import * as contextStore from '../../src/storage/project-context';
import * as store from '../../src/storage/config-store';
import { RECORD_VERSION_ENTITY, versionKey } from '../../src/storage/versioned-record';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * The configuration store. Each store call runs as one invocation of a resolver that makes it in
 * production (the settings pages' get and save; the project page reads the decision context).
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');

const readProjectContext = (projectKey: string) =>
  inInvocation(ctx.em, 'resolver', 'project/overview: readProjectContext', () =>
    contextStore.readProjectContext(projectKey),
  );
const readGlobalConfig = () =>
  inInvocation(ctx.em, 'resolver', 'settings/global/get: readGlobalConfig', store.readGlobalConfig);
const configHistory = (of: Parameters<typeof store.configHistory>[0]) =>
  inInvocation(ctx.em, 'resolver', 'settings/global/get: configHistory', () =>
    store.configHistory(of),
  );
const saveGlobalConfig = (request: Parameters<typeof store.saveGlobalConfig>[0]) =>
  inInvocation(ctx.em, 'resolver', 'settings/global/save: saveGlobalConfig', () =>
    store.saveGlobalConfig(request),
  );
const saveProjectConfig = (request: Parameters<typeof store.saveProjectConfig>[0]) =>
  inInvocation(ctx.em, 'resolver', 'settings/project/save: saveProjectConfig', () =>
    store.saveProjectConfig(request),
  );

function settingsWith(minInterviews: number) {
  return { ...DEFAULT_CONFIG, validation: { ...DEFAULT_CONFIG.validation, minInterviews } };
}

describe('configuration storage', () => {
  it('reads defaults when nothing is stored, in one storage request', async () => {
    const context = await readProjectContext('DT');
    expect(context.config).toEqual(DEFAULT_CONFIG);
    expect(context.globalVersion).toBe(0);
    expect(ctx.em.kvs.reads()).toBe(1);
  });

  it('saves a new version and reads it back parsed', async () => {
    const saved = await saveGlobalConfig({
      settings: settingsWith(5),
      expectedVersion: 0,
      accountId: 'admin',
      now,
    });
    expect(saved.status).toBe('saved');
    const read = await readGlobalConfig();
    expect(read).toMatchObject({ version: 1, updatedBy: 'admin', updatedAt: now.toISOString() });
    expect(read?.settings.validation.minInterviews).toBe(5);
  });

  it('rejects invalid settings without writing anything', async () => {
    const result = await saveGlobalConfig({
      settings: { validation: { minInterviews: 99 } },
      expectedVersion: 0,
      accountId: 'admin',
      now,
    });
    expect(result.status).toBe('invalid');
    if (result.status === 'invalid') {
      expect(result.issues[0]?.path).toEqual(['validation', 'minInterviews']);
    }
    expect(ctx.em.kvs.keys()).toEqual([]);
  });

  it('gives a second writer based on an old version a conflict with the current values', async () => {
    await saveGlobalConfig({
      settings: settingsWith(4),
      expectedVersion: 0,
      accountId: 'first',
      now,
    });
    const second = await saveGlobalConfig({
      settings: settingsWith(7),
      expectedVersion: 0,
      accountId: 'second',
      now,
    });
    expect(second.status).toBe('conflict');
    if (second.status === 'conflict') {
      expect(second.current?.settings.validation.minInterviews).toBe(4);
      expect(second.message).toBe(
        'The settings were changed by someone else (now version 1, your edit was based on version 0). Review the current values and save again.',
      );
    }
    expect((await readGlobalConfig())?.settings.validation.minInterviews).toBe(4);
  });

  it('lets exactly one of two concurrent writers win', async () => {
    const [a, b] = await Promise.all([
      saveGlobalConfig({ settings: settingsWith(4), expectedVersion: 0, accountId: 'a', now }),
      saveGlobalConfig({ settings: settingsWith(6), expectedVersion: 0, accountId: 'b', now }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual(['conflict', 'saved']);
    const winner = a.status === 'saved' ? 4 : 6;
    expect((await readGlobalConfig())?.settings.validation.minInterviews).toBe(winner);
  });

  it('saves over a record of the scheme before, whose last writer stopped between its two writes', async () => {
    // The scheme before claimed version N+1 under its revision key, then wrote the record: a
    // writer that stopped between the two left a claim nobody was told had been saved.
    const stored = {
      version: 1,
      updatedAt: now.toISOString(),
      updatedBy: 'a',
      settings: settingsWith(4),
    };
    ctx.em.kvs.seed(KEYS.globalConfig, stored);
    ctx.em.kvs.seed(KEYS.revision(KEYS.globalConfig, 1), stored);
    ctx.em.kvs.seed(KEYS.revision(KEYS.globalConfig, 2), {
      ...stored,
      version: 2,
      updatedBy: 'crashed',
      settings: settingsWith(8),
    });
    const saved = await saveGlobalConfig({
      settings: settingsWith(5),
      expectedVersion: 1,
      accountId: 'b',
      now,
    });
    expect(saved.status).toBe('saved');
    expect(await readGlobalConfig()).toMatchObject({ version: 2, updatedBy: 'b' });
    expect((await configHistory({ kind: 'global' })).map((r) => r.updatedBy)).toEqual(['b', 'a']);
    expect(
      ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey(KEYS.globalConfig)),
    ).toMatchObject({ version: 2 });
    const late = await saveGlobalConfig({
      settings: settingsWith(6),
      expectedVersion: 1,
      accountId: 'c',
      now,
    });
    expect(late.status).toBe('conflict');
  });

  it('keeps a bounded history, newest first', async () => {
    for (let v = 0; v < 23; v++) {
      const r = await saveGlobalConfig({
        settings: settingsWith(v % 20),
        expectedVersion: v,
        accountId: `u${v}`,
        now,
      });
      expect(r.status).toBe('saved');
    }
    const history = await configHistory({ kind: 'global' });
    expect(history).toHaveLength(20);
    expect(history[0]?.version).toBe(23);
    expect(history[19]?.version).toBe(4);
    expect(ctx.em.kvs.peek(KEYS.revision(KEYS.globalConfig, 3))).toBeUndefined();
    expect(ctx.em.kvs.peek(KEYS.revision(KEYS.globalConfig, 4))).toMatchObject({ version: 4 });
  });

  it('merges a project override over the global configuration', async () => {
    await saveGlobalConfig({ settings: settingsWith(4), expectedVersion: 0, accountId: 'a', now });
    const saved = await saveProjectConfig({
      projectKey: 'DT',
      projectId: '10000',
      override: { validation: { minUsabilityTests: 2 } },
      expectedVersion: 0,
      accountId: 'p',
      now,
    });
    expect(saved.status).toBe('saved');
    const context = await readProjectContext('DT');
    expect(context.config.validation).toEqual({ minInterviews: 4, minUsabilityTests: 2 });
    expect((await readProjectContext('OTHER')).config.validation.minUsabilityTests).toBe(1);
  });

  it('refuses an override of the wrong shape, naming the field, without writing anything', async () => {
    ctx.em.kvs.resetCounts();
    const result = await saveProjectConfig({
      projectKey: 'DT',
      projectId: '10000',
      override: { validation: { minInterviews: 'many' } },
      expectedVersion: 0,
      accountId: 'p',
      now,
    });
    expect(result.status).toBe('invalid');
    if (result.status === 'invalid') {
      expect(result.issues.map((i) => i.path.join('.'))).toEqual(['validation.minInterviews']);
    }
    expect(ctx.em.kvs.total()).toBe(0);
  });

  it('refuses an override that breaks a cross-field rule against the global values', async () => {
    const result = await saveProjectConfig({
      projectKey: 'DT',
      projectId: '10000',
      override: { runway: { pauseAtSprints: 2 } },
      expectedVersion: 0,
      accountId: 'p',
      now,
    });
    expect(result.status).toBe('invalid');
    expect(ctx.em.kvs.peek(KEYS.projectConfig('DT'))).toBeUndefined();
  });

  it('names the key and the problem when a stored value is unreadable', async () => {
    ctx.em.kvs.seed(KEYS.globalConfig, {
      version: 1,
      settings: { validation: { minInterviews: 'x' } },
    });
    await expect(readProjectContext('DT')).rejects.toThrow(/config:global/);
  });

  it('a storage fault while saving leaves the previous value in place', async () => {
    await saveGlobalConfig({ settings: settingsWith(4), expectedVersion: 0, accountId: 'a', now });
    ctx.em.kvs.failWrites(500);
    await expect(
      saveGlobalConfig({ settings: settingsWith(9), expectedVersion: 1, accountId: 'b', now }),
    ).rejects.toThrow();
    expect((await readGlobalConfig())?.settings.validation.minInterviews).toBe(4);
    const retry = await saveGlobalConfig({
      settings: settingsWith(9),
      expectedVersion: 1,
      accountId: 'b',
      now,
    });
    expect(retry.status).toBe('saved');
  });
});
