// Mutation testing of the core (npm run mutation; not part of npm test).
// Only the fast unit tests beside the code run against each mutant: the
// process/HTTP suites under test/ take minutes and would make a run take days.
// Narrow a run with: npx stryker run --mutate 'src/hub/**/*.ts'
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/protocol/**/*.ts',
    'src/log/**/*.ts',
    'src/hub/**/*.ts',
    'src/collections/**/*.ts',
    'src/client/**/*.ts',
    '!src/**/*.test.ts',
  ],
  checkers: [],
  // TypeScript 7 has no JS API, which Stryker's tsconfig rewriting imports; our tsconfig
  // points at nothing outside the sandbox, so there is nothing to rewrite: name no file.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  // Two cores shared with other work: one test process at a time.
  concurrency: 1,
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 85, low: 70, break: null },
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
