import { afterAll, describe, expect, it } from 'vitest';
import { RedisSubscriptionStore } from '../src/mercure/subscription-store.js';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { StallingProxy } from './support/tcp-proxy.js';
import { waitUntil } from './support/wait.js';

const available = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

describe.skipIf(!available)('RedisSubscriptionStore background refresh', () => {
  const prefix = uniquePrefix();
  afterAll(() => deleteKeys(prefix));

  it('reports a failed refresh instead of swallowing it, and recovers when Redis is back', async () => {
    const target = new URL(SHARED_REDIS_URL);
    const proxy = await StallingProxy.start({ host: target.hostname, port: Number(target.port || 6379) }, 'none');
    const errors: unknown[] = [];
    const store = new RedisSubscriptionStore({
      url: `redis://127.0.0.1:${proxy.port}`,
      prefix,
      ttlMs: 300, // refreshes every 100 ms
      onRefreshError: (err) => errors.push(err),
    });
    try {
      const record = { id: '/sub/1', type: 'Subscription', topic: 't', subscriber: 'x', active: true } as const;
      await store.add([record]);
      expect((await store.list()).map((r) => r.id)).toEqual(['/sub/1']);
      proxy.cut();
      await waitUntil(() => errors.length > 0, 10_000, 'a refresh failure to be reported');
      proxy.restore();
      // Refreshes work again: the entry is re-stamped and listed past its old expiry.
      await waitUntil(async () => (await store.list().catch(() => [])).length === 1, 10_000, 'the entry back');
    } finally {
      await store.close().catch(() => {});
      await proxy.close();
    }
  });
});
