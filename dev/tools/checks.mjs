// Runs npm scripts two at a time (CI has two cores; each of these checks uses one), longest
// first as listed, and prints each one's output when it ends, with its time. Exits non-zero
// naming every script that failed, after all have run, so one run reports every problem.
//   node dev/tools/checks.mjs lint typecheck format:check build:ui
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
const WIDTH = Number(process.env.CHECKS_WIDTH ?? 2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function runScript(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`;
      process.stdout.write(`\n> npm run ${name}: ${status} in ${seconds} s\n${output}`);
      resolve(code === 0 ? undefined : name);
    });
  });
}

const failed = [];
let next = 0;
async function worker() {
  for (let i = next++; i < scripts.length; i = next++) {
    const failure = await runScript(scripts[i]);
    if (failure) failed.push(failure);
  }
}
await Promise.all(Array.from({ length: WIDTH }, worker));
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.map((s) => `npm run ${s}`).join(', ')}`);
  process.exit(1);
}
