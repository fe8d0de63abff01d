// Loaded into each of Stryker's test runner processes (`testRunnerNodeArgs: --import`) by
// `npm run mutation`. Stryker's jest runner runs a mutant by naming its covering tests
// (`--testNamePattern`) while jest still loads every suite of the group to find them; this
// remembers, from the initial run, which test file holds each test, and runs a mutant with only
// the files of its covering tests (the runner's own `testFiles` option, which the initial run
// uses), one file at a time until one kills it. The same tests decide, in a fraction of the time.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runnerPath = join(
  root,
  'node_modules/@stryker-mutator/jest-runner/dist/src/jest-test-runner.js',
);
const mapPath = join(root, 'tmp/mutation/test-files.json');
const { JestTestRunner } = await import(pathToFileURL(runnerPath).href);

/** Test id (jest's full name) → the test files that hold a test of that name. */
let filesOf;
const load = () =>
  (filesOf ??= existsSync(mapPath) ? JSON.parse(readFileSync(mapPath, 'utf8')) : {});
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const proto = JestTestRunner.prototype;
const { dryRun, mutantRun, run } = proto;

proto.dryRun = async function (options) {
  const result = await dryRun.call(this, options);
  if (result.status === 'complete') {
    const map = {};
    for (const t of result.tests)
      (map[t.id] ??= []).includes(t.fileName) || map[t.id].push(t.fileName);
    mkdirSync(dirname(mapPath), { recursive: true });
    writeFileSync(mapPath, JSON.stringify(map));
    filesOf = map;
  }
  return result;
};

/** Runs the mutant with only `files`, or as Stryker would when `files` is undefined. */
async function runWith(runner, options, files) {
  runner.testFilesForMutant = files?.map((f) => `^${escape(f)}$`);
  try {
    return await mutantRun.call(runner, options);
  } finally {
    runner.testFilesForMutant = undefined;
  }
}

// One file after another, the file with the most covering tests first, stopping at the first
// that kills the mutant (jest's own `bail` does not work when called as Stryker calls it). A
// survivor has run every covering test, as before.
proto.mutantRun = async function (options) {
  const perFile = new Map();
  for (const id of options.testFilter ?? []) {
    for (const file of load()[id] ?? [null]) perFile.set(file, (perFile.get(file) ?? 0) + 1);
  }
  // A test the map does not know (null) means the map is not this run's: run as Stryker would.
  if (options.testFilter === undefined || perFile.has(null))
    return runWith(this, options, undefined);
  const files = [...perFile.entries()].sort((a, b) => b[1] - a[1]).map(([file]) => file);
  let nrOfTests = 0;
  for (const file of files) {
    const result = await runWith(this, options, [file]);
    if (result.status !== 'survived') return result;
    nrOfTests += result.nrOfTests;
  }
  return { status: 'survived', nrOfTests };
};

proto.run = function (settings) {
  const testFiles = this.testFilesForMutant;
  return run.call(this, testFiles ? { ...settings, testFiles } : settings);
};
