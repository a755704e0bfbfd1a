/**
 * The fault suite (`npm run test:faults`): scenarios that kill, cut and restart the real
 * components (test/faults/). One at a time: each starts its own processes, and two cores are
 * what a machine here has. The reporter prints the table of runs, faults, lost and duplicated.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 600_000,
  reporters: ['default', '<rootDir>/test/faults/tableReporter.js'],
};
