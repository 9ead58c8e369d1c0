import { afterEach, describe, expect, it } from 'vitest';
import {
  FetchSseClient,
  HubNode,
  publish,
  publishOk,
  type ReceivedEvent,
  sleep,
  until,
} from './fixtures/cluster-clients.js';
import { RedisServer, redisServerInstalled, requireOrSkip, uniquePrefix } from './fixtures/cluster-redis.js';

const available = requireOrSkip(redisServerInstalled(), 'the redis-server binary (for restart tests)');

const epochOf = (id: string) => id.split('-')[0] as string;

async function healthz(node: HubNode): Promise<{ status: number; body: { log: { ok: boolean; detail?: string } } }> {
  const res = await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as { log: { ok: boolean; detail?: string } } };
}

describe.skipIf(!available)('a hub whose Redis restarts', () => {
  const cleanup: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setUp(appendonly: boolean) {
    const redis = new RedisServer({ appendonly });
    cleanup.push(() => redis.stop());
    await redis.start();
    const node = await HubNode.start({ REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix(), HEARTBEAT_MS: '300' });
    cleanup.push(() => node.kill('SIGTERM'));
    const client = new FetchSseClient();
    cleanup.push(() => client.close());
    await client.connect(node.url, ['t']);
    await until(() => client.lastEventId !== '', 5_000, 'the first frame');
    const before: string[] = [];
    for (let i = 0; i < 5; i++) before.push(await publishOk(node.url, 't', `before-${i}`));
    await until(() => client.messages.length === 5, 5_000, 'the first events');
    return { redis, node, client, before };
  }

  /** Publishes during the outage must all be refused with 503, while the stream stays open with heartbeats. */
  async function expectOutage(node: HubNode, client: FetchSseClient): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const reply = await publish(node.url, 't', `during-${i}`);
      expect(reply.status).toBe(503);
      expect(reply.body.error?.code).toBe('LOG_UNAVAILABLE');
      expect(reply.retryAfter).toBe('1'); // docs/errors.md: every 503 says when to retry
    }
    const health = await healthz(node);
    expect(health.status).toBe(503);
    expect(health.body.log.ok).toBe(false);
    const comments = client.comments;
    await until(() => client.comments >= comments + 2, 5_000, 'heartbeats during the outage');
    expect(client.disconnected).toBe(false);
  }

  /** Publishes (collecting the ids of the ones that succeed) until the hub accepts again. */
  async function publishUntilAccepted(node: HubNode, ids: string[], data: string): Promise<void> {
    await until(
      async () => {
        const reply = await publish(node.url, 't', data);
        if (reply.status === 200 && reply.body.id) ids.push(reply.body.id);
        else expect(reply.status).toBe(503); // refused, never half-accepted
        return reply.status === 200;
      },
      20_000,
      'publishes to be accepted again',
    );
  }

  it('with --appendonly yes: keeps every acknowledged event, answers 503 meanwhile, then delivers again', async () => {
    const { redis, node, client, before } = await setUp(true);
    await redis.kill();
    await expectOutage(node, client);

    await redis.start();
    const after: string[] = [];
    await publishUntilAccepted(node, after, 'after-0');
    for (let i = 1; i < 5; i++) after.push(await publishOk(node.url, 't', `after-${i}`));
    expect(after.map(epochOf)).toEqual(after.map(() => epochOf(before[0] as string)));

    const expected = [...before.map((id, i) => `${id} before-${i}`), ...after.map((id, i) => `${id} after-${i}`)];
    const summary = (events: ReceivedEvent[]) => events.map((e) => `${e.id} ${e.data}`);
    await until(() => client.events.length >= expected.length, 10_000, 'the events after the restart');
    await sleep(100);
    expect(summary(client.events)).toEqual(expected); // no reset, no gap, no repeat
    expect(client.disconnected).toBe(false);

    const resumed = new FetchSseClient(before[0]);
    cleanup.push(() => resumed.close());
    await resumed.connect(node.url, ['t']);
    await until(() => resumed.events.length >= expected.length - 1, 5_000, 'the replay');
    expect(summary(resumed.events)).toEqual(expected.slice(1));
    expect((await healthz(node)).status).toBe(200);
  });

  it('with nothing kept on disk: a new epoch, reset on open streams, log-replaced for old ids', async () => {
    const { redis, node, client, before } = await setUp(false);
    await redis.kill();
    await expectOutage(node, client);

    await redis.start(); // empty
    await until(() => client.events.some((e) => e.type === 'reset'), 15_000, 'the reset on the open stream');
    const reset = client.events[5] as ReceivedEvent;
    expect(reset.type).toBe('reset');
    const resetData = JSON.parse(reset.data) as { reason: string; id: string };
    expect(resetData.reason).toBe('log-replaced');
    const newEpoch = epochOf(resetData.id);
    expect(newEpoch).not.toBe(epochOf(before[0] as string));

    const after: string[] = [];
    await publishUntilAccepted(node, after, 'after-0');
    for (let i = 1; i < 3; i++) after.push(await publishOk(node.url, 't', `after-${i}`));
    expect(after.map(epochOf)).toEqual([newEpoch, newEpoch, newEpoch]);
    await until(() => client.messages.length >= 8, 10_000, 'the events of the new epoch');
    await sleep(100);
    expect(client.events.map((e) => `${e.type} ${e.data.startsWith('{') ? '' : e.data}`)).toEqual([
      ...before.map((_, i) => `message before-${i}`),
      'reset ',
      ...after.map((_, i) => `message after-${i}`),
    ]);
    expect(client.messages.slice(5).map((e) => e.id)).toEqual(after);

    // Old ids, whether their position exists in the new epoch or not, are never
    // resumed into the new epoch's events: the stream starts with a reset.
    for (const oldId of [before[1] as string, before[4] as string]) {
      const resumed = new FetchSseClient(oldId);
      cleanup.push(() => resumed.close());
      await resumed.connect(node.url, ['t']);
      await until(() => resumed.events.length >= 1, 5_000, 'the first event of a resumed stream');
      await sleep(100);
      expect(resumed.events.map((e) => e.type)).toEqual(['reset']);
      expect(JSON.parse(resumed.events[0]?.data ?? '{}')).toMatchObject({ reason: 'log-replaced', lastEventId: oldId });
    }
  });
});
