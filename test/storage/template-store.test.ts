import { BUILT_IN_TEMPLATES } from '../../src/domain/discovery-templates';
import {
  readTemplates as readStored,
  resetTemplates as resetStored,
  saveTemplates as saveStored,
} from '../../src/storage/template-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * Storage of the discovery templates: built-ins by default, versioned saves, reset. Each store
 * call runs as one invocation of the resolver that makes it in production.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');

const readTemplates = () =>
  inInvocation(ctx.em, 'resolver', 'templates/get: readTemplates', readStored);
const saveTemplates = (request: Parameters<typeof saveStored>[0]) =>
  inInvocation(ctx.em, 'resolver', 'templates/save: saveTemplates', () => saveStored(request));
const resetTemplates = (request: Parameters<typeof resetStored>[0]) =>
  inInvocation(ctx.em, 'resolver', 'templates/reset: resetTemplates', () => resetStored(request));

function edited(heading: string) {
  const t = structuredClone([...BUILT_IN_TEMPLATES]);
  t[0]!.sections[0]!.heading = heading;
  return t;
}

describe('discovery template storage', () => {
  it('reads the built-ins when nothing is stored', async () => {
    await expect(readTemplates()).resolves.toEqual({
      version: 0,
      templates: BUILT_IN_TEMPLATES,
      edited: false,
    });
  });

  it('saves a version and reads it back; an invalid save writes nothing', async () => {
    const bad = edited('');
    const refused = await saveTemplates({
      templates: bad,
      expectedVersion: 0,
      accountId: 'a',
      now,
    });
    expect(refused.status).toBe('invalid');
    expect(ctx.em.kvs.keys()).toEqual([]);

    const saved = await saveTemplates({
      templates: edited('Customer problem'),
      expectedVersion: 0,
      accountId: 'admin',
      now,
    });
    expect(saved.status).toBe('saved');
    const read = await readTemplates();
    expect(read).toMatchObject({ version: 1, edited: true, updatedBy: 'admin' });
    expect(read.templates[0]?.sections[0]?.heading).toBe('Customer problem');
    expect(ctx.em.kvs.peek(KEYS.revision(KEYS.discoveryTemplates, 1))).toBeDefined();
  });

  it('refuses a save based on an older version with the current templates, never overwriting', async () => {
    await saveTemplates({ templates: edited('First'), expectedVersion: 0, accountId: 'a', now });
    const late = await saveTemplates({
      templates: edited('Second'),
      expectedVersion: 0,
      accountId: 'b',
      now,
    });
    expect(late.status).toBe('conflict');
    expect(late.status === 'conflict' && late.message).toMatch(
      /^The discovery templates were changed by someone else/,
    );
    expect((await readTemplates()).templates[0]?.sections[0]?.heading).toBe('First');
  });

  it('resets to the built-ins as a new version, keeping the edit in the revisions', async () => {
    await saveTemplates({ templates: edited('First'), expectedVersion: 0, accountId: 'a', now });
    expect((await resetTemplates({ expectedVersion: 0, accountId: 'a', now })).status).toBe(
      'conflict',
    );
    expect((await resetTemplates({ expectedVersion: 1, accountId: 'a', now })).status).toBe(
      'saved',
    );
    const read = await readTemplates();
    expect(read).toMatchObject({ version: 2, edited: false, templates: BUILT_IN_TEMPLATES });
    expect(ctx.em.kvs.peek(KEYS.revision(KEYS.discoveryTemplates, 1))).toMatchObject({
      version: 1,
    });
  });

  it('refuses to read a stored record that is not valid', async () => {
    ctx.em.kvs.seed(KEYS.discoveryTemplates, { version: 1, templates: [] });
    await expect(readTemplates()).rejects.toThrow(/config:templates/);
  });
});
