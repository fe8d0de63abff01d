// Loaded into each of Stryker's test runner processes (`testRunnerNodeArgs: --import`) by
// `npm run mutation`. Stryker's jest runner runs a mutant by naming its covering tests
// (`--testNamePattern`) while jest still loads every suite of the group to find them; this
// remembers, from the initial run, which test file holds each test, and runs a mutant with only
// the files of its covering tests (the runner's own `testFiles` option, which the initial run
// uses). The same tests run, so the same mutants are killed, in a fraction of the time.
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

proto.mutantRun = async function (options) {
  const files = options.testFilter?.flatMap((id) => load()[id] ?? [null]);
  // A test the map does not know (null) means the map is not this run's: run as Stryker would.
  this.testFilesForMutant =
    files && !files.includes(null) ? [...new Set(files)].map(escape) : undefined;
  try {
    return await mutantRun.call(this, options);
  } finally {
    this.testFilesForMutant = undefined;
  }
};

proto.run = function (settings) {
  const testFiles = this.testFilesForMutant;
  return run.call(this, testFiles && testFiles.length > 0 ? { ...settings, testFiles } : settings);
};
