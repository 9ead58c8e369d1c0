// @ts-nocheck
import { SseHubError } from '../errors.js';

/** The Redis keys of one hub's event log. */
export interface RedisLogKeys {
  /** The stream of events; entry ids are `<seq>-0`. */
  readonly stream: string;
  /** The counter that hands out positions (INCRBY). */
  readonly seq: string;
  /** The epoch of the log's current incarnation (SET NX when absent). */
  readonly epoch: string;
  /** The highest position removed by retention. */
  readonly trimmed: string;
}

export const DEFAULT_REDIS_PREFIX = 'ssehub:';

/**
 * Key names for a prefix. Each name carries the hash tag `{log}` so every key of
 * one hub maps to the same Redis Cluster slot, which the Lua scripts need (they
 * touch several keys at once). Hubs with different prefixes share that slot.
 */
export function redisLogKeys(prefix: string = DEFAULT_REDIS_PREFIX): RedisLogKeys {
  if (/[{}\s]/.test(prefix)) {
    throw new SseHubError(
      'INVALID_CONFIG',
      `The Redis key prefix ${JSON.stringify(prefix)} must not contain braces or whitespace (braces would break the {hash tag})`,
    );
  }
  return {
    stream: `${prefix}{log}:events`,
    seq: `${prefix}{log}:seq`,
    epoch: `${prefix}{log}:epoch`,
    trimmed: `${prefix}{log}:trimmed`,
  };
}

/** Every key of a prefix, for tools and tests that clean up. */
export function allRedisLogKeys(prefix?: string): string[] {
  return Object.values(redisLogKeys(prefix));
}
