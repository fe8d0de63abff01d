/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // The Custom UI's aliases (static/vite.config.mjs), for unit tests of its pure modules.
  moduleNameMapper: {
    '^@domain/(.*)$': '<rootDir>/src/domain/$1',
    '^@contract/(.*)$': '<rootDir>/src/shared/$1',
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 20000,
};
