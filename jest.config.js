/** Jest with SWC: type-checking is `tsc --noEmit` in `npm test`, so the transform only strips types. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // Jest's default is one worker fewer than the cores: one, on the 2-core machines this runs on.
  maxWorkers: 2,
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
