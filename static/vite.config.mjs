import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The Vite configuration of every Custom UI resource. Each resource is its own app in
 * static/<resource>/ (index.html, src/) and builds into static/<resource>/dist, the directory
 * manifest.yml's `resources` points at: Forge serves each resource on its own, relative to
 * index.html, so nothing may be shared between their outputs. `root` is the resource directory
 * (set by build.mjs, or `vite build static/<resource> --config static/vite.config.mjs`).
 *
 * Mode `preview` (dev/preview, `npm start`) builds into static/<resource>/dist-preview with
 * @forge/bridge aliased to the preview shim; every other mode is the production build.
 *
 * Aliases: `@contract` is the bridge contract shared with the resolvers, `@domain` the pure
 * domain core (no @forge imports, no I/O), `@ui` the helpers shared by the resources.
 */
export default defineConfig(({ mode }) => ({
  base: './',
  logLevel: 'warn',
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
