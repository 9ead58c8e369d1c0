import { defineConfig } from 'vitest/config';

/**
 * The fast unit tests beside the mutated code: what `npm run mutation` runs against each
 * mutant. Only the five mutated folders: a static mutant (a module-level constant) runs every
 * included test, and the auth/http/config tests cannot see a mutant in these folders anyway.
 * Plus the Redis adapter's own test (3 s, against the Redis at 127.0.0.1:6379; it skips itself
 * without one): the redis-* files have no other test a mutant could fail.
 */
export default defineConfig({
  test: {
    include: ['src/{protocol,log,hub,collections,client}/**/*.test.ts', 'test/redis-log.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
