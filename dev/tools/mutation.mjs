#!/usr/bin/env node
// Mutation testing of the modules that guard permissions and data (issue 19): the resolver kit,
// the validators, the enforcement modules and the stores. Each group is one Stryker run (jest
// runner, jest.mutation.config.js) over the suites that exercise it; its results are kept in
// test/mutation/GROUP.json and reused while code and tests are unchanged. Then it prints each
// module's score and the total against the budget, from every group's kept results.
// `npm run mutation` runs every group; `npm run mutation -- validators` one; `-- --report` only
// prints. It takes long (every mutant runs the tests that cover it): not part of `npm test`.
import { existsSync, readFileSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';

const SECURITY = 'test/security/'; // the permission matrix, fuzzing, faults, backups
const GROUPS = {
  'resolver-kit': {
    mutate: ['src/resolvers/resolver-kit.ts'],
    suites: ['test/resolvers/', SECURITY],
  },
  validators: {
    mutate: ['src/validators/*.ts'],
    suites: ['test/validators/', 'test/enforcement/', SECURITY],
  },
  enforcement: { mutate: ['src/enforcement/*.ts'], suites: ['test/enforcement/', SECURITY] },
  stores: {
    mutate: ['src/storage/*.ts'],
    suites: ['test/storage/', 'test/evidence/', 'test/promote/', 'test/enforcement/', SECURITY],
  },
};
const BUDGET = 90;

const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const wanted = args.filter((a) => a !== '--report');
const unknown = wanted.filter((g) => !(g in GROUPS));
if (unknown.length > 0) {
  console.error(
    `unknown group(s): ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`,
  );
  process.exit(2);
}
const resultsOf = (group) => `test/mutation/${group}.json`;

async function run(group) {
  // jest.mutation.config.js reads the suites to run from the environment (Stryker's jest
  // processes inherit it).
  process.env.MUTATION_SUITES = GROUPS[group].suites.join(',');
  const stryker = new Stryker({
    testRunner: 'jest',
    // Every suite of the group in the initial run, not only those jest finds related to the
    // mutated files: its dependency search misses suites that reach them through entry points.
    jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
    coverageAnalysis: 'perTest',
    mutate: GROUPS[group].mutate,
    concurrency: 2,
    timeoutMS: 20_000,
    dryRunTimeoutMinutes: 40,
    // Mutants of module-level constants would each run every suite; they are left out (Stryker's
    // "Ignored"): the score counts the mutants inside functions.
    ignoreStatic: true,
    incremental: true,
    incrementalFile: resultsOf(group),
    reporters: ['progress', 'html'],
    htmlReporter: { fileName: `tmp/mutation/${group}.html` },
    tempDirName: 'tmp/.stryker-tmp',
    cleanTempDir: 'always',
    ignorePatterns: ['static/*/dist', 'static/*/dist-preview', 'tmp', 'docs'],
    thresholds: { high: BUDGET, low: 80, break: null },
  });
  await stryker.runMutationTest();
}

if (!reportOnly) {
  for (const group of wanted.length > 0 ? wanted : Object.keys(GROUPS)) await run(group);
}

// Score = killed (and timed out) of the mutants that tests cover or could cover; survivors and
// mutants no test reaches count against it, as Stryker's own "mutation score" does.
const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
let detected = 0;
let counted = 0;
const missing = [];
for (const group of Object.keys(GROUPS)) {
  if (!existsSync(resultsOf(group))) {
    missing.push(group);
    continue;
  }
  const data = JSON.parse(readFileSync(resultsOf(group), 'utf8'));
  let gd = 0;
  let gn = 0;
  const rows = Object.entries(data.files).map(([file, f]) => {
    const mutants = f.mutants.filter((m) => COUNTED.has(m.status));
    const d = mutants.filter((m) => DETECTED.has(m.status)).length;
    gd += d;
    gn += mutants.length;
    return {
      file,
      score: mutants.length === 0 ? 100 : (100 * d) / mutants.length,
      d,
      n: mutants.length,
    };
  });
  detected += gd;
  counted += gn;
  console.log(`${group}: ${gn === 0 ? '100.0' : ((100 * gd) / gn).toFixed(1)}% (${gd} of ${gn})`);
  for (const r of rows.sort((a, b) => a.score - b.score)) {
    console.log(
      `  ${r.score.toFixed(1).padStart(6)}%  ${String(r.d).padStart(4)}/${String(r.n).padEnd(4)} ${r.file}`,
    );
  }
}
if (missing.length > 0) console.log(`not run yet: ${missing.join(', ')}`);
const total = counted === 0 ? 100 : (100 * detected) / counted;
console.log(
  `mutation score: ${total.toFixed(1)}% (${detected} of ${counted} mutants detected) against a budget of ${BUDGET}%: ${total >= BUDGET && missing.length === 0 ? 'within' : 'BELOW'} budget`,
);
