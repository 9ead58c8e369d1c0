import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { openStream, publish } from './support/sse-stream.js';
import { waitUntil } from './support/wait.js';

let hub: Awaited<ReturnType<typeof startHub>>;
beforeAll(async () => {
  hub = await startHub({ heartbeatMs: 200, retryMs: 1234, maxEventBytes: 1024 });
});
afterAll(() => hub.stop());

describe('GET /events', () => {
  it('answers with the SSE headers, retry first and an id frame for a fresh client', async () => {
    const stream = await openStream(hub.url, ['hello']);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.headers.get('content-encoding')).toBeNull();
    await waitUntil(() => stream.retries.length > 0 && stream.ids.length > 0);
    expect(stream.retries).toEqual([1234]);
    stream.close();
  });

  it('delivers published events with id, type and data', async () => {
    const stream = await openStream(hub.url, ['deliver']);
    await waitUntil(() => stream.ids.length > 0);
    const res = await publish(hub.url, { topic: 'deliver', type: 'greeting', data: { text: 'hi\nthere' } });
    expect(res.status).toBe(200);
    await stream.waitFor((e) => e.length === 1);
    expect(stream.events[0]).toEqual({ type: 'greeting', data: '{"text":"hi\\nthere"}', lastEventId: res.body.id });
    stream.close();
  });

  it('keeps multi-line string data intact', async () => {
    const stream = await openStream(hub.url, ['lines']);
    await waitUntil(() => stream.ids.length > 0);
    await publish(hub.url, { topic: 'lines', data: 'one\ntwo\r\nthree' });
    await stream.waitFor((e) => e.length === 1);
    expect(stream.events[0]?.data).toBe('one\ntwo\nthree');
    stream.close();
  });

  it('routes by * and ** patterns and sends an event on several topics once', async () => {
    const star = await openStream(hub.url, ['room/*']);
    const rest = await openStream(hub.url, ['orders/**']);
    const both = await openStream(hub.url, ['room/a', 'room/*']);
    await waitUntil(() => [star, rest, both].every((s) => s.ids.length > 0));
    await publish(hub.url, { topic: 'room/a', data: '1' });
    await publish(hub.url, { topic: 'room/a/deep', data: '2' });
    await publish(hub.url, { topic: ['orders', 'orders/7/lines'], data: '3' });
    await publish(hub.url, { topic: ['room/b', 'orders/x'], data: '4' });
    // Published last on a topic every stream matches: once it is in, nothing before it can still come.
    await publish(hub.url, { topic: ['room/end', 'orders/end'], data: 'end' });
    for (const s of [star, rest, both]) await s.waitFor((e) => e.some((x) => x.data === 'end'));
    expect(star.events.map((e) => e.data)).toEqual(['1', '4', 'end']);
    expect(rest.events.map((e) => e.data)).toEqual(['3', '4', 'end']);
    expect(both.events.map((e) => e.data)).toEqual(['1', '4', 'end']);
    for (const s of [star, rest, both]) s.close();
  });

  it('sends heartbeat comments on quiet streams', async () => {
    const stream = await openStream(hub.url, ['quiet']);
    await waitUntil(() => stream.comments.length >= 2, 5_000, 'two heartbeats');
    stream.close();
  });

  it.each([
    ['', 'MISSING_TOPIC'],
    ['?topic=a%20b', 'INVALID_TOPIC'],
    ['?topic=**/x', 'INVALID_TOPIC'],
    [`?${Array.from({ length: 40 }, (_, i) => `topic=t${i}`).join('&')}`, 'TOO_MANY_TOPICS'],
  ])('refuses /events%s with a JSON error', async (query, code) => {
    const res = await fetch(`${hub.url}/events${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('answers 405 for POST /events and 404 for unknown paths', async () => {
    const wrong = await fetch(`${hub.url}/events?topic=a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const missing = await fetch(`${hub.url}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});

describe('POST /publish', () => {
  it('returns the event id once stored, and ids grow', async () => {
    const a = await publish(hub.url, { topic: 'ids', data: 'a' });
    const b = await publish(hub.url, { topic: 'ids', data: 'b' });
    expect(a.status).toBe(200);
    const seq = (id: string | undefined) => Number(id?.split('-')[1]);
    expect(seq(b.body.id)).toBeGreaterThan(seq(a.body.id));
  });

  const bad: [string, unknown, { raw?: string; contentType?: string }, number, string][] = [
    ['not JSON', undefined, { raw: '{nope' }, 400, 'INVALID_JSON'],
    ['an empty body', undefined, { raw: '' }, 400, 'INVALID_JSON'],
    ['a JSON array', [1], {}, 400, 'INVALID_BODY'],
    ['no topic', { data: 'x' }, {}, 400, 'MISSING_TOPIC'],
    ['an empty topic list', { topic: [], data: 'x' }, {}, 400, 'MISSING_TOPIC'],
    ['a wildcard topic', { topic: 'chat/*', data: 'x' }, {}, 400, 'INVALID_TOPIC'],
    ['a topic of the wrong type', { topic: 5, data: 'x' }, {}, 400, 'INVALID_TOPIC'],
    ['a reserved collections topic', { topic: ['ok', 'collections/messages'], data: 'x' }, {}, 400, 'INVALID_TOPIC'],
    [
      'too many topics',
      { topic: Array.from({ length: 20 }, (_, i) => `t${i}`), data: 'x' },
      {},
      400,
      'TOO_MANY_TOPICS',
    ],
    ['no data', { topic: 't' }, {}, 400, 'INVALID_DATA'],
    ['empty data', { topic: 't', data: '' }, {}, 400, 'INVALID_DATA'],
    ['over-size data', { topic: 't', data: 'x'.repeat(1025) }, {}, 413, 'PAYLOAD_TOO_LARGE'],
    [
      'an over-size body',
      undefined,
      { raw: JSON.stringify({ topic: 't', data: 'x'.repeat(5000) }) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['a type with LF', { topic: 't', type: 'a\nb', data: 'x' }, {}, 400, 'INVALID_TYPE'],
    ['a type with CR', { topic: 't', type: 'a\rb', data: 'x' }, {}, 400, 'INVALID_TYPE'],
    ['an empty type', { topic: 't', type: '', data: 'x' }, {}, 400, 'INVALID_TYPE'],
    [
      'a non-JSON content type',
      { topic: 't', data: 'x' },
      { contentType: 'text/plain' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ];

  it.each(bad)('refuses %s and writes nothing', async (_what, body, init, status, code) => {
    const before = await publish(hub.url, { topic: 'probe', data: 'before' });
    const res = await publish(hub.url, body, init);
    const after = await publish(hub.url, { topic: 'probe', data: 'after' });
    expect(res.status).toBe(status);
    expect(res.body.error?.code).toBe(code);
    expect(res.body.error?.message).toMatch(/\w+/);
    // Nothing was appended between the two probes.
    const seq = (id: string | undefined) => Number(id?.split('-')[1]);
    expect(seq(after.body.id)).toBe(seq(before.body.id) + 1);
  });

  it('answers 405 for GET /publish', async () => {
    const res = await fetch(`${hub.url}/publish`);
    expect(res.status).toBe(405);
  });
});

describe('GET /healthz', () => {
  it('reports liveness and counters', async () => {
    const res = await fetch(`${hub.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', log: { ok: true } });
  });
});

describe('HTTP/1.0 clients', () => {
  it('get an unchunked stream that ends with the connection', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(hub.port, '127.0.0.1', () => {
        socket.write('GET /events?topic=old HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n');
      });
      let body = '';
      socket.on('data', (d) => {
        body += d;
        if (body.includes('id: ')) {
          socket.destroy();
          resolve(body);
        }
      });
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.toLowerCase()).not.toContain('transfer-encoding');
    expect(text).toContain('\r\n\r\nretry: 1234\n\nid: ');
  });
});
