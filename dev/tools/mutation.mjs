#!/usr/bin/env node
// Mutation testing of the modules that guard permissions and data (issue 19): the resolver kit,
// the validators, the enforcement modules and the stores. Runs Stryker with the jest runner
// (jest.mutation.config.js), then prints each module's mutation score and the total against
// the budget. `npm run mutation` runs every group; `npm run mutation -- validators` one group.
// The HTML and JSON reports go to tmp/mutation/. It takes long (every mutant runs the tests that
// cover it): it is not part of `npm test`.
import { readFileSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';

const GROUPS = {
  'resolver-kit': ['src/resolvers/resolver-kit.ts'],
  validators: ['src/validators/*.ts'],
  enforcement: ['src/enforcement/*.ts'],
  stores: ['src/storage/*.ts'],
};
const BUDGET = 90;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((g) => !(g in GROUPS));
if (unknown.length > 0) {
  console.error(
    `unknown group(s): ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`,
  );
  process.exit(2);
}
const groups = wanted.length > 0 ? wanted : Object.keys(GROUPS);
const report = 'tmp/mutation/mutation.json';

const stryker = new Stryker({
  testRunner: 'jest',
  // Every suite in the initial run, not only those jest finds related to the mutated files: its
  // dependency search misses the suites that reach them through the app's entry points.
  jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: groups.flatMap((g) => GROUPS[g]),
  concurrency: 2,
  timeoutMS: 60_000,
  // The initial run is every back-end suite with coverage per test: minutes, not seconds.
  dryRunTimeoutMinutes: 40,
  // Mutants of module-level constants would each run every suite; they are left out (Stryker's
  // "Ignored"), the score counts the mutants inside functions.
  ignoreStatic: true,
  // Results are kept per mutant and reused while the mutated code and its tests are unchanged, so
  // a run cut short (or a later one after a small change) goes on from where it stopped.
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  reporters: ['progress', 'json', 'html'],
  jsonReporter: { fileName: report },
  htmlReporter: { fileName: 'tmp/mutation/mutation.html' },
  tempDirName: 'tmp/.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['static/*/dist', 'static/*/dist-preview', 'tmp', 'docs'],
  thresholds: { high: BUDGET, low: 80, break: null },
});
await stryker.runMutationTest();

// Score = killed (and timed out) of the mutants that tests cover or could cover; survivors and
// mutants no test reaches count against it, as Stryker's own "mutation score" does.
const data = JSON.parse(readFileSync(report, 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
let detected = 0;
let counted = 0;
const rows = Object.entries(data.files)
  .map(([file, f]) => {
    const mutants = f.mutants.filter((m) => COUNTED.has(m.status));
    const d = mutants.filter((m) => DETECTED.has(m.status)).length;
    detected += d;
    counted += mutants.length;
    const score = mutants.length === 0 ? 100 : (100 * d) / mutants.length;
    return { file, score, d, n: mutants.length };
  })
  .sort((a, b) => a.score - b.score);
for (const r of rows) {
  console.log(
    `${r.score.toFixed(1).padStart(6)}%  ${String(r.d).padStart(4)}/${String(r.n).padEnd(4)} ${r.file}`,
  );
}
const total = counted === 0 ? 100 : (100 * detected) / counted;
console.log(
  `mutation score: ${total.toFixed(1)}% (${detected} of ${counted} mutants detected) against a budget of ${BUDGET}%: ${total >= BUDGET ? 'within' : 'BELOW'} budget`,
);
