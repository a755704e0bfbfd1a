/** One runner for unit, workflow (time-skipping) and HTTP integration tests. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
    // ESM-only packages (canonicalize, RFC 8785) as CommonJS for jest; Node itself requires them natively (>= 20.19).
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!canonicalize/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The fault suite kills and restarts components: its own command (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  globalSetup: '<rootDir>/test/setup/globalSetup.ts',
  globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
  verbose: true,
};
