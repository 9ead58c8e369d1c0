/**
 * Mercure clients that were not written for ssehub: the `eventsource` npm
 * package subscribing and resuming after a dropped connection, and a publisher
 * that sends exactly what Symfony's Mercure component sends.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { MERCURE_PATH, mercureToken, postForm } from './support/mercure.js';
import { openStream } from './support/sse-stream.js';
import { TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

type Hub = Awaited<ReturnType<typeof startHub>>;
let hub: Hub;

beforeAll(async () => {
  hub = await startHub({ jwtSecret: TEST_SECRET, retryMs: 50, publishRate: 0 });
});
afterAll(async () => {
  await hub?.stop();
});

/**
 * The form body Symfony's Mercure `Hub::publish()` builds: PHP's
 * `http_build_query` over {topic: [...], data, private: 'on'|null, id, type,
 * retry} (nulls dropped, spaces as `+`), then the `[0]`, `[1]` indexes of the
 * topic array stripped so `topic` repeats.
 */
function symfonyBody(update: {
  topics: string[];
  data: string;
  private?: boolean;
  id?: string;
  type?: string;
  retry?: number;
}): string {
  const encode = (v: string) =>
    encodeURIComponent(v)
      .replace(/%20/g, '+')
      .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const pairs: string[] = update.topics.map((t, i) => `${encode(`topic[${i}]`)}=${encode(t)}`);
  pairs.push(`data=${encode(update.data)}`);
  if (update.private) pairs.push('private=on');
  if (update.id !== undefined) pairs.push(`id=${encode(update.id)}`);
  if (update.type !== undefined) pairs.push(`type=${encode(update.type)}`);
  if (update.retry !== undefined) pairs.push(`retry=${update.retry}`);
  return pairs.join('&').replace(/%5B\d+%5D/g, '');
}

describe('a publisher written like Symfony Mercure', () => {
  it('is accepted: form body, Bearer JWT with mercure.publish, repeated topics, private=on', async () => {
    const jwt = await mercureToken({ publish: ['*'] });
    const subscriber = await mercureToken({ subscribe: ['https://example.com/books/{id}'] });
    const stream = await openStream(hub.url, ['https://example.com/books/{id}'], {
      path: MERCURE_PATH,
      headers: { authorization: `Bearer ${subscriber}` },
    });
    const body = symfonyBody({
      topics: ['https://example.com/books/1', 'https://example.com/books/1.jsonld'],
      data: '{"@id":"/books/1","title":"Les Misérables & co"}',
      private: true,
      id: 'urn:uuid:7d0f6a38-symfony',
      type: 'book.updated',
      retry: 1500,
    });
    expect(body).toContain('topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&topic=');
    const res = await postForm(hub.url, body, { authorization: `Bearer ${jwt}` });
    expect(res.status).toBe(200);
    expect(res.text).toBe('urn:uuid:7d0f6a38-symfony');
    await stream.waitFor((events) => events.some((e) => e.type === 'book.updated'));
    const event = stream.events.find((e) => e.type === 'book.updated');
    expect(event).toEqual({
      type: 'book.updated',
      data: '{"@id":"/books/1","title":"Les Misérables & co"}',
      lastEventId: 'urn:uuid:7d0f6a38-symfony',
    });
    expect(stream.retries).toContain(1500);
    stream.close();
  });
});

describe('the eventsource npm client', () => {
  it('subscribes with a Bearer token and, after the connection drops, resumes from the publisher id it saw last', async () => {
    const publisher = await mercureToken({ publish: ['*'] });
    const subscriber = await mercureToken({ subscribe: [] });
    const topic = `https://example.com/feeds/${Date.now()}`;
    const sentIds: (string | null)[] = [];
    // The hub side of each stream, so the test can cut one like a network drop.
    const streams: Socket[] = [];
    const onRequest = (req: IncomingMessage) => {
      if (req.method === 'GET' && req.url?.startsWith(MERCURE_PATH)) streams.push(req.socket);
    };
    hub.server.on('request', onRequest);
    const url = new URL(MERCURE_PATH, hub.url);
    url.searchParams.append('topic', topic);
    const source = new EventSource(url, {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        sentIds.push(headers.get('last-event-id'));
        headers.set('authorization', `Bearer ${subscriber}`);
        return fetch(input, { ...init, headers });
      },
    });
    const received: { data: string; id: string }[] = [];
    source.onmessage = (e) => received.push({ data: e.data, id: e.lastEventId });
    try {
      await waitUntil(() => source.readyState === EventSource.OPEN, 10_000, 'the first connection');
      const send = (data: string, id: string) =>
        postForm(
          hub.url,
          [
            ['topic', topic],
            ['data', data],
            ['id', id],
          ],
          { authorization: `Bearer ${publisher}` },
        );
      await send('one', `${topic}/v1`);
      await send('two', `${topic}/v2`);
      await waitUntil(() => received.length === 2, 10_000, 'two updates');
      (streams[0] as Socket).destroy();
      // Published while the client is away: it must get them on reconnect, from its last id.
      await send('three', `${topic}/v3`);
      await send('four', `${topic}/v4`);
      await waitUntil(() => received.length >= 4, 10_000, 'the replayed updates');
      expect(sentIds[0]).toBeNull();
      expect(sentIds[1]).toBe(`${topic}/v2`);
      expect(received).toEqual([
        { data: 'one', id: `${topic}/v1` },
        { data: 'two', id: `${topic}/v2` },
        { data: 'three', id: `${topic}/v3` },
        { data: 'four', id: `${topic}/v4` },
      ]);
    } finally {
      source.close();
      hub.server.off('request', onRequest);
    }
  });
});
