import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The layer picture of src/ (docs/architecture.md), as data, and a checker that reads the
 * import graph of a source tree and names every import against it. Arrows point down only.
 */

export type Layer = 'base' | 'domain' | 'adapters' | 'items' | 'features' | 'entry-points' | 'root';

/** Each folder of src/ (and `index.ts`, the table of contents) and the layer it sits in. */
export const LAYER_OF: Readonly<Record<string, Layer>> = {
  runtime: 'base',
  domain: 'domain',
  contract: 'domain',
  jira: 'adapters',
  storage: 'adapters',
  queue: 'adapters',
  items: 'items',
  'project-page': 'features',
  enforcement: 'features',
  evidence: 'features',
  promote: 'features',
  retro: 'features',
  setup: 'features',
  'entry-criteria': 'features',
  templates: 'features',
  'data-transfer': 'features',
  'issue-panel': 'features',
  resolvers: 'entry-points',
  validators: 'entry-points',
  triggers: 'entry-points',
  automation: 'entry-points',
  'index.ts': 'root',
};

const RANK: Readonly<Record<Layer, number>> = {
  base: 0,
  domain: 1,
  adapters: 2,
  items: 3,
  features: 4,
  'entry-points': 5,
  root: 6,
};

/**
 * Arrows allowed besides "down to a lower layer". Within a layer folders stay apart unless named
 * here: the bridge contract is built from the domain's schemas; the jira and storage adapters
 * never import each other.
 */
export const SIDEWAYS: ReadonlyArray<readonly [string, string]> = [['contract', 'domain']];

/** Folders that may not import another, though it is lower: the domain stays pure. */
const NEVER: ReadonlyArray<readonly [string, string]> = [['domain', 'runtime']];

/** Which folders may import each platform package (the rest reach it through them). */
export const PLATFORM_HOMES: Readonly<Record<string, readonly string[]>> = {
  '@forge/api': ['jira'],
  '@forge/kvs': ['storage'],
  '@forge/resolver': ['resolvers'],
  '@forge/events': ['triggers', 'queue'],
  '@forge/bridge': [],
  '@forge/ui': [],
};

export interface SourceFile {
  /** Path below the source root, with `/`. */
  path: string;
  text: string;
}

export interface Import {
  from: string;
  /** The imported file or package, below the root for relative imports. */
  to: string;
  line: number;
}

export function folderOf(path: string): string {
  const first = path.split('/')[0] ?? path;
  return path.includes('/') ? first : path;
}

/** Every import, export-from, dynamic import and require of a file. */
export function importsOf(file: SourceFile): Import[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (node: ts.Node, spec: string): void => {
    const to = spec.startsWith('.')
      ? relative('/', resolve('/', dirname(file.path), spec)).replace(/\\/g, '/')
      : spec;
    found.push({
      from: file.path,
      to,
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
    });
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** String and template literals in code (not comments) that hold a Jira REST path. */
export function restPathsOf(file: SourceFile): number[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isStringLiteralLike(node) ||
        ts.isTemplateHead(node) ||
        ts.isTemplateMiddle(node) ||
        ts.isTemplateTail(node)) &&
      /\/rest\/(api|agile)\//.test(node.text)
    ) {
      lines.push(source.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

function platformPackage(spec: string): string | undefined {
  const match = /^(@forge\/[^/]+)/.exec(spec);
  return match?.[1];
}

/** Whether `from` may import `to` (two folders of src/). */
export function arrowAllowed(from: string, to: string): boolean {
  if (from === to) return true;
  if (NEVER.some(([a, b]) => a === from && b === to)) return false;
  if (SIDEWAYS.some(([a, b]) => a === from && b === to)) return true;
  const a = LAYER_OF[from];
  const b = LAYER_OF[to];
  if (a === undefined || b === undefined) return false;
  return RANK[b] < RANK[a];
}

/** Folder loops in the import graph, each as the folders in it. */
export function folderLoops(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const loop: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        loop.push(w);
      } while (w !== v);
      if (loop.length > 1) loops.push(loop.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) connect(v);
  return loops;
}

/** Every breach of the layer rules in a tree of files, each a sentence naming file and line. */
export function layerBreaches(files: readonly SourceFile[]): string[] {
  const breaches: string[] = [];
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const from = folderOf(file.path);
    if (LAYER_OF[from] === undefined)
      breaches.push(`${file.path}: folder "${from}" has no layer in LAYER_OF`);
    for (const imp of importsOf(file)) {
      const pkg = platformPackage(imp.to);
      if (pkg !== undefined) {
        const homes = PLATFORM_HOMES[pkg] ?? [];
        if (!homes.includes(from)) {
          breaches.push(
            `${file.path}:${imp.line} imports ${pkg}, which only ${homes.join(', ') || 'no folder'} may import`,
          );
        }
        continue;
      }
      if (!imp.from.includes('/') && !imp.to.includes('/') && imp.to === imp.from) continue;
      if (imp.to.startsWith('..') || !/^[a-z]/.test(imp.to) || imp.to.startsWith('node:')) continue;
      const to = folderOf(
        imp.to.includes('/') || LAYER_OF[imp.to] !== undefined ? imp.to : `${imp.to}`,
      );
      if (LAYER_OF[to] === undefined && !files.some((f) => f.path.startsWith(`${to}/`))) continue;
      if (to === from) continue;
      (edges.get(from) ?? edges.set(from, new Set()).get(from))?.add(to);
      if (!arrowAllowed(from, to)) {
        breaches.push(
          `${file.path}:${imp.line} imports ${imp.to}: ${from} (${LAYER_OF[from] ?? '?'}) may not import ${to} (${LAYER_OF[to] ?? '?'})`,
        );
      }
    }
    if (from !== 'jira') {
      for (const line of restPathsOf(file)) {
        breaches.push(`${file.path}:${line} builds a Jira REST path; paths live only in src/jira/`);
      }
    }
  }
  for (const loop of folderLoops(edges)) breaches.push(`folder loop: ${loop.join(' → ')}`);
  return breaches;
}

/** The TypeScript files below a folder, as the checker reads them. */
export function readTree(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name)) {
        files.push({
          path: relative(root, path).replace(/\\/g, '/'),
          text: readFileSync(path, 'utf8'),
        });
      }
    }
  };
  walk(root);
  return files;
}
