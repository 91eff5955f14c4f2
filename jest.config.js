/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only: type-checking is `npm run typecheck`'s job, and keeps the suite fast.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // The examples import the library by its package name, as a user's app does; here it is the local sources.
  moduleNameMapper: { '^cdktf-bluegreen$': '<rootDir>/src/index.ts' },
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  setupFilesAfterEnv: ['<rootDir>/test/support/fast-stack-traces.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};
