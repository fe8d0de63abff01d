/**
 * Runs `forge lint`'s client-side linters (@forge/lint) offline over src/ with the real manifest,
 * and proves with temp-dir apps that a missing scope fails the lint.
 *
 * The linter's scope check only sees `requestJira(route`...`, { method })` written out in one
 * call. The app sends its requests through a gateway, so the routes in src/ are also replayed to
 * the linter in that shape (a generated probe file); that is what makes a missing scope, or a
 * scope nothing uses, visible here.
 */
import fs from 'fs';
import path from 'path';
import { PermissionLinter } from '@forge/lint';
import { validateTriggerScopes } from '@forge/manifest';
import type { ManifestSchema } from '@forge/manifest';
import {
  LINT_ENVIRONMENT,
  REPO_ROOT,
  SUBSET_SPECS,
  cloneManifest,
  findJiraCalls,
  formatLintProblems,
  importsModule,
  listSourceFiles,
  makeTempDir,
  memoizeSchemaCompilation,
  manifestScopes,
  readManifest,
  removeTempDirs,
  runForgeLint,
  triggerEvents,
  writeFiles,
  writeJiraCallsProbe,
} from './lint-harness';
import type { JiraCall, LintProblem, LintRun } from './lint-harness';

const manifest = readManifest();
const sourceFiles = listSourceFiles();
const jiraCalls = findJiraCalls(sourceFiles);
/** Source files that call `requestJira` themselves (the gateway). */
const callingFiles = sourceFiles.filter((f) =>
  fs.readFileSync(path.join(REPO_ROOT, f), 'utf8').includes('requestJira'),
);
let probeFile = '';

/**
 * Operations whose contract names no current scope (only a Beta one the docs recommend adding now
 * because it will become mandatory). The linter cannot check these, so this test does: the
 * contract must still say so, and the manifest must grant the recommended scope.
 */
const NO_CURRENT_SCOPE: Record<
  string,
  { spec: 'platform' | 'software'; template: string; recommended: string }
> = {
  'PUT /rest/api/3/app/field/{}/value': {
    spec: 'platform',
    template: '/rest/api/3/app/field/{fieldIdOrKey}/value',
    recommended: 'write:app-data:jira',
  },
  // The 2022 Jira Software contract lists an empty scope set; the emulator requires this scope
  // (dev/emulator/jira-emulator.ts ASSUMED_SCOPES), so the manifest must grant it.
  'GET /rest/agile/1.0/board': {
    spec: 'software',
    template: '/rest/agile/1.0/board',
    recommended: 'read:board-scope:jira-software',
  },
};

interface ScopeEntry {
  scopes: string[];
  state: string;
}

function contractScopes(
  spec: 'platform' | 'software',
  method: string,
  template: string,
): ScopeEntry[] {
  const file = JSON.parse(fs.readFileSync(SUBSET_SPECS[spec], 'utf8')) as {
    paths: Record<
      string,
      Record<
        string,
        {
          'x-atlassian-oauth2-scopes'?: ScopeEntry[];
          security?: Array<Record<string, string[]>>;
        }
      >
    >;
  };
  const op = file.paths[template]?.[method.toLowerCase()];
  const fromSecurity = (op?.security ?? [])
    .filter((s) => 'OAuth2' in s)
    .map((s) => ({ scopes: s['OAuth2'] ?? [], state: 'Current' }));
  return [...(op?.['x-atlassian-oauth2-scopes'] ?? []), ...fromSecurity];
}

const exceptionFor = (call: JiraCall) =>
  call.method === undefined ? undefined : NO_CURRENT_SCOPE[`${call.method} ${call.path}`];

const failing = (problems: readonly LintProblem[]) =>
  problems.filter((p) => p.level === 'error' || p.level === 'approval');

/**
 * `forge lint` (client-side) over src/**\/*.ts plus the probe, with `m` as the manifest object.
 * With `onlyPermissions`, only the scope linter, over the files that call Jira themselves (the
 * gateway) and the probe, which replays every route in src/: the other files hold no call the
 * linter can see (\`can check the scope of every Jira call\` above proves the probe covers them).
 */
function lintApp(m: ManifestSchema, onlyPermissions = false): Promise<LintRun> {
  const files = onlyPermissions ? [...callingFiles, probeFile] : [...sourceFiles, probeFile];
  return runForgeLint({
    appDir: REPO_ROOT,
    files,
    standaloneFiles: [probeFile],
    manifest: m,
    ...(onlyPermissions
      ? { linters: (lm, logger) => [new PermissionLinter(LINT_ENVIRONMENT, lm, logger)] }
      : {}),
  });
}

let realRun: LintRun;
let undoMemoize: () => void = () => undefined;

beforeAll(async () => {
  undoMemoize = await memoizeSchemaCompilation();
  probeFile = writeJiraCallsProbe(jiraCalls, makeTempDir('jira-calls'));
  // The first run builds @forge/manifest's validators (a few seconds); later runs reuse them.
  realRun = await lintApp(manifest);
}, 60_000);

afterAll(() => {
  undoMemoize();
  removeTempDirs();
});

describe('forge lint (client-side, offline) on the real app', () => {
  it('uses the project’s own Jira spec subsets', () => {
    expect(fs.existsSync(SUBSET_SPECS.platform)).toBe(true);
    expect(fs.existsSync(SUBSET_SPECS.software)).toBe(true);
  });

  // Warnings count too: a handler that is not exported is only a warning for the linter.
  it('reports no errors or warnings', () => {
    const problems = realRun.problems.map((p) =>
      p.file === probeFile ? { ...p, file: originOf(p.line) } : p,
    );
    if (problems.length > 0) {
      throw new Error(`forge lint reported:\n${formatLintProblems(problems)}`);
    }
    expect(problems).toEqual([]);
  });

  it('parses every src/**/*.ts file (tsconfig include is a glob the linter understands)', () => {
    expect(sourceFiles.length).toBeGreaterThan(0);
    expect(sourceFiles.filter((f) => !realRun.filesSeen.has(f))).toEqual([]);
  });

  // The linter matches a call to the first spec path whose pattern fits and takes that
  // operation's scopes; a call it cannot match (not in dev/contracts, wrong method, or shadowed by
  // another path) needs no scope as far as it knows. With no scopes granted, every call must fail.
  it('can check the scope of every Jira call in src/', async () => {
    const none = cloneManifest(manifest);
    none.permissions = { ...none.permissions, scopes: [] };
    const run = await lintApp(none, true);
    const flagged = new Set(
      run.problems.filter((p) => p.file === probeFile && p.missingPermission).map((p) => p.line),
    );
    const unchecked = jiraCalls
      .map((call, i) => ({ call, line: i + 1 }))
      .filter(
        ({ call, line }) =>
          call.method === undefined || (!flagged.has(line) && exceptionFor(call) === undefined),
      )
      .map(({ call: c }) =>
        c.method === undefined
          ? `${c.file}:${c.line} ${c.path}: write the method as a literal in the call that sends the route`
          : `${c.file}:${c.line} ${c.method} ${c.path}: the linter finds no scope for it in dev/contracts`,
      );
    expect(unchecked).toEqual([]);
  });

  it('calls the contract marks as needing no current scope still say so, and get the recommended scope', () => {
    for (const call of jiraCalls) {
      const exception = exceptionFor(call);
      if (!exception || call.method === undefined) continue;
      const entries = contractScopes(exception.spec, call.method, exception.template);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.filter((e) => e.state === 'Current' && e.scopes.length > 0)).toEqual([]);
      expect(manifestScopes(manifest)).toContain(exception.recommended);
    }
  });
});

describe('least privilege: every scope in manifest.yml is needed', () => {
  it('uses @forge/kvs (src/storage) and so grants storage:app', () => {
    expect(importsModule(sourceFiles, '@forge/kvs')).toBe(true);
    expect(manifestScopes(manifest)).toContain('storage:app');
  });

  it('dropping any one scope breaks a Jira call, a trigger or storage', async () => {
    const scopes = manifestScopes(manifest);
    const usesKvs = importsModule(sourceFiles, '@forge/kvs');
    const unused: string[] = [];
    for (const scope of scopes) {
      const rest = scopes.filter((s) => s !== scope);
      const without = cloneManifest(manifest);
      without.permissions = { ...without.permissions, scopes: rest };
      const lint = await lintApp(without, true);
      const byCalls = lint.problems.some((p) => p.missingPermission === scope);
      const byTriggers = (
        await Promise.all(
          triggerEvents(manifest).map(({ event }) => validateTriggerScopes(event, rest)),
        )
      ).some((r) => r.missingScopes.includes(scope));
      const byStorage = scope === 'storage:app' && usesKvs;
      const byException = jiraCalls.some((c) => exceptionFor(c)?.recommended === scope);
      if (!byCalls && !byTriggers && !byStorage && !byException) unused.push(scope);
    }
    if (unused.length > 0) {
      const calls = jiraCalls.map((c) => `    ${c.method ?? '?'} ${c.path}  (${c.file}:${c.line})`);
      throw new Error(
        `No Jira call in src/, trigger event or @forge/kvs use needs: ${unused.join(', ')}.\n` +
          `Remove them from manifest.yml (or add the code that needs them). Calls found:\n` +
          calls.join('\n'),
      );
    }
    expect(unused).toEqual([]);
    // One lint of the whole app per scope, a few seconds each on a 2-CPU machine.
  }, 300_000);
});

describe('forge lint bites: a temp app that lacks a scope', () => {
  const commentCall = [
    "import api, { route } from '@forge/api';",
    '',
    'export const addComment = async (key: string) => {',
    '  const response = await api',
    '    .asUser()',
    '    .requestJira(route`/rest/api/3/issue/${key}/comment`, {',
    "      method: 'POST',",
    "      headers: { 'Content-Type': 'application/json' },",
    "      body: JSON.stringify({ body: 'hello' }),",
    '    });',
    '  return response.status;',
    '};',
    '',
  ].join('\n');

  const tempManifest = (scopes: string[]) =>
    [
      'modules:',
      '  trigger:',
      '    - key: on-issue-updated',
      '      function: add-comment',
      '      events:',
      '        - avi:jira:updated:issue',
      '  function:',
      '    - key: add-comment',
      '      handler: index.addComment',
      'app:',
      `  id: ${manifest.app.id}`,
      '  runtime:',
      '    name: nodejs22.x',
      'permissions:',
      '  scopes:',
      ...scopes.map((s) => `    - ${s}`),
      '',
    ].join('\n');

  function tempApp(label: string, scopes: string[], include: string[] = ['src/**/*']): string {
    return writeFiles(makeTempDir(label), {
      'manifest.yml': tempManifest(scopes),
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true }, include }),
      'src/index.ts': commentCall,
    });
  }

  async function lintTempApp(appDir: string): Promise<LintRun> {
    return runForgeLint({
      appDir,
      files: ['src/index.ts'],
      manifest: readManifest(path.join(appDir, 'manifest.yml')),
    });
  }

  it('POST .../comment with only read:jira-work is a missing-scope error naming write:jira-work', async () => {
    const run = await lintTempApp(tempApp('lint-missing-scope', ['read:jira-work']));
    expect(failing(run.problems)).toEqual([
      {
        file: 'src/index.ts',
        line: 6,
        column: 17,
        level: 'error',
        message:
          'Jira endpoint: POST /rest/api/3/issue/{issueIdOrKey}/comment requires "write:jira-work" scope',
        reference: 'permission-scope-required',
        missingPermission: 'write:jira-work',
      },
    ]);
  });

  it('the same app with write:jira-work added lints clean', async () => {
    const run = await lintTempApp(tempApp('lint-granted', ['read:jira-work', 'write:jira-work']));
    expect(formatLintProblems(failing(run.problems))).toBe('');
  });

  it('a trigger without its scope is reported too', async () => {
    const run = await lintTempApp(tempApp('lint-trigger-scope', ['write:jira-work']));
    expect(failing(run.problems).map((p) => p.message)).toContain(
      "Trigger event: 'avi:jira:updated:issue' requires 'read:jira-work' scope",
    );
  });

  it('a tsconfig include that is not a glob hides the source from the linter', async () => {
    const run = await lintTempApp(tempApp('lint-no-glob', ['read:jira-work'], ['src']));
    expect(run.filesSeen.has('src/index.ts')).toBe(false);
    expect(failing(run.problems)).toEqual([]);
  });

  it('a call through a gateway is invisible to the linter but caught by the route probe', async () => {
    const gateway = [
      "import { route } from '@forge/api';",
      'declare const gateway: { request(path: unknown, init?: { method: string }): Promise<void> };',
      'export const addComment = (key: string) =>',
      "  gateway.request(route`/rest/api/3/issue/${key}/comment`, { method: 'POST' });",
      'export const readIssue = (key: string, full: boolean) => {',
      '  const path = full',
      '    ? route`/rest/api/3/issue/${key}`',
      '    : route`/rest/api/3/issue/${key}?fields=summary`;',
      '  return gateway.request(path);',
      '};',
      'export const unclear = (key: string, init: { method: string }) =>',
      '  gateway.request(route`/rest/api/3/issue/${key}`, init);',
      '',
    ].join('\n');
    const appDir = tempApp('lint-gateway', ['read:jira-work']);
    writeFiles(appDir, { 'src/index.ts': gateway });
    const appManifest = readManifest(path.join(appDir, 'manifest.yml'));

    const plain = await runForgeLint({ appDir, files: ['src/index.ts'], manifest: appManifest });
    expect(failing(plain.problems)).toEqual([]);

    const found: JiraCall[] = findJiraCalls(['src/index.ts'], appDir);
    expect(found.map((c) => [c.line, c.method, c.path])).toEqual([
      [4, 'POST', '/rest/api/3/issue/{}/comment'],
      [7, 'GET', '/rest/api/3/issue/{}'],
      [8, 'GET', '/rest/api/3/issue/{}'],
      [12, undefined, '/rest/api/3/issue/{}'],
    ]);
    const calls = found.filter((c) => c.method !== undefined);
    const probe = writeJiraCallsProbe(calls, makeTempDir('gateway-probe'));
    const probed = await runForgeLint({
      appDir,
      files: ['src/index.ts', probe],
      standaloneFiles: [probe],
      manifest: appManifest,
    });
    expect(failing(probed.problems).map((p) => [p.file, p.missingPermission])).toEqual([
      [probe, 'write:jira-work'],
    ]);
  });
});

/** Where in src/ the probe line came from. */
function originOf(probeLine: number): string {
  const call = jiraCalls[probeLine - 1];
  return call ? `${call.file}:${call.line} (via probe)` : probeFile;
}
