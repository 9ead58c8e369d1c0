import { defineConfig } from 'vitest/config';

/** The fast unit tests beside the code: what `npm run mutation` runs against each mutant. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
