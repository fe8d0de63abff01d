/**
 * Builds the Custom UI: one Vite build per resource that manifest.yml declares with a path of
 * the form static/<resource>/dist. Run from anywhere: `node static/build.mjs [resource...]`.
 *
 * `--preview` builds the local preview instead (dev/preview): the same app with @forge/bridge
 * replaced by dev/preview/bridge-shim.ts, into static/<resource>/dist-preview (never uploaded).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { parse } from 'yaml';

// Always React's and Atlaskit's production build, the preview too: a NODE_ENV left in the shell
// (jest sets `test`) would otherwise make Vite bundle their development builds.
process.env.NODE_ENV = 'production';

const staticDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(staticDir);
const configFile = path.join(staticDir, 'vite.config.mjs');

const manifest = parse(await readFile(path.join(repoRoot, 'manifest.yml'), 'utf8'));
const declared = (manifest.resources ?? []).map((r) => {
  const match = /^static\/([a-z0-9-]+)\/dist$/.exec(r.path);
  if (!match) throw new Error(`resource ${r.key}: path ${r.path} is not static/<resource>/dist`);
  if (!existsSync(path.join(staticDir, match[1], 'src', 'main.tsx'))) {
    throw new Error(`resource ${r.key}: static/${match[1]}/src/main.tsx does not exist`);
  }
  return match[1];
});

const args = process.argv.slice(2);
const preview = args.includes('--preview');
const wanted = args.filter((a) => a !== '--preview');
const unknown = wanted.filter((name) => !declared.includes(name));
if (unknown.length > 0) throw new Error(`not a resource in manifest.yml: ${unknown.join(', ')}`);
const names = wanted.length > 0 ? wanted : declared;

const started = performance.now();
for (const name of names) {
  const t = performance.now();
  await build({
    configFile,
    root: path.join(staticDir, name),
    mode: preview ? 'preview' : 'production',
  });
  const outDir = preview ? 'dist-preview' : 'dist';
  console.log(`built static/${name}/${outDir} in ${Math.round(performance.now() - t)} ms`);
}
console.log(
  `Custom UI${preview ? ' (preview)' : ''}: ${names.length} resource(s) in ${Math.round(performance.now() - started)} ms`,
);
