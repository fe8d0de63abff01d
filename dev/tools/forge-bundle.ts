import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { getEntryPoints, getNodeBundler } from '@forge/bundler';
import { ConfigFile, FileSystemReader, FileSystemWriter, type Logger } from '@forge/cli-shared';

/**
 * Bundles the app's functions with `@forge/bundler`, the code `forge deploy` runs (webpack with
 * ts-loader and the app's tsconfig.json), offline. The one part stubbed is the Forge runtime
 * wrapper the bundler adds beside the bundle (fetched from Atlassian's CDN by the CLI); the app's
 * code is bundled as the CLI bundles it. See docs/deploy.md.
 */

export interface BundleReport {
  outputDir: string;
  /** Bytes per output file (index.cjs, its source map). */
  files: Record<string, number>;
  /** The bundle's bytes by where they come from: the app's src/, or an npm package. */
  makeup: Array<{ source: string; bytes: number }>;
  dependencies: string[];
  ms: number;
}

interface SourceMap {
  sources: string[];
  sourcesContent?: Array<string | null>;
}

/** "src" for the app's own code, else the npm package a source file belongs to. */
function origin(source: string): string {
  const parts = source.split(/node_modules\//);
  if (parts.length < 2)
    return source.includes('/src/') || source.startsWith('src/') ? 'src' : 'other';
  const rest = parts[parts.length - 1] ?? '';
  const [scope = '', name = ''] = rest.split('/');
  return scope.startsWith('@') ? `${scope}/${name}` : scope;
}

export function makeupOf(mapFile: string): Array<{ source: string; bytes: number }> {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMap;
  const bytes = new Map<string, number>();
  map.sources.forEach((source, i) => {
    const size = Buffer.byteLength(map.sourcesContent?.[i] ?? '', 'utf8');
    const key = origin(source);
    bytes.set(key, (bytes.get(key) ?? 0) + size);
  });
  return [...bytes.entries()]
    .map(([source, size]) => ({ source, bytes: size }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** Bundles `appDir`'s functions (the cwd is `appDir` meanwhile, as for the CLI). */
export async function bundleFunctions(appDir: string): Promise<BundleReport> {
  const started = Date.now();
  const previous = process.cwd();
  process.chdir(appDir);
  try {
    const config = new ConfigFile(new FileSystemReader(), new FileSystemWriter());
    const silent = () => undefined;
    const logger = {
      info: silent,
      warn: silent,
      debug: silent,
      trace: silent,
      error: silent,
    } as unknown as Logger;
    const runtime = { script: '', source: 'stub: the Forge CLI adds it', version: '0' };
    const wrapper: Parameters<typeof getNodeBundler>[1] = {
      getNodeRuntimeWrapper: () => Promise.resolve(runtime),
      getNodeRuntimeLoader: () => Promise.resolve(runtime),
    };
    const bundler = getNodeBundler(logger, wrapper, config);
    const output = await bundler.bundle({
      appDirectory: appDir,
      entryPoints: getEntryPoints(await config.getAppHandlers()),
    });
    const files: Record<string, number> = {};
    for (const name of readdirSync(output.outputDir)) {
      files[name] = statSync(path.join(output.outputDir, name)).size;
    }
    const map = path.join(output.outputDir, 'index.cjs.map');
    return {
      outputDir: output.outputDir,
      files,
      makeup: files['index.cjs.map'] === undefined ? [] : makeupOf(map),
      dependencies: [...(output.metadata?.dependencies ?? [])].filter((d) => !d.startsWith('.')),
      ms: Date.now() - started,
    };
  } finally {
    process.chdir(previous);
  }
}
