/**
 * Helpers shared by the manifest tests: temp app dirs, cwd/env save-and-restore, reading the
 * manifest, running `@forge/manifest`'s validate() and `@forge/lint`'s client-side linters offline,
 * and finding the Jira calls in src/ that the linter's scope check cannot see on its own.
 *
 * Everything here works without an Atlassian login or network: the linter's scope check reads the
 * Jira OpenAPI subsets in dev/contracts through its USE_LOCAL_SWAGGER switch.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';
import { parse, stringify } from 'yaml';
import type { ManifestSchema, ValidationError } from '@forge/manifest';
import type { LinterInterface, LintResult, lint as forgeLint } from '@forge/lint';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const MANIFEST_FILE = 'manifest.yml';
export const MANIFEST_PATH = path.join(REPO_ROOT, MANIFEST_FILE);

/** The Jira specs the linter's scope check reads (the project's own subsets, never ../shared). */
export const SUBSET_SPECS = {
  platform: path.join(REPO_ROOT, 'dev', 'contracts', 'jira-platform.subset.json'),
  software: path.join(REPO_ROOT, 'dev', 'contracts', 'jira-software.subset.json'),
};

/** The environment name `forge lint` passes by default. */
export const LINT_ENVIRONMENT = 'development';

// ---------------------------------------------------------------------------------------------
// Temp dirs, cwd and env

const tempDirs: string[] = [];

/** A fresh directory under the OS temp dir; removed by `removeTempDirs()`. */
export function makeTempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dual-track-${label}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (paths relative to `dir`) and returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/**
 * Runs `fn` with `dir` as the working directory. Both `@forge/manifest` and `@forge/lint` read
 * manifest.yml, tsconfig.json and source paths relative to the cwd, as the Forge CLI does.
 */
export async function withCwd<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(previous);
  }
}

/** Sets (or, for `undefined`, deletes) environment variables; the returned function restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.keys(vars).map((name) => [name, process.env[name]] as const);
  const apply = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  for (const [name, value] of Object.entries(vars)) apply(name, value);
  return () => {
    for (const [name, value] of saved) apply(name, value);
  };
}

export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: () => Promise<T>,
): Promise<T> {
  const restore = setEnv(vars);
  try {
    return await fn();
  } finally {
    restore();
  }
}

/**
 * The variables that make the linter's permission check read local OpenAPI files instead of
 * fetching them from developer.atlassian.com. Jira platform and Jira Software point at the
 * project's subsets; the products the app does not call get an empty spec. XDG_CONFIG_HOME keeps
 * the linter's on-disk cache (the `conf` package) out of the user's home directory.
 */
export function localSwaggerEnv(scratchDir: string): Record<string, string> {
  const empty = path.join(scratchDir, 'empty-openapi.json');
  fs.writeFileSync(empty, '{"paths":{}}');
  return {
    USE_LOCAL_SWAGGER: '1',
    LOCAL_JIRA_SWAGGER: SUBSET_SPECS.platform,
    LOCAL_JSW_SWAGGER: SUBSET_SPECS.software,
    LOCAL_JSM_SWAGGER: empty,
    LOCAL_CONF_SWAGGER: empty,
    LOCAL_CONF_V2_SWAGGER: empty,
    LOCAL_BB_SWAGGER: empty,
    XDG_CONFIG_HOME: path.join(scratchDir, 'xdg-config'),
  };
}

// ---------------------------------------------------------------------------------------------
// Manifest

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a manifest file with the `yaml` package (the same parser @forge/manifest uses). */
export function readManifest(file: string = MANIFEST_PATH): ManifestSchema {
  const parsed: unknown = parse(fs.readFileSync(file, 'utf8'));
  if (!isRecord(parsed)) throw new Error(`${file} is not a YAML mapping`);
  // The full shape is checked by validate(); the tests only read well-known properties.
  return parsed as unknown as ManifestSchema;
}

export function manifestText(manifest: ManifestSchema): string {
  return stringify(manifest, { lineWidth: 0 });
}

/** A deep copy that tests can break without touching the original. */
export function cloneManifest(manifest: ManifestSchema): ManifestSchema {
  return structuredClone(manifest);
}

export interface ModuleEntry extends Record<string, unknown> {
  key: string;
}

/** All modules of one type (e.g. `function`, `trigger`), or none. */
export function modulesOf(manifest: ManifestSchema, type: string): ModuleEntry[] {
  const modules: unknown = manifest.modules;
  if (!isRecord(modules)) return [];
  const list = modules[type];
  if (!Array.isArray(list)) return [];
  return list.filter((m): m is ModuleEntry => isRecord(m) && typeof m['key'] === 'string');
}

export function moduleTypes(manifest: ManifestSchema): string[] {
  const modules: unknown = manifest.modules;
  return isRecord(modules) ? Object.keys(modules) : [];
}

/** Function keys referenced anywhere inside non-function modules (`function: key`, at any depth). */
export function referencedFunctionKeys(manifest: ManifestSchema): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'function' && typeof v === 'string') found.add(v);
        else walk(v);
      }
    }
  };
  for (const type of moduleTypes(manifest)) {
    if (type !== 'function') walk(modulesOf(manifest, type));
  }
  return found;
}

export function manifestScopes(manifest: ManifestSchema): string[] {
  const scopes: unknown = manifest.permissions?.scopes;
  // Scopes are a list of names or a map from name to options (`allowImpersonation`).
  if (isRecord(scopes)) return Object.keys(scopes);
  if (!Array.isArray(scopes)) return [];
  return scopes.filter((s): s is string => typeof s === 'string');
}

/** Events of every trigger module, with the module key. */
export function triggerEvents(manifest: ManifestSchema): { key: string; event: string }[] {
  return modulesOf(manifest, 'trigger').flatMap((m) => {
    const events = m['events'];
    return Array.isArray(events)
      ? events
          .filter((e): e is string => typeof e === 'string')
          .map((event) => ({ key: m.key, event }))
      : [];
  });
}

/**
 * Function modules whose `handler: <file>.<export>` is not an exported function of
 * `<appDir>/src/<file>`; each entry says which and why. Loads the modules through jest.
 */
export async function missingHandlers(
  manifest: ManifestSchema,
  appDir: string = REPO_ROOT,
): Promise<string[]> {
  const missing: string[] = [];
  for (const fn of modulesOf(manifest, 'function')) {
    const handler = fn['handler'];
    const match = typeof handler === 'string' ? /^([\w/-]+)\.(\w+)$/.exec(handler) : null;
    const [, file, exportName] = match ?? [];
    if (file === undefined || exportName === undefined) {
      missing.push(`${fn.key}: handler ${String(handler)} is not "<file>.<export>"`);
      continue;
    }
    // src/index.ts is the table of contents: every handler is one of its exports.
    if (file !== 'index') {
      missing.push(`${fn.key}: handler ${String(handler)} must be index.<export of src/index.ts>`);
      continue;
    }
    const mod: unknown = await import(path.join(appDir, 'src', file));
    const value: unknown = isRecord(mod) ? mod[exportName] : undefined;
    if (typeof value !== 'function') {
      missing.push(`${fn.key}: src/${file} does not export a function named ${exportName}`);
    }
  }
  return missing;
}

/**
 * A copy of the app in a temp dir: the given manifest, plus symlinks to everything else at the
 * repo root (src/, static/, package.json, ...) so that file checks (handlers, resources) behave
 * exactly as for the real app.
 */
export function appCopyWithManifest(manifest: ManifestSchema | string, label: string): string {
  const dir = makeTempDir(label);
  for (const entry of fs.readdirSync(REPO_ROOT)) {
    if (entry === MANIFEST_FILE || entry === '.git') continue;
    fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(dir, entry));
  }
  const text = typeof manifest === 'string' ? manifest : manifestText(manifest);
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), text);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// @forge/manifest validate()

export interface ManifestValidation {
  success: boolean;
  errors: ValidationError[];
}

/** Full (not basic) validation of `<appDir>/manifest.yml`, run with `appDir` as cwd like the CLI. */
export async function validateApp(appDir: string = REPO_ROOT): Promise<ManifestValidation> {
  const { validate } = await import('@forge/manifest');
  const result = await withCwd(appDir, () => validate(false, MANIFEST_FILE));
  return { success: result.success, errors: result.errors ?? [] };
}

export function formatValidationErrors(errors: readonly ValidationError[]): string {
  return errors
    .map(
      (e) =>
        `  ${MANIFEST_FILE}:${e.line ?? 0}:${e.column ?? 0} ${e.level} ${e.message} [${e.reference}]`,
    )
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// @forge/lint

type AjvThis = { opts?: Record<string, unknown> };
type Compile = (this: AjvThis, schema: unknown, meta?: boolean) => unknown;

/** The Ajv options that change what compile() produces (the others hold circular objects). */
const COMPILE_OPTIONS = ['allErrors', 'verbose', 'strict', '$data', 'coerceTypes', 'useDefaults'];

/**
 * `forge lint`'s five manifest linters each build a @forge/manifest processor, and each one
 * compiles the same 2.3 MB manifest JSON schema with a fresh Ajv instance: about 3 s apiece under
 * jest, most of the lint's run time. This memoizes Ajv's compile() for identical options and
 * schema, which changes nothing but the time (all those Ajv instances are set up alike: same
 * options, ajv-formats, same vocabulary). Call it before the first lint; the returned function
 * undoes it.
 */
export async function memoizeSchemaCompilation(): Promise<() => void> {
  const ajvPath = require.resolve('ajv', {
    paths: [path.dirname(require.resolve('@forge/manifest'))],
  });
  // ajv's CommonJS export is the class itself, with the class again as `default`.
  const mod: unknown = await import(ajvPath);
  const Ajv: unknown =
    typeof mod === 'function' || isRecord(mod) ? (mod as { default?: unknown }).default : undefined;
  if (typeof Ajv !== 'function') throw new Error(`no Ajv class in ${ajvPath}`);
  const proto = Ajv.prototype as { compile: Compile };
  const original = proto.compile;
  const cache = new Map<string, unknown>();
  proto.compile = function (this: AjvThis, schema, meta) {
    const options = COMPILE_OPTIONS.map((name) => this.opts?.[name]);
    const key = JSON.stringify([options, schema, meta]);
    if (!cache.has(key)) cache.set(key, original.call(this, schema, meta));
    return cache.get(key);
  };
  return () => {
    proto.compile = original;
  };
}

export interface LintProblem {
  file: string;
  line: number;
  column: number;
  level: string;
  message: string;
  reference: string;
  missingPermission?: string | undefined;
}

export interface LintRun {
  problems: LintProblem[];
  /** Every file some linter produced a result for, i.e. that the linter actually parsed. */
  filesSeen: Set<string>;
  /** What the linters wrote to the logger. */
  logs: string[];
}

type LintArgs = Parameters<typeof forgeLint>;
type LintConfig = LintArgs[5];

/** Only getDeprecatedRuntimes is used by the client-side linters. */
const offlineStatsig = {
  getDeprecatedRuntimes: () => Promise.resolve([]),
} as unknown as LintArgs[4];

export interface LintOptions {
  /** App root: the cwd for the run; must hold manifest.yml and tsconfig.json. */
  appDir: string;
  /** Source files relative to appDir (as the CLI passes them), or absolute `.js` paths. */
  files: string[];
  manifest: ManifestSchema;
  /** Files to parse without a TypeScript project (generated files outside the tsconfig). */
  standaloneFiles?: string[];
  /** Run only these linters (e.g. a PermissionLinter for a quick scope probe). */
  linters?: (
    manifest: ManifestSchema,
    logger: { info(message: string): void },
  ) => LinterInterface[];
}

function problemsOf(results: LintResult[]): LintProblem[] {
  return results.flatMap((r) =>
    [...r.errors, ...r.warnings, ...r.approvals].map((rule) => {
      const missing: unknown = rule.metadata?.['missingPermission'];
      return {
        file: r.file,
        line: rule.line,
        column: rule.column,
        level: rule.class,
        message: rule.message,
        reference: rule.reference,
        missingPermission: typeof missing === 'string' ? missing : undefined,
      };
    }),
  );
}

/**
 * Runs `@forge/lint`'s client-side linters offline, as `forge lint` would, with the permission
 * check reading the local Jira specs.
 */
export async function runForgeLint(options: LintOptions): Promise<LintRun> {
  const { lint, parseSourceFile } = await import('@forge/lint');
  const logs: string[] = [];
  const logger = { info: (message: string) => void logs.push(message) };
  const standalone = new Set(options.standaloneFiles ?? []);
  const config: LintConfig = {
    linter: { mode: 'client-side' },
    ...(options.linters ? { linters: options.linters(options.manifest, logger) } : {}),
    // The CLI parses with the app's tsconfig as TypeScript project; a generated file outside the
    // project is parsed on its own (syntax only), which is all the linters need.
    parseFunction: (filepath, parser, readFile) =>
      standalone.has(filepath)
        ? parseSourceFile(
            filepath,
            (code, file) => parser(code, file, { project: undefined }),
            readFile,
          )
        : parseSourceFile(filepath, parser, readFile),
  };
  const scratch = makeTempDir('lint-env');
  const results = await withEnv(localSwaggerEnv(scratch), () =>
    withCwd(options.appDir, () =>
      lint(options.files, options.manifest, LINT_ENVIRONMENT, logger, offlineStatsig, config),
    ),
  );
  return {
    problems: problemsOf(results),
    filesSeen: new Set(results.map((r) => r.file).filter((f) => f !== '')),
    logs,
  };
}

export function formatLintProblems(problems: readonly LintProblem[]): string {
  return problems
    .map((p) => `  ${p.file}:${p.line}:${p.column} ${p.level} ${p.message} [${p.reference}]`)
    .join('\n');
}

/** `.ts`/`.tsx` files under `<appDir>/<dir>`, relative to appDir, sorted. */
export function listSourceFiles(appDir: string = REPO_ROOT, dir = 'src'): string[] {
  const root = path.join(appDir, dir);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Jira calls the linter cannot see by itself

/**
 * One `route\`...\`` in the app's source. The linter's permission check only sees
 * `requestJira(route\`...\`, { method: '...' })` written out in one call; the app funnels its
 * requests through a gateway (`this.request(schema, route\`...\`, { method: 'POST' })`), so its
 * calls are collected here and replayed to the linter in that shape.
 */
export interface JiraCall {
  file: string;
  line: number;
  /** The HTTP method, or undefined when the source does not make it clear (see methodOfRoute). */
  method: string | undefined;
  /** The path with `{}` for interpolations and without the query string. */
  path: string;
}

/** `x as const`, `x satisfies T`, `(x)` and `x!` are all just x here. */
function unwrap(expr: ts.Expression): ts.Expression {
  return ts.isAsExpression(expr) ||
    ts.isSatisfiesExpression(expr) ||
    ts.isParenthesizedExpression(expr) ||
    ts.isNonNullExpression(expr)
    ? unwrap(expr.expression)
    : expr;
}

/**
 * What an argument after the route says about the HTTP method: the literal, `undefined` when it
 * may set a method we cannot read (a variable, a spread, a computed value), `null` when it says
 * nothing (an object literal without `method`).
 */
function literalMethod(arg: ts.Expression): string | undefined | null {
  const expr = unwrap(arg);
  if (!ts.isObjectLiteralExpression(expr)) return undefined;
  for (const prop of expr.properties) {
    if (ts.isSpreadAssignment(prop)) return undefined;
    const name =
      prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))
        ? prop.name.text
        : undefined;
    if (name !== 'method') continue;
    const value = ts.isPropertyAssignment(prop) ? unwrap(prop.initializer) : undefined;
    return value && ts.isStringLiteralLike(value) ? value.text.toUpperCase() : undefined;
  }
  return null;
}

/** The method of a call that passes `arg` (a route) to a request function. */
function methodAfter(call: ts.CallExpression, arg: ts.Expression): string | undefined {
  let method: string | undefined = 'GET';
  for (const next of call.arguments.slice(call.arguments.indexOf(arg) + 1)) {
    const m = literalMethod(next);
    if (m !== null) method = m;
  }
  return method;
}

/**
 * The HTTP method a route is sent with: read from the call it is passed to, either directly or
 * through a `const` (possibly picked by `a ? route`...` : route`...``) passed to calls in the
 * same function. Undefined when that is not clear from the source.
 */
function methodOfRoute(routeNode: ts.Expression): string | undefined {
  let node: ts.Expression = routeNode;
  while (
    ts.isConditionalExpression(node.parent) ||
    ts.isParenthesizedExpression(node.parent) ||
    ts.isAsExpression(node.parent)
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (ts.isCallExpression(parent) && parent.arguments.some((a) => a === node)) {
    return methodAfter(parent, node);
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
    const name = parent.name;
    if (!ts.isIdentifier(name)) return undefined;
    let scope: ts.Node = parent;
    while (!ts.isSourceFile(scope) && !ts.isFunctionLike(scope)) scope = scope.parent;
    const methods = new Set<string | undefined>();
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        for (const a of n.arguments) {
          if (ts.isIdentifier(a) && a.text === name.text) methods.add(methodAfter(n, a));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(scope);
    return methods.size === 1 ? [...methods][0] : undefined;
  }
  return undefined;
}

export function findJiraCalls(files: readonly string[], appDir: string = REPO_ROOT): JiraCall[] {
  const calls: JiraCall[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(appDir, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isTaggedTemplateExpression(node) &&
        ts.isIdentifier(node.tag) &&
        node.tag.text === 'route'
      ) {
        const tpl = node.template;
        const raw = ts.isNoSubstitutionTemplateLiteral(tpl)
          ? tpl.text
          : tpl.head.text + tpl.templateSpans.map((s) => `{}${s.literal.text}`).join('');
        calls.push({
          file,
          line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
          method: methodOfRoute(node),
          path: raw.split('?')[0] ?? raw,
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

/**
 * Writes the calls as a JS file in the shape the linter reads (one call per line, line n+1 is
 * calls[n]) and returns its absolute path.
 */
export function writeJiraCallsProbe(calls: readonly JiraCall[], dir: string): string {
  const lines = calls.map((c) => {
    const route = c.path.replace(/\{\}/g, '${x}').replace(/`/g, '\\`');
    return `api.asUser().requestJira(route\`${route}\`, { method: '${c.method ?? 'GET'}' });`;
  });
  const file = path.join(dir, 'jira-calls.probe.js');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Whether any of the files imports `moduleName`. */
export function importsModule(
  files: readonly string[],
  moduleName: string,
  appDir: string = REPO_ROOT,
): boolean {
  return files.some((file) => {
    const source = ts.createSourceFile(
      file,
      fs.readFileSync(path.join(appDir, file), 'utf8'),
      ts.ScriptTarget.Latest,
    );
    return source.statements.some(
      (s) =>
        ts.isImportDeclaration(s) &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        s.moduleSpecifier.text === moduleName,
    );
  });
}
