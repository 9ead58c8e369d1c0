// @ts-nocheck
import { EventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FetchSseClient, HubNode, publishOk, type ReceivedEvent, sleep, until } from './fixtures/cluster-clients.js';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';

const available = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

describe.skipIf(!available)('a cluster of hub processes on one Redis', () => {
  const prefix = uniquePrefix();
  let nodes: HubNode[] = [];
  const clients: FetchSseClient[] = [];
  const sources: EventSource[] = [];

  beforeAll(async () => {
    const env = { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefix, RETRY_MS: '100' };
    nodes = await Promise.all([HubNode.start(env), HubNode.start(env), HubNode.start(env)]);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const source of sources.splice(0)) source.close();
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill('SIGTERM')));
    await deleteKeys(prefix);
  });

  async function subscribe(node: HubNode, topics: string[]): Promise<FetchSseClient> {
    const client = new FetchSseClient();
    clients.push(client);
    await client.connect(node.url, topics);
    // The id-only frame comes first; once it is here the stream is registered.
    await until(() => client.lastEventId !== '', 5_000, 'the first frame');
    return client;
  }

  const summary = (events: readonly ReceivedEvent[]) => events.map((e) => `${e.id} ${e.data}`);

  it('delivers every event to every subscriber of its topics, in one order, with the same ids', async () => {
    expect(new Set(nodes.map((n) => n.port)).size).toBe(3);
    const topics = [['alpha'], ['beta'], ['alpha', 'beta']];
    const subscribers: { topics: string[]; client: FetchSseClient }[] = [];
    for (const node of nodes) {
      for (const t of topics) subscribers.push({ topics: t, client: await subscribe(node, t) });
    }

    // Publishes to every node: some one after another, some all at once.
    const published: { id: string; topic: string; data: string }[] = [];
    const send = async (i: number) => {
      const topic = i % 3 === 0 ? 'beta' : 'alpha';
      const data = `event-${i}`;
      const node = nodes[i % nodes.length] as HubNode;
      published.push({ id: await publishOk(node.url, topic, data), topic, data });
    };
    for (let i = 0; i < 30; i++) await send(i);
    await Promise.all(Array.from({ length: 30 }, (_, i) => send(30 + i)));

    const seqOf = (id: string) => Number(id.split('-')[1]);
    const ordered = [...published].sort((a, b) => seqOf(a.id) - seqOf(b.id));
    expect(new Set(ordered.map((e) => e.id)).size).toBe(60);
    for (const { topics: wanted, client } of subscribers) {
      const expected = ordered.filter((e) => wanted.includes(e.topic)).map((e) => `${e.id} ${e.data}`);
      await until(() => client.messages.length >= expected.length, 10_000, `events for ${wanted.join('+')}`);
      await sleep(50);
      expect(summary(client.messages)).toEqual(expected);
    }
  });

  it('loses nothing and repeats nothing when a node is killed while events flow', async () => {
    const [victim, survivor, publisherNode] = nodes as [HubNode, HubNode, HubNode];
    const topic = `failover-${Date.now()}`;

    // Our own fetch client: resumes with its last id against another node by hand.
    const fetchClient = await subscribe(victim, [topic]);
    // The npm eventsource client: reconnects by itself (sending Last-Event-ID); its
    // fetch sends the reconnect to whichever node is alive, as a load balancer would.
    let target = victim;
    const esEvents: ReceivedEvent[] = [];
    let esOpened = 0;
    const source = new EventSource(`${victim.url}/events?topic=${topic}`, {
      fetch: (input, init) => fetch(String(input).replace(/^http:\/\/127\.0\.0\.1:\d+/, target.url), init),
    });
    sources.push(source);
    source.onopen = () => esOpened++;
    source.onmessage = (event) => esEvents.push({ id: event.lastEventId, type: event.type, data: event.data });
    await until(() => esOpened === 1, 5_000, 'the EventSource to open');

    const ids: string[] = [];
    let publishing = true;
    const publisher = (async () => {
      for (let i = 0; publishing && i < 2_000; i++) {
        ids.push(await publishOk(publisherNode.url, topic, `flow-${i}`));
        await sleep(5);
      }
    })();

    await until(() => fetchClient.messages.length >= 10 && esEvents.length >= 10, 10_000, 'events before the kill');
    target = survivor;
    await victim.kill('SIGKILL');
    await until(() => fetchClient.disconnected, 5_000, 'the fetch client to see the connection drop');
    const receivedAtDrop = fetchClient.messages.length;
    await sleep(100); // events keep flowing while the client is away
    const publishedAtResume = ids.length;
    await fetchClient.connect(survivor.url, [topic]);
    await until(() => esOpened >= 2, 10_000, 'the EventSource to reconnect');
    await sleep(200);
    publishing = false;
    await publisher;

    const expected = ids.map((id, i) => `${id} flow-${i}`);
    await until(
      () => fetchClient.messages.length >= ids.length && esEvents.length >= ids.length,
      10_000,
      'every event after the failover',
    );
    await sleep(100);
    expect(publishedAtResume).toBeGreaterThan(receivedAtDrop); // the resume had a gap to fill
    expect(summary(fetchClient.messages)).toEqual(expected);
    expect(summary(esEvents)).toEqual(expected);
    nodes = nodes.filter((n) => n !== victim);
  });
});
