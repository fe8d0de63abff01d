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
 * Aliases: `@contract` is the bridge contract shared with the resolvers, `@domain` the pure
 * domain core (no @forge imports, no I/O), `@ui` the helpers shared by the resources.
 */
export default defineConfig({
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: {
      '@contract': here('../src/shared'),
      '@domain': here('../src/domain'),
      '@ui': here('./shared'),
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // React + Atlaskit make a ~750 kB (minified) entry; test/ui holds the gzipped size to a budget.
    chunkSizeWarningLimit: 1000,
  },
});
