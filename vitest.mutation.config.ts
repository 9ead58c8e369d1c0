import { defineConfig } from 'vitest/config';

/**
 * The fast unit tests beside the mutated code: what `npm run mutation` runs against each
 * mutant. Only the five mutated folders: a static mutant (a module-level constant) runs every
 * included test, and the auth/http/config tests cannot see a mutant in these folders anyway.
 */
export default defineConfig({
  test: {
    include: ['src/{protocol,log,hub,collections,client}/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
