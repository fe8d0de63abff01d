/**
 * Keeps manifest.yml honest offline: full @forge/manifest validation, trigger scopes, handlers
 * that really are exported functions, no orphan functions, and negative cases that prove each
 * check fails when the manifest is broken.
 */
import path from 'path';
import { validateTriggerScopes } from '@forge/manifest';
import type { ManifestSchema } from '@forge/manifest';
import {
  REPO_ROOT,
  appCopyWithManifest,
  cloneManifest,
  formatValidationErrors,
  manifestScopes,
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
      throw new Error(`validate(false, 'manifest.yml') reported:\n${formatValidationErrors(errors)}`);
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

describe('manifest.yml: trigger scopes', () => {
  it('every trigger event is covered by the manifest scopes', async () => {
    const scopes = manifestScopes(manifest);
    const results = await Promise.all(
      triggerEvents(manifest).map(async ({ key, event }) => ({
        key,
        ...(await validateTriggerScopes(event, scopes)),
      })),
    );
    const problems = results
      .filter((r) => !r.valid)
      .map((r) => `trigger ${r.key}: ${r.event} needs ${r.missingScopes.join(', ')}`);
    expect(problems).toEqual([]);
  });

  it('validateTriggerScopes reports a trigger on avi:jira:updated:issue with only storage:app', async () => {
    const result = await validateTriggerScopes('avi:jira:updated:issue', ['storage:app']);
    expect(result).toMatchObject({
      valid: false,
      event: 'avi:jira:updated:issue',
      missingScopes: ['read:jira-work'],
      requiredScopes: { current: ['read:jira-work'] },
    });
    // and accepts it once the scope is granted
    const fixed = await validateTriggerScopes('avi:jira:updated:issue', ['read:jira-work']);
    expect(fixed).toMatchObject({ valid: true, missingScopes: [] });
  });
});

describe('manifest.yml: functions', () => {
  const functions = modulesOf(manifest, 'function');

  it('has at least one function module', () => {
    expect(functions.length).toBeGreaterThan(0);
  });

  it('every handler is an exported function of its src/ file', async () => {
    const missing: string[] = [];
    for (const fn of functions) {
      const handler = fn['handler'];
      const match = typeof handler === 'string' ? /^([\w-]+)\.(\w+)$/.exec(handler) : null;
      if (!match?.[1] || !match[2]) {
        missing.push(`${fn.key}: handler ${String(handler)} is not "<file>.<export>"`);
        continue;
      }
      const [, file, exportName] = match;
      const mod: unknown = await import(path.join(REPO_ROOT, 'src', file));
      const value: unknown =
        typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>)[exportName] : undefined;
      if (typeof value !== 'function') {
        missing.push(`${fn.key}: src/${file}.ts does not export a function named ${exportName}`);
      }
    }
    expect(missing).toEqual([]);
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
