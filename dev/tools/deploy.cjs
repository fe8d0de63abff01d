/**
 * `npm run deploy`: everything `forge deploy` needs, checked offline first, then `forge deploy`.
 *   1. builds the Custom UI (static/<resource>/dist),
 *   2. validates manifest.yml with @forge/manifest (the schema the CLI uses),
 *   3. runs @forge/lint's client-side linters (scopes checked against Jira's OpenAPI specs),
 *   4. bundles src/ with @forge/bundler, as `forge deploy` does, and reports its size,
 *   5. runs `forge deploy` (Forge CLI, logged in), unless --offline.
 * Exits non-zero naming the step that failed. A CommonJS entry: the bundler needs require.main.
 */
require('../preview/register-ts.cjs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const APP = path.resolve(__dirname, '..', '..');
const offline = process.argv.includes('--offline');
const environment = process.env.FORGE_ENVIRONMENT ?? 'development';

function fail(step, detail) {
  console.error(`\nnpm run deploy stopped at "${step}": ${detail}`);
  process.exit(1);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

async function step(name, run) {
  const started = Date.now();
  process.stdout.write(`- ${name} … `);
  try {
    const note = await run();
    console.log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)${note ? `: ${note}` : ''}`);
  } catch (error) {
    console.log('failed');
    fail(name, error instanceof Error ? error.message : String(error));
  }
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: APP, encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15);
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${output.join('\n')}`);
  }
  return result.stdout ?? '';
}

async function main() {
  const harness = require('../../test/manifest/lint-harness.ts');
  const { bundleFunctions } = require('./forge-bundle.ts');

  console.log(`Dual Track: deploy to the ${environment} environment`);
  await step('build the Custom UI', () => {
    run(process.execPath, ['static/build.mjs']);
  });
  await step('validate manifest.yml (@forge/manifest)', async () => {
    const { success, errors } = await harness.validateApp(APP);
    if (!success || errors.length > 0) throw new Error(harness.formatValidationErrors(errors));
  });
  await step('lint (@forge/lint, client-side)', async () => {
    const lint = await harness.runForgeLint({
      appDir: APP,
      files: harness.listSourceFiles(APP),
      manifest: harness.readManifest(path.join(APP, 'manifest.yml')),
    });
    harness.removeTempDirs();
    const errors = lint.problems.filter((p) => p.level === 'error');
    if (errors.length > 0) throw new Error(harness.formatLintProblems(errors));
    const warnings = lint.problems.length - errors.length;
    return warnings > 0 ? `${warnings} warning(s)` : undefined;
  });
  let bundleDir = '';
  await step('bundle the functions (@forge/bundler)', async () => {
    const report = await bundleFunctions(APP);
    bundleDir = report.outputDir;
    const top = report.makeup
      .slice(0, 4)
      .map((m) => `${m.source} ${kb(m.bytes)}`)
      .join(', ');
    return `index.cjs ${kb(report.files['index.cjs'] ?? 0)} (sources: ${top})`;
  });

  if (offline) {
    console.log(`\nOffline checks passed (--offline: forge deploy not run). Bundle: ${bundleDir}`);
    return;
  }
  const forge = spawnSync('forge', ['--version'], { encoding: 'utf8' });
  if (forge.error || forge.status !== 0) {
    fail(
      'forge deploy',
      'the Forge CLI is not installed. Install it with `npm install -g @forge/cli`, then ' +
        '`forge login` (an Atlassian API token), `forge register` once (gives the app your own ' +
        'app id in manifest.yml), and run `npm run deploy` again. Then install the app on your ' +
        'site: `forge install --site <your-site>.atlassian.net --product jira`.',
    );
  }
  const deploy = spawnSync('forge', ['deploy', '--non-interactive', '-e', environment], {
    cwd: APP,
    stdio: 'inherit',
  });
  if (deploy.status !== 0) {
    fail(
      'forge deploy',
      `forge deploy exited ${deploy.status}. If it says you are not logged in, run \`forge login\`; ` +
        'if the app id is not yours, run `forge register`.',
    );
  }
  console.log(
    '\nDeployed. First time on a site: forge install --site <your-site>.atlassian.net --product jira' +
      ' (after scope changes: forge install --upgrade).',
  );
}

main().catch((error) => fail('deploy', error instanceof Error ? error.message : String(error)));
