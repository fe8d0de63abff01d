/**
 * The Custom UI build as Forge will upload it: every resource manifest.yml declares is a built
 * directory with an index.html whose scripts and styles exist beside it under relative paths, and
 * the production bundles talk to Jira through the real @forge/bridge (no preview stand-in), while
 * the preview build does carry the stand-in (so the check would catch the alias leaking).
 *
 * Runs on the output of `npm run build:ui` (the first step of `npm test`); builds the preview
 * once per jest run, shared with the browser tests.
 */
import fs from 'fs';
import path from 'path';
import { gzipSync } from 'zlib';
import { parse } from 'yaml';
import { buildPreviewOnce } from '../browser/preview-harness';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STATIC_DIR = path.join(REPO_ROOT, 'static');

/** The real bridge's message when Jira's host is absent: proof the real module is bundled. */
const REAL_BRIDGE_MARKER = 'Unable to establish a connection with the Custom UI bridge';

/**
 * Strings only the preview's bridge shim (dev/preview/bridge-shim.ts) puts in a bundle: the
 * global it records navigations in, its banner's test id, and the preview server's invoke
 * endpoint (absent from resources that never invoke a resolver).
 */
const SHIM_MARKERS = ['__dualTrackPreview', 'preview-banner', '/api/invoke'] as const;
/** The marker every preview bundle carries: the shim always sets up its record. */
const SHIM_ALWAYS = '__dualTrackPreview';
const SHIM_SOURCE = path.join(REPO_ROOT, 'dev', 'preview', 'bridge-shim.ts');

/** Generous ceiling on each resource's initial JavaScript, gzipped; catches accidental bloat. */
const INITIAL_JS_BUDGET_BYTES = 300 * 1024;

interface Resource {
  key: string;
  path: string;
}

function declaredResources(): Resource[] {
  const manifest = parse(fs.readFileSync(path.join(REPO_ROOT, 'manifest.yml'), 'utf8')) as {
    resources?: Resource[];
  };
  return manifest.resources ?? [];
}

/** Every JavaScript file a build emitted, joined. */
function allJavaScript(dir: string): string {
  return fs
    .readdirSync(path.join(dir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => fs.readFileSync(path.join(dir, 'assets', f), 'utf8'))
    .join('\n');
}

function builtDir(resource: Resource): string {
  const dir = path.join(REPO_ROOT, resource.path);
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${resource.path}/index.html is missing: run \`npm run build:ui\` first`);
  }
  return dir;
}

/** The `src`/`href` of every script, module preload and stylesheet in a built index.html. */
function referencedAssets(html: string): {
  scripts: string[];
  preloads: string[];
  styles: string[];
} {
  const attr = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1] ?? '');
  return {
    scripts: attr(/<script[^>]*\bsrc="([^"]+)"/g),
    preloads: attr(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
    styles: attr(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g),
  };
}

const resources = declaredResources();

describe('Custom UI build', () => {
  it('manifest.yml declares the Custom UI resources', () => {
    expect(resources.map((r) => r.key).sort()).toEqual([
      'admin-settings',
      'board-readiness',
      'entry-triage-edit',
      'issue-context',
      'issue-panel',
      'project-page',
      'project-settings',
      'rollup-gadget',
      'rollup-gadget-edit',
      'scoped-outcome-edit',
      'validator-config',
    ]);
  });

  it('every app under static/ is a declared resource built into static/<app>/dist', () => {
    const apps = fs
      .readdirSync(STATIC_DIR, { withFileTypes: true })
      .filter(
        (e) => e.isDirectory() && fs.existsSync(path.join(STATIC_DIR, e.name, 'src', 'main.tsx')),
      )
      .map((e) => `static/${e.name}/dist`)
      .sort();
    expect(resources.map((r) => r.path).sort()).toEqual(apps);
  });

  describe.each(resources.map((r) => [r.key, r] as const))('%s', (_key, resource) => {
    it('has an index.html that loads its scripts and styles by relative paths that exist', () => {
      const dir = builtDir(resource);
      const assets = referencedAssets(fs.readFileSync(path.join(dir, 'index.html'), 'utf8'));
      expect(assets.scripts).toHaveLength(1);
      expect(assets.styles.length).toBeGreaterThan(0);
      for (const ref of [...assets.scripts, ...assets.preloads, ...assets.styles]) {
        expect(ref).toMatch(/^\.\/assets\//);
        expect(fs.existsSync(path.join(dir, ref))).toBe(true);
      }
    });

    it('bundles the real @forge/bridge and no stand-in for it', () => {
      const dir = builtDir(resource);
      const assets = referencedAssets(fs.readFileSync(path.join(dir, 'index.html'), 'utf8'));
      const initial = [...assets.scripts, ...assets.preloads]
        .map((ref) => fs.readFileSync(path.join(dir, ref), 'utf8'))
        .join('\n');
      // Booleans, not the bundles themselves, in the failure message.
      expect(initial.includes(REAL_BRIDGE_MARKER)).toBe(true);
      const everything = allJavaScript(dir);
      expect(SHIM_MARKERS.filter((m) => everything.includes(m))).toEqual([]);
    });

    it(`keeps its initial JavaScript under ${INITIAL_JS_BUDGET_BYTES / 1024} KiB gzipped`, () => {
      const dir = builtDir(resource);
      const assets = referencedAssets(fs.readFileSync(path.join(dir, 'index.html'), 'utf8'));
      const gzipped = [...assets.scripts, ...assets.preloads]
        .map((ref) => gzipSync(fs.readFileSync(path.join(dir, ref))).length)
        .reduce((a, b) => a + b, 0);
      expect(gzipped).toBeLessThan(INITIAL_JS_BUDGET_BYTES);
    });
  });
});

describe('the preview build (the check above would see the stand-in)', () => {
  beforeAll(async () => {
    await buildPreviewOnce();
  }, 180_000);

  it('the markers are the shim’s own strings', () => {
    const shim = fs.readFileSync(SHIM_SOURCE, 'utf8');
    expect(SHIM_MARKERS.filter((m) => !shim.includes(m))).toEqual([]);
  });

  it('the project page’s preview bundle calls the preview server’s invoke endpoint', () => {
    const everything = allJavaScript(path.join(STATIC_DIR, 'project-page', 'dist-preview'));
    expect(SHIM_MARKERS.filter((m) => !everything.includes(m))).toEqual([]);
  });

  it.each(resources.map((r) => [r.key, r] as const))(
    '%s: its dist-preview carries the shim instead of the real @forge/bridge',
    (_key, resource) => {
      const dir = path.join(REPO_ROOT, resource.path.replace(/\/dist$/, '/dist-preview'));
      const everything = allJavaScript(dir);
      expect(everything.includes(SHIM_ALWAYS)).toBe(true);
      expect(everything.includes(REAL_BRIDGE_MARKER)).toBe(false);
    },
  );
});
