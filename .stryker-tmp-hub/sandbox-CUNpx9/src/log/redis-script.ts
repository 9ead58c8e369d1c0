// @ts-nocheck
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA1 (EVALSHA), falling back to EVAL (which also caches
 * it) when Redis does not know it, for example right after a restart.
 */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;
  readonly #keyCount: number;

  constructor(source: string, keyCount: number) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
    this.#keyCount = keyCount;
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (keys.length !== this.#keyCount) throw new Error(`script expects ${this.#keyCount} keys, got ${keys.length}`);
    try {
      return await redis.evalsha(this.#sha, this.#keyCount, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.#source, this.#keyCount, ...keys, ...args);
    }
  }
}
