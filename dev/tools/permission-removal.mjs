// `node dev/tools/permission-removal.mjs [--only <text>]`: removes each permission check of the
// back end by hand, one at a time, runs test/security against it and prints which suites caught
// it. A check no suite of test/security catches is printed as MISSED and makes the exit code 1.
// The checks: every permission a resolver requirement declares (`permissions: [...]` in
// src/resolvers), and the checks made in code (CHECKS below). The source is restored after each
// run, also when the run is interrupted. The three suites that catch most checks run first, and
// the whole of test/security only when they all pass.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CHECKS = [
  [
    'src/resolvers/resolver-kit.ts',
    'any missing permission refuses',
    /if \(missing\.length > 0\) \{/,
    'if (false) {',
  ],
  [
    'src/resolvers/enforcement-resolvers.ts',
    'waiver: Administer projects of the item’s project',
    /if \(!held\.has\('ADMINISTER_PROJECTS'\)\) \{/,
    'if (false) {',
  ],
  [
    'src/resolvers/enforcement-resolvers.ts',
    'waiver: the item is in the page’s project',
    /if \(contextProject && contextProject\.key !== issue\.fields\.project\.key\) \{/,
    'if (false) {',
  ],
  [
    'src/resolvers/jpd-idea-check.ts',
    'JPD idea: of a space the project connects',
    /if \(!context\.config\.jpd\.spaceKeys\.includes\(spaceKey\)\) \{/,
    'if (false) {',
  ],
  [
    'src/resolvers/jpd-idea-check.ts',
    'JPD idea: may edit only with Edit issues',
    /canEdit: held\.has\('EDIT_ISSUES'\)/,
    'canEdit: true',
  ],
  [
    'src/issue-panel/load-readiness.ts',
    'issue panel: Browse projects on the issue',
    /if \(!held\.has\('BROWSE_PROJECTS'\)\) throw new NoBrowseError\(\);/,
    '',
  ],
  [
    'src/issue-panel/load-readiness.ts',
    'issue panel: sign-off only with Edit issues',
    /if \(feasibility && !held\.has\('EDIT_ISSUES'\)\)/,
    'if (false)',
  ],
  [
    'src/issue-panel/load-readiness.ts',
    'issue panel: promote only with Create and Link issues',
    /const canPromote = held\.has\('CREATE_ISSUES'\) && held\.has\('LINK_ISSUES'\);/,
    'const canPromote = true;',
  ],
  [
    'src/issue-panel/load-readiness.ts',
    'issue panel: may edit only with Edit issues',
    /canEdit: held\.has\('EDIT_ISSUES'\),/,
    'canEdit: true,',
  ],
  [
    'src/project-page/board-read.ts',
    'board choice: Browse projects on the board’s other projects',
    /return held\.has\('BROWSE_PROJECTS'\);/,
    'return true;',
  ],
  [
    'src/setup/company-managed.ts',
    'setup: issue types created only with Administer Jira',
    /if \(held\.has\('ADMINISTER'\)\) return;/,
    'if (true) return;',
  ],
  [
    'src/automation/automation-actions.ts',
    'Automation: record evidence only with Browse and Edit',
    /if \(!held\.has\('BROWSE_PROJECTS'\) \|\| !held\.has\('EDIT_ISSUES'\)\) \{/,
    'if (false) {',
  ],
];

/** Each permission of each `permissions: [...]` of src/resolvers, removed from its list. */
function declaredChecks() {
  const out = [];
  for (const name of readdirSync('src/resolvers')
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const file = join('src/resolvers', name);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const list = /permissions: \[([^\]]*)\]/.exec(line);
      if (!list) return;
      const perms = [...list[1].matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
      for (const perm of perms) {
        const rest = perms
          .filter((p) => p !== perm)
          .map((p) => `'${p}'`)
          .join(', ');
        out.push({
          file,
          label: `${file}:${i + 1} requires ${perm}`,
          apply: (text) => {
            const all = text.split('\n');
            all[i] = line.replace(list[0], `permissions: [${rest}]`);
            return all.join('\n');
          },
        });
      }
    });
  }
  return out;
}

const checks = [
  ...declaredChecks(),
  ...CHECKS.map(([file, label, pattern, replacement]) => ({
    file,
    label: `${file}: ${label}`,
    apply: (text) => {
      if (!pattern.test(text)) throw new Error(`${file}: the check "${label}" is not found`);
      return text.replace(pattern, replacement);
    },
  })),
];

const only = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1]
  : undefined;
let restore;
const restoreNow = () => restore?.();
process.on('SIGINT', () => {
  restoreNow();
  process.exit(130);
});

/** The suites of test/security most checks fail first; the rest run only when none of these does. */
const FIRST = [
  'test/security/permission-matrix.test.ts',
  'test/security/one-permission-short.test.ts',
  'test/security/app-side-checks.test.ts',
];

/** The given suites (default: all of test/security) that fail with the source as it is now. */
function failing(suites) {
  try {
    execFileSync(
      'npx',
      ['jest', ...suites, '--silent', '--json', '--outputFile=tmp/permission-removal.json'],
      { stdio: 'ignore' },
    );
    return [];
  } catch {
    const result = JSON.parse(readFileSync('tmp/permission-removal.json', 'utf8'));
    return result.testResults
      .filter((r) => r.status !== 'passed')
      .map((r) => r.name.replace(/^.*\/test\/security\//, ''));
  }
}

/** The suites of test/security that fail: the first ones, else all of them. */
function failingSuites() {
  const first = failing(FIRST);
  return first.length > 0 ? first : failing(['test/security']);
}

// The suites must pass as the source is, or a failure would be counted as a catch.
const before = failing(['test/security']);
if (before.length > 0) {
  console.error(
    `test/security fails before any check is removed (${before.join(', ')}): fix that first`,
  );
  process.exit(2);
}

let missed = 0;
for (const check of checks.filter((c) => !only || c.label.includes(only))) {
  const original = readFileSync(check.file, 'utf8');
  restore = () => writeFileSync(check.file, original);
  try {
    writeFileSync(check.file, check.apply(original));
    const caught = failingSuites();
    if (caught.length === 0) missed += 1;
    console.log(
      `${caught.length > 0 ? 'caught' : 'MISSED'}  ${check.label}${caught.length > 0 ? `  (${caught.join(', ')})` : ''}`,
    );
  } finally {
    restoreNow();
    restore = undefined;
  }
}
console.log(
  missed === 0
    ? 'every check removed was caught by test/security'
    : `${missed} check(s) removed were not caught`,
);
process.exit(missed === 0 ? 0 : 1);
