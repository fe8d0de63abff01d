/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // The Custom UI's aliases (static/vite.config.mjs), for unit tests of its pure modules.
  moduleNameMapper: {
    '^@domain/(.*)$': '<rootDir>/src/domain/$1',
    '^@contract/(.*)$': '<rootDir>/src/contract/$1',
    // Atlaskit components import their compiled CSS; unit tests render markup only.
    '\\.css$': '<rootDir>/test/helpers/style-stub.ts',
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // Generous for a 2-CPU CI machine running Chromium beside the suites; a hang still fails.
  testTimeout: 60000,
  // CI has 2 cores; jest's default (cores - 1) would run one file at a time while most files
  // wait on Chromium, a child process or the virtual clock.
  maxWorkers: 2,
  // A worker that has run a few files holds on to their modules, and its garbage collection grows
  // with them: recycling a worker past 256 MB made a third of the suites (project-page, security,
  // storage, retro, enforcement) run in 140 s instead of 224 s on 2 cores.
  workerIdleMemoryLimit: '256MB',
};
