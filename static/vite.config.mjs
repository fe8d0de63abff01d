import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** The page title of each resource's index.html; the rest are "Dual Track". */
const TITLES = {
  'admin-settings': 'Dual Track global settings',
  'board-readiness': 'Dual Track sprint readiness',
  'rollup-gadget': 'Dual Track roll-up',
  'rollup-gadget-edit': 'Dual Track roll-up settings',
  'entry-triage-edit': 'Entry triage',
  'project-settings': 'Dual Track settings',
  'scoped-outcome-edit': 'Scoped outcome',
  'validator-config': 'Dual Track validator',
};

/**
 * Every resource's index.html is the one page in static/entry.html (a root element and the
 * resource's src/main.tsx), served to the build under the resource's own index.html path with
 * the resource's title, so that no resource keeps a copy of it.
 */
function resourceEntry() {
  let entry = '';
  let html = '';
  return {
    name: 'dual-track-resource-entry',
    enforce: 'pre',
    config: (config) => ({
      build: {
        rollupOptions: { input: path.resolve(config.root ?? process.cwd(), 'index.html') },
      },
    }),
    configResolved(config) {
      entry = path.join(config.root, 'index.html');
      const title = TITLES[path.basename(config.root)] ?? 'Dual Track';
      html = readFileSync(here('./entry.html'), 'utf8').replace('%TITLE%', title);
    },
    resolveId: (id) => (id === entry ? entry : undefined),
    load: (id) => (id === entry ? html : undefined),
  };
}

/**
 * The Vite configuration of every Custom UI resource. Each resource is its own app in
 * static/<resource>/ (src/main.tsx and the rest of src/) and builds into static/<resource>/dist, the directory
 * manifest.yml's `resources` points at: Forge serves each resource on its own, relative to
 * index.html, so nothing may be shared between their outputs. `root` is the resource directory
 * (set by build.mjs, or `vite build static/<resource> --config static/vite.config.mjs`).
 *
 * Mode `preview` (dev/preview, `npm start`) builds into static/<resource>/dist-preview with
 * @forge/bridge aliased to the preview shim; every other mode is the production build.
 *
 * index.html: one page for all of them, static/entry.html (see resourceEntry).
 *
 * Aliases: `@contract` is the bridge contract shared with the resolvers, `@domain` the pure
 * domain core (no @forge imports, no I/O), `@ui` the helpers shared by the resources.
 */
export default defineConfig(({ mode }) => ({
  base: './',
  logLevel: 'warn',
  plugins: [resourceEntry()],
  resolve: {
    alias: {
      '@contract': here('../src/contract'),
      '@domain': here('../src/domain'),
      '@ui': here('./shared'),
      // Preview mode only (`node static/build.mjs --preview`): the bridge talks to the local
      // preview server instead of Jira. Production bundles keep the real @forge/bridge.
      ...(mode === 'preview' ? { '@forge/bridge': here('../dev/preview/bridge-shim.ts') } : {}),
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: mode === 'preview' ? 'dist-preview' : 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // React + Atlaskit make a ~750 kB (minified) entry; test/ui holds the gzipped size to a budget.
    chunkSizeWarningLimit: 1000,
  },
}));
