#!/usr/bin/env node
// Mutation testing of the modules that guard permissions and data (issue 19): the resolver kit,
// the validators, the enforcement modules, the stores and the shared storage layer, in Stryker
// runs of up to 8 files each (MUTATION_CHUNK; jest runner, jest.mutation.config.js, the group's
// suites); results are kept in test/mutation/GROUP/FILE.json and reused while code and tests are
// unchanged. Then it prints each module's score and the total against the budget. `npm run
// mutation` runs all; `-- validators` a group; `-- validators/enabler-gate` a file; `--missing`
// only files without results; `--report` only prints; `--retry-timeouts` tests again the mutants
// counted as timed out (on a busy machine a slow run, not a mutant, can time out). Hours on 2
// cores: not in CI.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Stryker } from '@stryker-mutator/core';

const SECURITY = 'test/security/'; // the permission matrix, faults, backups, disclosure cases
const SHARED_STORES = [
  'audit-store.ts',
  'config-store.ts',
  'enforcement-store.ts',
  'evidence-store.ts',
  'evidence-write.ts',
  'job-store.ts',
  'key-families.ts',
  'kvs-store.ts',
  'page-cache-store.ts',
  'project-context.ts',
  'shared-overview-store.ts',
  'track-mapping-store.ts',
  'versioned-record.ts',
];
const GROUPS = {
  'resolver-kit': {
    dir: 'src/resolvers',
    only: ['resolver-kit.ts'],
    suites: ['test/resolvers/', SECURITY],
  },
  validators: {
    dir: 'src/validators',
    suites: ['test/validators/', 'test/enforcement/', SECURITY],
  },
  // The board and issue surfaces and the Automation actions report readiness through these too.
  enforcement: {
    dir: 'src/enforcement',
    suites: ['test/enforcement/', 'test/surfaces/', 'test/automation/', SECURITY],
  },
  // Stores are tested where they are used too: retro figures, the shared overview and page cache,
  // templates, track mappings, settings and the issue panel's notes.
  stores: {
    dir: 'src/storage',
    except: SHARED_STORES,
    suites: [
      'test/storage/',
      'test/evidence/',
      'test/promote/',
      'test/enforcement/',
      'test/retro/',
      'test/project-page/',
      'test/templates/',
      'test/setup/',
      'test/settings/',
      'test/issue-panel/',
      'test/items/',
      'test/jpd/',
      SECURITY,
    ],
  },
  // The storage layer every flow goes through: with the suites above, each of its mutants would
  // run most of them (hours a file). It is tested by the store suites and the suites that name
  // these modules; a mutant only a flow's suite would catch counts as surviving (a lower bound).
  'shared-stores': {
    dir: 'src/storage',
    only: SHARED_STORES,
    suites: [
      'test/storage/',
      'test/evidence/evidence.test.ts',
      // The enforcement store's own readers: event claims, the guard's results, the audit.
      'test/enforcement/event-claims.test.ts',
      'test/enforcement/sprint-guard-results.test.ts',
      'test/validators/validator-audit.test.ts',
      'test/project-page/shared-overview.test.ts',
      'test/project-page/page-site-cache.test.ts',
      'test/items/track-marker.test.ts',
      'test/settings/settings-resolvers.test.ts',
      'test/security/backup-restore.test.ts',
      'test/security/data-transfer.test.ts',
      'test/security/faults.test.ts',
    ],
  },
};
const BUDGET = 90;

/** The files of a group; each is one Stryker run, so a run cut short keeps the files it finished. */
function filesOf(group) {
  const { dir, only, except = [] } = GROUPS[group];
  return (
    only ??
    readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !except.includes(f))
      .sort()
  ).map((f) => `${dir}/${f}`);
}
const resultsOf = (group, file) => `test/mutation/${group}/${basename(file, '.ts')}.json`;

const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const retryTimeouts = args.includes('--retry-timeouts');
const missingOnly = args.includes('--missing');
// A group name runs its files; `group/file` (e.g. validators/enabler-gate) runs one file.
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => {
  const [g, f] = w.split('/');
  return !(g in GROUPS) || (f !== undefined && !filesOf(g).some((p) => basename(p, '.ts') === f));
});
if (unknown.length > 0) {
  console.error(`unknown: ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}

/** Drops the kept results of timed-out mutants, so that the next run tests them again. */
function forgetTimeouts(group, file) {
  const path = resultsOf(group, file);
  if (!existsSync(path)) return 0;
  const data = JSON.parse(readFileSync(path, 'utf8'));
  let dropped = 0;
  for (const f of Object.values(data.files)) {
    const kept = f.mutants.filter((m) => m.status !== 'Timeout');
    dropped += f.mutants.length - kept.length;
    f.mutants = kept;
  }
  writeFileSync(path, JSON.stringify(data));
  return dropped;
}

/** The kept results of `files` as one report (Stryker's incremental file for a run of them). */
function merge(group, files, path) {
  const parts = files.filter((f) => existsSync(resultsOf(group, f)));
  const data = parts.map((f) => JSON.parse(readFileSync(resultsOf(group, f), 'utf8')));
  if (data.length === 0) return;
  const merged = { ...data[0], files: {}, testFiles: {} };
  for (const d of data) {
    Object.assign(merged.files, d.files);
    Object.assign(merged.testFiles, d.testFiles);
  }
  writeFileSync(path, JSON.stringify(merged));
}

/** Splits a run's report back into each file's kept results. */
function split(group, files, path) {
  if (!existsSync(path)) return;
  const data = JSON.parse(readFileSync(path, 'utf8'));
  for (const f of files) {
    if (data.files[f] === undefined) continue;
    mkdirSync(dirname(resultsOf(group, f)), { recursive: true });
    writeFileSync(resultsOf(group, f), JSON.stringify({ ...data, files: { [f]: data.files[f] } }));
  }
}

/** One Stryker run over `files` of a group: one initial run of its suites for them all. */
async function run(group, files) {
  if (retryTimeouts && files.reduce((n, f) => n + forgetTimeouts(group, f), 0) === 0) return;
  const batch = `tmp/mutation/${group}/batch.json`;
  mkdirSync(dirname(batch), { recursive: true });
  rmSync(batch, { force: true });
  merge(group, files, batch);
  // jest.mutation.config.js reads the suites to run from the environment (Stryker's jest
  // processes inherit it).
  process.env.MUTATION_SUITES = GROUPS[group].suites.join(',');
  const stryker = new Stryker({
    testRunner: 'jest',
    // Every suite of the group in the initial run, not only those jest finds related to the
    // mutated file: its dependency search misses suites that reach it through entry points.
    jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
    coverageAnalysis: 'perTest',
    mutate: files,
    concurrency: 2,
    // Runs each mutant with only the test files of its covering tests (see that file).
    testRunnerNodeArgs: ['--import', new URL('./mutation-test-files.mjs', import.meta.url).href],
    // A mutant whose run takes this much longer than the unmutated run counts as timed out.
    timeoutMS: Number(process.env.MUTATION_TIMEOUT_MS ?? 20_000),
    dryRunTimeoutMinutes: 40,
    // Mutants of module-level constants would each run every suite; they are left out (Stryker's
    // "Ignored"): the score counts the mutants inside functions.
    ignoreStatic: true,
    incremental: true,
    incrementalFile: batch,
    reporters: ['progress', 'html'],
    htmlReporter: { fileName: `tmp/mutation/${group}/report.html` },
    tempDirName: 'tmp/.stryker-tmp',
    cleanTempDir: 'always',
    // The docs stay: some suites check a figure against them (docs/costs.md's calls per action).
    ignorePatterns: ['static/*/dist', 'static/*/dist-preview', 'tmp'],
    thresholds: { high: BUDGET, low: 80, break: null },
  });
  await stryker.runMutationTest();
  split(group, files, batch);
}

// Files per Stryker run: one initial run serves them all; a run cut short loses only its chunk.
const CHUNK = Number(process.env.MUTATION_CHUNK ?? 8);

if (!reportOnly) {
  // Each group's wanted files, run in chunks of CHUNK; `--missing` only those not yet run.
  const byGroup = new Map();
  for (const w of wanted.length > 0 ? wanted : Object.keys(GROUPS)) {
    const [group, one] = w.split('/');
    const files = filesOf(group).filter((f) => one === undefined || basename(f, '.ts') === one);
    byGroup.set(group, [...(byGroup.get(group) ?? []), ...files]);
  }
  for (const [group, all] of byGroup) {
    const files = all.filter((f) => !missingOnly || !existsSync(resultsOf(group, f)));
    for (let i = 0; i < files.length; i += CHUNK) await run(group, files.slice(i, i + CHUNK));
  }
}

// Score = killed (and timed out) of the mutants that tests cover or could cover; survivors and
// mutants no test reaches count against it, as Stryker's own "mutation score" does.
const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
let detected = 0;
let counted = 0;
const missing = [];
for (const group of Object.keys(GROUPS)) {
  let gd = 0;
  let gn = 0;
  const rows = [];
  for (const file of filesOf(group)) {
    if (!existsSync(resultsOf(group, file))) {
      missing.push(file);
      continue;
    }
    const data = JSON.parse(readFileSync(resultsOf(group, file), 'utf8'));
    for (const [name, f] of Object.entries(data.files)) {
      const mutants = f.mutants.filter((m) => COUNTED.has(m.status));
      const d = mutants.filter((m) => DETECTED.has(m.status)).length;
      gd += d;
      gn += mutants.length;
      rows.push({
        name,
        score: mutants.length === 0 ? 100 : (100 * d) / mutants.length,
        d,
        n: mutants.length,
        timeouts: mutants.filter((m) => m.status === 'Timeout').length,
      });
    }
  }
  detected += gd;
  counted += gn;
  console.log(`${group}: ${gn === 0 ? '-' : `${((100 * gd) / gn).toFixed(1)}%`} (${gd} of ${gn})`);
  for (const r of rows.sort((a, b) => a.score - b.score)) {
    console.log(
      `  ${r.score.toFixed(1).padStart(6)}%  ${String(r.d).padStart(4)}/${String(r.n).padEnd(4)} ${r.name}${r.timeouts > 0 ? ` (${r.timeouts} of them timed out)` : ''}`,
    );
  }
}
if (missing.length > 0) console.log(`not run yet (${missing.length}): ${missing.join(', ')}`);
const total = counted === 0 ? 100 : (100 * detected) / counted;
console.log(
  `mutation score: ${total.toFixed(1)}% (${detected} of ${counted} mutants detected) against a budget of ${BUDGET}%: ${total >= BUDGET && missing.length === 0 ? 'within' : 'BELOW'} budget`,
);
