/**
 * Mercure on a cluster: two hub processes (the real CLI) on one Redis. An
 * update published on one node reaches subscribers on the other, a subscriber
 * resumes on the other node from a publisher id, and the subscriptions API
 * answers the same list on both nodes (subscription events included).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { MERCURE_PATH, mercurePublish, mercureToken } from './support/mercure.js';
import { openStream, type RecordedStream } from './support/sse-stream.js';
import { TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

const available = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

const SUBSCRIPTIONS = '/.well-known/mercure/subscriptions';

describe.skipIf(!available)('Mercure on two hub nodes sharing Redis', () => {
  const prefix = uniquePrefix();
  let a: ChildHub;
  let b: ChildHub;
  let publisher: string;
  /** May read subscription events and the subscriptions API, as the spec's examples do. */
  let observer: string;
  const streams: RecordedStream[] = [];

  beforeAll(async () => {
    const args = [
      '--port',
      '0',
      '--ephemeral',
      '--redis',
      SHARED_REDIS_URL,
      '--redis-prefix',
      prefix,
      '--jwt-secret',
      TEST_SECRET,
      '--mercure-subscriptions',
      '--retry',
      '100ms',
    ];
    [a, b] = await Promise.all([startChildHub(args), startChildHub(args)]);
    publisher = await mercureToken({ publish: ['*'] });
    observer = await mercureToken({ subscribe: [`${SUBSCRIPTIONS}{/topic}{/subscriber}`] });
  }, 40_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await deleteKeys(prefix);
    const redis = new Redis(SHARED_REDIS_URL);
    await redis.del(`${prefix}{mercure}:subscriptions`);
    redis.disconnect();
  });

  async function subscribe(node: ChildHub, selectors: string[], token: string, lastEventId?: string) {
    const stream = await openStream(node.url, selectors, {
      path: MERCURE_PATH,
      headers: { authorization: `Bearer ${token}` },
      ...(lastEventId !== undefined && { lastEventId }),
    });
    expect(stream.status).toBe(200);
    streams.push(stream);
    return stream;
  }

  async function list(node: ChildHub, path = SUBSCRIPTIONS) {
    const res = await fetch(new URL(path, node.url), { headers: { authorization: `Bearer ${observer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ld+json');
    return (await res.json()) as {
      type: string;
      lastEventID: string;
      subscriptions: { id: string; topic: string; subscriber: string; active: boolean; payload?: unknown }[];
    };
  }

  it('publishes on one node, delivers on the other, and resumes across nodes from publisher ids', async () => {
    const subscriber = await mercureToken({ subscribe: ['https://example.com/orders/{id}'] });
    const onB = await subscribe(b, ['https://example.com/orders/{id}'], subscriber);
    await mercurePublish(a.url, publisher, {
      topics: ['https://example.com/orders/1'],
      data: 'created',
      id: 'urn:order:1:v1',
    });
    await mercurePublish(a.url, publisher, {
      topics: ['https://example.com/orders/1'],
      data: 'paid (private)',
      id: 'urn:order:1:v2',
      private: true,
    });
    await mercurePublish(b.url, publisher, {
      topics: ['https://example.com/orders/1'],
      data: 'shipped',
      id: 'urn:order:1:v3',
    });
    await onB.waitFor((events) => events.some((e) => e.data === 'shipped'));
    const seen = (s: RecordedStream) =>
      s.events.filter((e) => e.type === 'message').map((e) => `${e.lastEventId} ${e.data}`);
    expect(seen(onB)).toEqual(['urn:order:1:v1 created', 'urn:order:1:v2 paid (private)', 'urn:order:1:v3 shipped']);

    // A client that saw v1 on node B reconnects to node A: the id published on A resolves there too.
    const resumed = await subscribe(a, ['https://example.com/orders/{id}'], subscriber, 'urn:order:1:v1');
    expect(resumed.headers.get('last-event-id')).toBe('urn:order:1:v1');
    await resumed.waitFor((events) => events.some((e) => e.data === 'shipped'));
    expect(seen(resumed)).toEqual(['urn:order:1:v2 paid (private)', 'urn:order:1:v3 shipped']);

    // A publisher id is unique across the cluster.
    await expect(
      mercurePublish(b.url, publisher, {
        topics: ['https://example.com/orders/1'],
        data: 'again',
        id: 'urn:order:1:v1',
      }),
    ).rejects.toThrow(/409/);
  });

  it('announces subscriptions and lists the same active ones on both nodes', async () => {
    const events = await subscribe(b, [`${SUBSCRIPTIONS}{/topic}{/subscriber}`], observer);
    const watcher = await mercureToken({ subscribe: [], payload: { user: 'https://example.com/users/9' } });
    const topic = `https://example.com/rooms/${Date.now()}`;
    const joined = await subscribe(a, [topic], watcher);
    const mine = (l: Awaited<ReturnType<typeof list>>) => l.subscriptions.filter((s) => s.topic === topic);

    // Listed on both nodes once the stream is open (it is recorded before the stream's first byte).
    const [onA, onB] = await Promise.all([list(a), list(b)]);
    expect(mine(onA)).toHaveLength(1);
    expect(mine(onA)).toEqual(mine(onB));
    const entry = mine(onA)[0] as (typeof onA.subscriptions)[number];
    expect(entry).toMatchObject({
      type: 'Subscription',
      topic,
      active: true,
      payload: { user: 'https://example.com/users/9' },
    });
    expect(entry.subscriber).toMatch(/^urn:uuid:/);
    expect(entry.id).toBe(`${SUBSCRIPTIONS}/${encodeURIComponent(topic)}/${encodeURIComponent(entry.subscriber)}`);
    // The per-topic and per-subscriber resources agree with the list.
    const byTopic = await list(b, `${SUBSCRIPTIONS}/${encodeURIComponent(topic)}`);
    expect(byTopic.subscriptions).toEqual(mine(onA));
    const single = await fetch(new URL(entry.id, b.url), { headers: { authorization: `Bearer ${observer}` } });
    expect(await single.json()).toMatchObject({ '@context': 'https://mercure.rocks/', ...entry });

    // The subscription event, published on node A, reached the observer on node B.
    await events.waitFor((e) => e.some((x) => x.data.includes(topic)));
    const announced = JSON.parse((events.events.find((x) => x.data.includes(topic)) as { data: string }).data);
    expect(announced).toMatchObject({ '@context': 'https://mercure.rocks/', id: entry.id, active: true, topic });

    joined.close();
    await waitUntil(
      async () => mine(await list(a)).length === 0 && mine(await list(b)).length === 0,
      10_000,
      'the subscription to end',
    );
    await events.waitFor((e) => e.some((x) => x.data.includes(topic) && x.data.includes('"active":false')));
  });

  it('refuses the subscriptions API to tokens whose selectors do not cover it', async () => {
    const other = await mercureToken({ subscribe: ['https://example.com/{+any}'] });
    const res = await fetch(new URL(SUBSCRIPTIONS, a.url), { headers: { authorization: `Bearer ${other}` } });
    expect(res.status).toBe(403);
    expect((await fetch(new URL(SUBSCRIPTIONS, a.url))).status).toBe(401);
  });
});
