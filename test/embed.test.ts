import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../src/index.js';
import { openStream } from './support/sse-stream.js';
import { waitUntil } from './support/wait.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createHub embedded in an existing server', () => {
  it('mounts under a path in Express, leaves other routes alone, and publishes from code', async () => {
    const hub = await createHub({ ephemeral: true, logLevel: 'silent' });
    cleanups.push(() => hub.close());
    const app = express();
    app.get('/app/hello', (_req, res) => {
      res.json({ hello: 'world' });
    });
    app.use('/realtime', hub.handler);
    app.use((_req, res) => {
      res.status(404).send('express 404');
    });
    const base = await listen(createServer(app));

    expect(await (await fetch(`${base}/app/hello`)).json()).toEqual({ hello: 'world' });
    expect(await (await fetch(`${base}/realtime/unknown`)).text()).toBe('express 404');

    const res = await fetch(`${base}/realtime/events?topic=orders/**`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const event = await hub.publish({ topic: 'orders/42', type: 'created', data: { total: 9 } });
    while (!text.includes('data: {"total":9}')) text += decoder.decode((await reader.read()).value);
    expect(text).toContain(`id: ${event.id}\nevent: created\ndata: {"total":9}\n\n`);
    await reader.cancel();

    const mounted = await fetch(`${base}/realtime/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'x', data: 'y' }),
    });
    expect(mounted.status).toBe(200);
  });

  it('publishBatch from code: all in order, or none when one event is invalid (memory log)', async () => {
    const hub = await createHub({ ephemeral: true, logLevel: 'silent', canaryIntervalMs: 0 });
    cleanups.push(() => hub.close());
    const stored = await hub.publishBatch([
      { topic: 'a', data: 'one' },
      { topic: ['a', 'b'], type: 'two', data: { n: 2 } },
    ]);
    expect(stored.map((e) => [e.seq, e.type, e.data])).toEqual([
      [1, undefined, 'one'],
      [2, 'two', '{"n":2}'],
    ]);
    await expect(
      hub.publishBatch([
        { topic: 'a', data: 'three' },
        { topic: '', data: 'bad' },
      ]),
    ).rejects.toMatchObject({
      code: 'INVALID_TOPIC',
      details: { index: 1 },
    });
    expect((await hub.log.readAfter(0, 10)).map((e) => e.data)).toEqual(['one', '{"n":2}']);
  });

  it('publishes through Express when a JSON body parser ran first', async () => {
    const hub = await createHub({ ephemeral: true, logLevel: 'silent' });
    cleanups.push(() => hub.close());
    const app = express();
    app.use(express.json());
    app.use('/rt', hub.handler);
    const base = await listen(createServer(app));
    const ok = await fetch(`${base}/rt/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'parsed', data: 'y' }),
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${base}/rt/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'a/*', data: 'y' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_TOPIC');
  });

  it('embeds in Fastify under a basePath through an onRequest hook', async () => {
    const hub = await createHub({ ephemeral: true, logLevel: 'silent', basePath: '/realtime' });
    cleanups.push(() => hub.close());
    const app = Fastify();
    app.addHook('onRequest', (request, reply, done) => {
      if (!request.url.startsWith('/realtime/')) return done();
      reply.hijack();
      hub.handler(request.raw, reply.raw);
    });
    app.get('/hello', async () => ({ hello: 'fastify' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    expect(await (await fetch(`${base}/hello`)).json()).toEqual({ hello: 'fastify' });
    const stream = await openStream(`${base}/realtime/`, ['x'], { path: 'events' });
    await waitUntil(() => stream.ids.length > 0);
    const res = await fetch(`${base}/realtime/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'x', data: 'via fastify' }),
    });
    expect(res.status).toBe(200);
    await stream.waitFor((e) => e.length === 1);
    expect(stream.events[0]?.data).toBe('via fastify');
    expect((await fetch(`${base}/realtime/nope`)).status).toBe(404);
    stream.close();
  });

  it('serves as a plain node:http listener', async () => {
    const hub = await createHub({ ephemeral: true, logLevel: 'silent' });
    cleanups.push(() => hub.close());
    const base = await listen(createServer(hub.handler));
    const stream = await openStream(base, ['plain']);
    await waitUntil(() => stream.ids.length > 0);
    await hub.publish({ topic: 'plain', data: 'hi' });
    await stream.waitFor((e) => e.length === 1);
    expect(stream.events[0]?.data).toBe('hi');
    stream.close();
  });

  it('validates options at construction with a message naming the option', async () => {
    await expect(createHub({ heartbeatMs: 5, logLevel: 'silent' })).rejects.toThrow(/heartbeatMs/);
    await expect(createHub({ maxBufferBytes: -1, logLevel: 'silent' })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    await expect(createHub({ nonsense: true, logLevel: 'silent' } as never)).rejects.toThrow(/nonsense/);
    await expect(createHub({ basePath: 'realtime', logLevel: 'silent' })).rejects.toThrow(/basePath: must start with/);
  });
});
