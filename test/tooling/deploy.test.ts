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
    // The bundle the run made: src and zod among its sources, every function handler in it.
    const bundleDir = /Offline checks passed .*Bundle: (\S+)/.exec(output)?.[1] ?? '';
    expect(bundleDir).not.toBe('');
    copies.push(bundleDir);
    expect(fs.statSync(path.join(bundleDir, 'index.cjs')).size).toBeGreaterThan(100_000);
    const makeup = makeupOf(path.join(bundleDir, 'index.cjs.map'));
    expect(makeup.map((m) => m.source)).toEqual(expect.arrayContaining(['src', 'zod']));
    const bundle = fs.readFileSync(path.join(bundleDir, 'index.cjs'), 'utf8');
    for (const handler of [
      'resolver',
      'enablerGate',
      'discoveryGate',
      'spikeCloseGate',
      'sprintGuard',
      'sprintStartCheck',
      'trackMarker',
    ]) {
      expect(bundle).toContain(handler);
    }
  });

  it('the bundler refuses a tsconfig with noEmit, as it would in forge deploy', async () => {
    const app = cleanCopy('noemit');
    const tsconfig = path.join(app, 'tsconfig.json');
    const config = JSON.parse(fs.readFileSync(tsconfig, 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    config.compilerOptions['noEmit'] = true;
    fs.writeFileSync(tsconfig, JSON.stringify(config));
    await expect(bundleFunctions(app)).rejects.toThrow(
      /TypeScript emitted no output for .*src\/index\.ts/,
    );
  });
});
