/**
 * Keeps manifest.yml honest offline: full @forge/manifest validation, trigger scopes, handlers
 * that really are exported functions, no orphan functions, and negative cases that prove each
 * check fails when the manifest is broken.
 */
import { validateTriggerScopes } from '@forge/manifest';
import type { ManifestSchema } from '@forge/manifest';
import {
  appCopyWithManifest,
  cloneManifest,
  formatValidationErrors,
  manifestScopes,
  missingHandlers,
  modulesOf,
  readManifest,
  referencedFunctionKeys,
  removeTempDirs,
  triggerEvents,
  validateApp,
} from './lint-harness';

const manifest = readManifest();

afterAll(removeTempDirs);

/** Validates a broken copy of the manifest in a temp dir that otherwise mirrors the app. */
async function validateVariant(label: string, edit: (m: ManifestSchema) => void) {
  const copy = cloneManifest(manifest);
  edit(copy);
  return validateApp(appCopyWithManifest(copy, label));
}

function firstFunctionKey(): string {
  const key = modulesOf(manifest, 'function')[0]?.key;
  if (key === undefined) throw new Error('manifest.yml has no function module');
  return key;
}

describe('manifest.yml: full @forge/manifest validation', () => {
  it('passes with no errors or warnings', async () => {
    const { errors } = await validateApp();
    if (errors.length > 0) {
      throw new Error(
        `validate(false, 'manifest.yml') reported:\n${formatValidationErrors(errors)}`,
      );
    }
    expect(errors).toEqual([]);
  });

  it('an unchanged copy in a temp dir also passes (so the negative cases below are fair)', async () => {
    const { errors } = await validateVariant('manifest-copy', () => undefined);
    expect(formatValidationErrors(errors)).toBe('');
  });

  it('reports a duplicate module key', async () => {
    const key = firstFunctionKey();
    const { success, errors } = await validateVariant('manifest-dupkey', (m) => {
      const functions = m.modules?.function;
      if (!functions) throw new Error('no function modules');
      functions.push({ key, handler: 'index.duplicate' });
    });
    expect(success).toBe(false);
    expect(errors.map((e) => e.message)).toContain(`found duplicate module key '${key}'`);
  });

  it('reports an unsupported runtime (nodejs18.x)', async () => {
    const { success, errors } = await validateVariant('manifest-runtime', (m) => {
      m.app.runtime.name = 'nodejs18.x' as ManifestSchema['app']['runtime']['name'];
    });
    expect(success).toBe(false);
    expect(formatValidationErrors(errors)).toMatch(
      /app runtime property name 'nodejs18\.x' allowed values are .*'nodejs22\.x'/,
    );
  });

  it('reports a module that points at a function that does not exist', async () => {
    const { success, errors } = await validateVariant('manifest-dangling', (m) => {
      const functions = m.modules?.function;
      if (!functions) throw new Error('no function modules');
      functions.splice(0, functions.length, { key: 'not-referenced', handler: 'index.nothing' });
    });
    expect(success).toBe(false);
    expect(formatValidationErrors(errors)).toMatch(
      new RegExp(`references undefined function module with key '${firstFunctionKey()}'`),
    );
  });

  it('reports a handler whose file does not exist under src/', async () => {
    const { success, errors } = await validateVariant('manifest-handler-file', (m) => {
      const fn = m.modules?.function?.[0];
      if (!fn) throw new Error('no function modules');
      fn.handler = 'no-such-file.handler';
    });
    expect(success).toBe(false);
    expect(errors.map((e) => e.message)).toContain(
      "function handler property 'no-such-file.handler' cannot find associated file with name 'no-such-file.(tsx|jsx|ts|js|cjs)'",
    );
  });
});

describe('manifest.yml: app settings', () => {
  it('runs on nodejs22.x', () => {
    expect(manifest.app.runtime.name).toBe('nodejs22.x');
  });

  it('declares each scope once', () => {
    const scopes = manifestScopes(manifest);
    expect(scopes.length).toBeGreaterThan(0);
    expect(new Set(scopes).size).toBe(scopes.length);
  });
});

/** One line per trigger event the manifest's scopes do not cover. */
async function triggerScopeProblems(m: ManifestSchema): Promise<string[]> {
  const scopes = manifestScopes(m);
  const results = await Promise.all(
    triggerEvents(m).map(async ({ key, event }) => ({
      key,
      ...(await validateTriggerScopes(event, scopes)),
    })),
  );
  return results
    .filter((r) => !r.valid)
    .map((r) => `trigger ${r.key}: ${r.event} needs ${r.missingScopes.join(', ')}`);
}

describe('manifest.yml: trigger scopes', () => {
  it('every trigger event is covered by the manifest scopes', async () => {
    expect(await triggerScopeProblems(manifest)).toEqual([]);
  });

  it('the check bites: a trigger on avi:jira:updated:issue with only storage:app', async () => {
    const copy = cloneManifest(manifest);
    const modules = (copy.modules ?? {}) as Record<string, unknown[]>;
    modules['trigger'] = [
      ...(modules['trigger'] ?? []),
      { key: 'probe-trigger', function: firstFunctionKey(), events: ['avi:jira:updated:issue'] },
    ];
    copy.permissions = { scopes: ['storage:app'] };
    expect(await triggerScopeProblems(copy)).toContain(
      'trigger probe-trigger: avi:jira:updated:issue needs read:jira-work',
    );
  });

  it('validateTriggerScopes returns the missing and required scopes', async () => {
    const result = await validateTriggerScopes('avi:jira:updated:issue', ['storage:app']);
    expect(result).toMatchObject({
      valid: false,
      event: 'avi:jira:updated:issue',
      missingScopes: ['read:jira-work'],
      requiredScopes: { current: ['read:jira-work'] },
    });
    const fixed = await validateTriggerScopes('avi:jira:updated:issue', ['read:jira-work']);
    expect(fixed).toMatchObject({ valid: true, missingScopes: [] });
  });
});

describe('manifest.yml: functions', () => {
  const functions = modulesOf(manifest, 'function');

  it('has at least one function module', () => {
    expect(functions.length).toBeGreaterThan(0);
  });

  it('every handler is index.<name>, an exported function of src/index.ts', async () => {
    expect(await missingHandlers(manifest)).toEqual([]);
    for (const fn of functions) expect(String(fn['handler'])).toMatch(/^index\.\w+$/);
  });

  it('the handler check bites: a handler in another file is reported, even when it exists', async () => {
    const copy = cloneManifest(manifest);
    const fn = copy.modules?.function?.[0];
    if (!fn) throw new Error('no function modules');
    // A real export of a real file, but not through the table of contents.
    fn.handler = 'triggers/sprint-guard.sprintGuard';
    expect(await missingHandlers(copy)).toEqual([
      `${fn.key}: handler triggers/sprint-guard.sprintGuard must be index.<export of src/index.ts>`,
    ]);
  });

  it('the handler check bites: a handler naming a missing export is reported', async () => {
    const copy = cloneManifest(manifest);
    const fn = copy.modules?.function?.[0];
    if (!fn) throw new Error('no function modules');
    fn.handler = 'index.noSuchExport';
    expect(await missingHandlers(copy)).toEqual([
      `${fn.key}: src/index does not export a function named noSuchExport`,
    ]);
  });

  it('every function module is referenced by some module (no orphans)', () => {
    const referenced = referencedFunctionKeys(manifest);
    const orphans = functions.map((f) => f.key).filter((key) => !referenced.has(key));
    expect(orphans).toEqual([]);
  });

  it('the orphan check bites: an extra unreferenced function is found', () => {
    const copy = cloneManifest(manifest);
    copy.modules?.function?.push({ key: 'orphan-fn', handler: 'index.orphan' });
    const referenced = referencedFunctionKeys(copy);
    const orphans = modulesOf(copy, 'function')
      .map((f) => f.key)
      .filter((key) => !referenced.has(key));
    expect(orphans).toEqual(['orphan-fn']);
  });
});

describe('manifest.yml: Automation and Rovo offer the same actions', () => {
  const keysOf = (module: string, field: string): string[] =>
    modulesOf(manifest, module).flatMap((m) => (m as Record<string, unknown>)[field] as string[]);
  const actionKeys = modulesOf(manifest, 'action').map((a) => a.key);

  it('the Automation provider and the Rovo agent list every action module, and only those', () => {
    expect(actionKeys.length).toBeGreaterThan(0);
    expect([...keysOf('automation:actionProvider', 'actions')].sort()).toEqual(
      [...actionKeys].sort(),
    );
    expect([...keysOf('rovo:agent', 'actions')].sort()).toEqual([...actionKeys].sort());
  });

  it('the validator bites on the agent: a name over 30 characters is refused', async () => {
    const { success, errors } = await validateVariant('rovo-name', (m) => {
      const agent = (m.modules as Record<string, Array<{ name: string }>>)['rovo:agent']?.[0];
      if (agent) agent.name = 'Dual Track discovery and delivery agent';
    });
    expect(success).toBe(false);
    expect(formatValidationErrors(errors)).toMatch(/rovo:agent/);
  });
});
