import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serve } from '../src/server.js';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { captureLogs } from './support/log-capture.js';
import { openStream, publish } from './support/sse-stream.js';
import { StallingProxy } from './support/tcp-proxy.js';
import { waitUntil } from './support/wait.js';

const available = await redisReachable();

interface ReadyBody {
  status: string;
  reasons: string[];
  log: { ok: boolean };
}

describe.runIf(requireOrSkip(available, `Redis at ${SHARED_REDIS_URL}`))('the delivery canary on Redis', () => {
  const prefix = uniquePrefix();
  const logs = captureLogs();
  let proxy: StallingProxy;
  let server: RunningServer;

  beforeAll(async () => {
    const target = new URL(SHARED_REDIS_URL);
    proxy = await StallingProxy.start({ host: target.hostname, port: Number(target.port || 6379) }, 'XREAD');
    server = await serve({
      port: 0,
      host: '127.0.0.1',
      ephemeral: true,
      logger: logs.logger,
      redis: { url: `redis://127.0.0.1:${proxy.port}`, prefix },
      canaryIntervalMs: 200,
    });
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await deleteKeys(prefix);
  });

  const ready = async () => {
    const res = await fetch(`${server.url}/readyz`);
    return { status: res.status, body: (await res.json()) as ReadyBody };
  };

  it('turns readiness red when the live feed stalls while Redis still answers, and green after', async () => {
    await waitUntil(async () => (await ready()).status === 200, 10_000, 'ready with beats arriving');

    // The live feed's XREAD connection goes silent; the command connection and Redis itself work on.
    proxy.freeze();
    await waitUntil(async () => (await ready()).status === 503, 10_000, 'readiness to fail');
    const red = await ready();
    expect(red.body.log.ok).toBe(true); // the log (Redis) still reports healthy
    expect(red.body.reasons.join(' ')).toMatch(/canary: no beat received .* not delivered back/);
    const direct = new Redis(`redis://127.0.0.1:${proxy.port}`);
    try {
      expect(await direct.ping()).toBe('PONG');
    } finally {
      direct.disconnect();
    }
    // Publishing still succeeds: only delivery stopped, which is what the canary proves.
    expect((await publish(server.url, { topic: 'probe', data: 'x' })).status).toBe(200);
    expect(logs.lines.some((l) => l.msg === 'canary: delivery stopped; not ready' && l.level === 40)).toBe(true);

    proxy.thaw();
    await waitUntil(async () => (await ready()).status === 200, 10_000, 'readiness to recover');
    expect(logs.lines.some((l) => l.msg === 'canary: beats arrive again; ready')).toBe(true);
    // And events flow to clients again.
    const stream = await openStream(server.url, ['probe']);
    await publish(server.url, { topic: 'probe', data: 'after' });
    await stream.waitFor((events) => events.some((e) => e.data === 'after'));
    stream.close();
  });
});
