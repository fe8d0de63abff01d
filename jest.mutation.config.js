/**
 * The jest configuration Stryker runs for each mutant (`npm run mutation`): every suite that
 * exercises the back end, without the ones that test something else (the browser, the Forge CLI's
 * manifest linter and bundler, the bench, the emulator itself, the docs and the repo's shape, the
 * Custom UI's helpers), which no back-end mutant can change.
 */
const base = require('./jest.config.js');

// `npm run mutation` names the suites of the group it mutates (directories or files under test/).
const suites = (process.env.MUTATION_SUITES ?? '').split(',').filter(Boolean);

module.exports = {
  ...base,
  ...(suites.length > 0
    ? {
        testMatch: suites.map((s) =>
          s.endsWith('.test.ts') ? `<rootDir>/${s}` : `<rootDir>/${s}**/*.test.ts`,
        ),
      }
    : {}),
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/browser/',
    '<rootDir>/test/manifest/',
    '<rootDir>/test/bench/',
    '<rootDir>/test/tooling/',
    '<rootDir>/test/architecture/',
    '<rootDir>/test/contracts/',
    '<rootDir>/test/emulator/',
    '<rootDir>/test/ui/',
    // Reads the built Custom UI, which Stryker's sandbox leaves out.
    '<rootDir>/test/security/egress.test.ts',
    // Property tests over random layouts: each test is one long loop that would run whole for
    // every mutant it touches; the fixed cases beside them cover the same checks.
    '<rootDir>/test/security/fuzz.test.ts',
    '<rootDir>/test/security/disclosure-property.test.ts',
  ],
};
