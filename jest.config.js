/**
 * One jest run for the whole repository. Test tiers are in the file name:
 *   *.unit.test.ts  pure, no servers
 *   *.int.test.ts   against real FerretDB/MongoDB (and later RabbitMQ)
 *   *.e2e.test.ts   real processes over HTTP through the gateway
 * Type errors are caught by `tsc --noEmit` in `npm test`; ts-jest only transpiles.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/', '/.tools/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
    // cockatiel ships only ES modules; jest's CommonJS runtime needs them compiled (Node itself loads them).
    '/node_modules/cockatiel/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cockatiel/)'],
  globalSetup: '<rootDir>/scripts/jest/global-setup.ts',
  globalTeardown: '<rootDir>/scripts/jest/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
