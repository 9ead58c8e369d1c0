// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { startHub } from './support/hub-server.js';
import { openStream, publish } from './support/sse-stream.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';

const available = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

/** Rights are decided on the node a client is connected to; every node must decide the same. */
describe.skipIf(!available)('access control in a Redis cluster', () => {
  const prefix = uniquePrefix();
  let nodes: Awaited<ReturnType<typeof startHub>>[] = [];

  beforeAll(async () => {
    const options = { jwtSecret: TEST_SECRET, redis: { url: SHARED_REDIS_URL, prefix } };
    nodes = [await startHub(options), await startHub(options)];
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await deleteKeys(prefix);
  });

  it('holds the same rights on every node, live and on replay, and refuses the same publishes', async () => {
    const [a, b] = nodes as [Awaited<ReturnType<typeof startHub>>, Awaited<ReturnType<typeof startHub>>];
    const backend = bearer(await hsToken({ sub: 'backend', rights: { publish: ['**'] } }));
    const reader = bearer(await hsToken({ sub: 'ada', rights: { subscribe: ['chat/*'], publish: ['chat/ada'] } }));

    const live = await openStream(b.url, ['**'], { headers: reader });
    expect(live.status).toBe(200);
    await live.waitFor(() => live.ids.length > 0);
    const from = live.ids[0] as string;

    for (const [topic, data] of [
      ['chat/a', 'visible-1'],
      ['secret/x', 'hidden-1'],
      ['chat/a/deeper', 'hidden-2'],
      ['chat/b', 'visible-2'],
    ]) {
      expect((await publish(a.url, { topic, data }, { headers: backend })).status).toBe(200);
    }
    // Publishing rights are checked on whichever node takes the publish.
    for (const node of [a, b]) {
      const refused = await publish(node.url, { topic: 'secret/x', data: 'forged' }, { headers: reader });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('FORBIDDEN');
    }
    expect((await publish(b.url, { topic: 'chat/ada', data: 'end' }, { headers: reader })).status).toBe(200);

    await live.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(live.events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual([
      'visible-1',
      'visible-2',
      'end',
    ]);
    live.close();

    // Replay on the other node from the same id shows the same, never the secret events.
    const replay = await openStream(a.url, ['**'], { headers: reader, lastEventId: from });
    await replay.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(replay.events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual([
      'visible-1',
      'visible-2',
      'end',
    ]);
    replay.close();
  });
});
