import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleFunctions, makeupOf } from '../../dev/tools/forge-bundle';

/**
 * The path to a real site: `npm run deploy --offline` on a clean copy of the repository (the
 * files git knows, node_modules linked) builds the Custom UI, validates the manifest, lints and
 * bundles src/ with @forge/bundler as `forge deploy` does. And the bundling step fails the way
 * the bundler fails when the app's tsconfig stops TypeScript from emitting.
 */
jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '..', '..');
const copies: string[] = [];

/** The repository as a clean checkout would have it, with the installed node_modules linked. */
function cleanCopy(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dual-track-${label}-`));
  copies.push(dir);
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f !== '' && fs.existsSync(path.join(REPO, f)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run deploy, offline part', () => {
  it('builds, validates, lints and bundles a clean copy, and says what the bundle is made of', () => {
    const app = cleanCopy('deploy');
    const result = spawnSync(process.execPath, ['dev/tools/deploy.cjs', '--offline'], {
      cwd: app,
      encoding: 'utf8',
    });
    const output = `${result.stdout}${result.stderr}`;
    expect({ status: result.status, output }).toMatchObject({ status: 0 });
    expect(output).toContain('- build the Custom UI … ok');
    expect(output).toContain('- validate manifest.yml (@forge/manifest) … ok');
    expect(output).toContain('- lint (@forge/lint, client-side) … ok');
    expect(output).toMatch(/- bundle the functions \(@forge\/bundler\) … ok .*index\.cjs \d+ KB/);
    expect(fs.existsSync(path.join(app, 'static', 'project-page', 'dist', 'index.html'))).toBe(
      true,
    );
    // React's production build, though jest runs this with NODE_ENV=test: no development-only
    // warning text in what would be uploaded.
    const assets = path.join(app, 'static', 'project-page', 'dist', 'assets');
    const scripts = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      expect(fs.readFileSync(path.join(assets, file), 'utf8')).not.toContain('unique "key" prop');
    }
    // The bundle the run made: src and zod among its sources, every function handler in it.
    const bundleDir = /Offline checks passed .*Bundle: (\S+)/.exec(output)?.[1] ?? '';
    expect(bundleDir).not.toBe('');
    copies.push(bundleDir);
    expect(fs.statSync(path.join(bundleDir, 'index.cjs')).size).toBeGreaterThan(100_000);
    const makeup = makeupOf(path.join(bundleDir, 'index.cjs.map'));
    expect(makeup.map((m) => m.source)).toEqual(expect.arrayContaining(['src', 'zod']));
    const bundle = fs.readFileSync(path.join(bundleDir, 'index.cjs'), 'utf8');
    const handlers = [
      ...fs
        .readFileSync(path.join(REPO, 'manifest.yml'), 'utf8')
        .matchAll(/^\s+handler: index\.(\w+)$/gm),
    ].map((m) => m[1]!);
    expect(handlers.length).toBeGreaterThanOrEqual(13);
    for (const handler of handlers) {
      expect(bundle).toContain(handler);
    }
  });

  it('the bundler refuses a tsconfig with noEmit, as it would in forge deploy', async () => {
    // A one-function app with the project's tsconfig and noEmit set: the refusal is the
    // bundler's, whatever the size of src/.
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-track-noemit-'));
    copies.push(app);
    const config = JSON.parse(fs.readFileSync(path.join(REPO, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    config.compilerOptions['noEmit'] = true;
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(config));
    fs.copyFileSync(path.join(REPO, 'package.json'), path.join(app, 'package.json'));
    fs.writeFileSync(
      path.join(app, 'manifest.yml'),
      [
        'modules:',
        '  function:',
        '    - key: main',
        '      handler: index.run',
        'app:',
        '  id: ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000',
        '  runtime:',
        '    name: nodejs22.x',
        '',
      ].join('\n'),
    );
    fs.mkdirSync(path.join(app, 'src'));
    fs.writeFileSync(path.join(app, 'src', 'index.ts'), 'export const run = (): number => 1;\n');
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(app, 'node_modules'));
    await expect(bundleFunctions(app)).rejects.toThrow(
      /TypeScript emitted no output for .*src\/index\.ts/,
    );
    // The same app with noEmit unset bundles: the refusal above was for noEmit, nothing else.
    config.compilerOptions['noEmit'] = false;
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(config));
    const report = await bundleFunctions(app);
    copies.push(report.outputDir);
    expect(Object.keys(report.files)).toContain('index.cjs');
  });
});
