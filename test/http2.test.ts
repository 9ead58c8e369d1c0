import type { IncomingMessage } from 'node:http';
import type { ClientHttp2Session } from 'node:http2';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../src/server.js';
import { startChildHub } from './support/child-hub.js';
import { h2Connect, h2EventStream, h2Publish, h2Request } from './support/http2-client.js';
import { startHub } from './support/hub-server.js';
import { runCli } from './support/run-cli.js';
import { type SelfSignedCert, selfSignedCert } from './support/tls-cert.js';

type Hub = Awaited<ReturnType<typeof startHub>>;

let tls: SelfSignedCert;
beforeAll(() => {
  tls = selfSignedCert();
});
afterAll(() => tls.remove());

const collections = { notes: { schema: { type: 'object', properties: { text: { type: 'string' } } } } };

/** The same API checks over h2c and over TLS: only how the session is opened differs. */
describe.each([
  { name: 'h2c', options: () => ({ h2c: true }), ca: (): string | undefined => undefined },
  { name: 'TLS (h2 by ALPN)', options: () => ({ tlsCert: tls.cert, tlsKey: tls.key }), ca: () => tls.cert },
])('HTTP/2 over $name', ({ options, ca }) => {
  let hub: Hub;
  let session: ClientHttp2Session;
  beforeAll(async () => {
    hub = await startHub({ ...options(), collections, mercureAnonymous: true });
    session = await h2Connect(hub.url.replace('127.0.0.1', 'localhost'), ca());
  });
  afterAll(async () => {
    session.close();
    await hub.stop();
  });

  it('carries many event streams on one connection, past node’s default of 100 concurrent streams', async () => {
    const streams = await Promise.all(
      Array.from({ length: 150 }, (_, i) => h2EventStream(session, `/events?topic=room/${i % 3}`)),
    );
    for (const s of streams) expect(s.status).toBe(200);
    expect(streams[0]?.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(streams[0]?.headers.connection).toBeUndefined();
    for (let room = 0; room < 3; room++) {
      expect((await h2Publish(session, { topic: `room/${room}`, data: `hello ${room}` })).status).toBe(200);
    }
    await Promise.all(streams.map((s, i) => s.waitFor((events) => events.some((e) => e.data === `hello ${i % 3}`))));
    for (const s of streams) s.close();
  });

  it('resumes a stream from Last-Event-ID', async () => {
    const first = await h2Publish(session, { topic: 'resume', data: 'one' });
    await h2Publish(session, { topic: 'resume', data: 'two' });
    await h2Publish(session, { topic: 'resume', data: 'three' });
    const stream = await h2EventStream(session, '/events?topic=resume', { 'last-event-id': first.body.id ?? '' });
    await stream.waitFor((events) => events.some((e) => e.data === 'three'));
    expect(stream.events.map((e) => e.data)).toEqual(['two', 'three']);
    stream.close();
  });

  it('writes a collection record and a live query sees it', async () => {
    const live = await h2EventStream(session, '/collections/notes/live');
    await live.waitFor((events) => events.some((e) => e.type === 'snapshot'));
    const created = await h2Request(session, '/collections/notes/records', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'over h2' }),
    });
    expect(created.status).toBe(201);
    await live.waitFor((events) => events.some((e) => e.type === 'insert' && e.data.includes('over h2')));
    live.close();
  });

  it('serves Mercure subscriptions and healthz', async () => {
    const sub = await h2EventStream(session, '/.well-known/mercure?topic=https://example.com/a');
    expect(sub.status).toBe(200);
    const published = await h2Request(session, '/.well-known/mercure', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ topic: 'https://example.com/a', data: 'mercure over h2' }).toString(),
    });
    expect(published.status).toBe(200);
    await sub.waitFor((events) => events.some((e) => e.data === 'mercure over h2'));
    sub.close();
    const health = await h2Request(session, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text).status).toBe('ok');
  });

  it('checks :authority like Host: a rebinding name is refused and nothing is written', async () => {
    const head = (await hub.hub.log.position()).head;
    const answer = await h2Request(session, '/publish', {
      method: 'POST',
      headers: { ':authority': 'evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'rebind', data: 'x' }),
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text).error.code).toBe('HOST_NOT_ALLOWED');
    expect((await hub.hub.log.position()).head).toBe(head);
  });

  it('refuses a too-large body without reading it, resets only that stream, and the connection goes on', async () => {
    const big = session.request({
      ':path': '/publish',
      ':method': 'POST',
      'content-type': 'application/json',
      'content-length': String(1024 * 1024 * 1024),
    });
    let text = '';
    let status = 0;
    big.setEncoding('utf8');
    big.on('response', (h) => {
      status = Number(h[':status']);
    });
    big.on('data', (d: string) => {
      text += d;
    });
    big.on('error', () => {});
    // Keeps offering body until the stream is closed: the hub must not drain a gigabyte.
    const chunk = Buffer.alloc(16 * 1024);
    let offered = 0;
    const pump = () => {
      while (!big.closed && offered < 1024 * 1024 * 1024) {
        offered += chunk.length;
        if (!big.write(chunk)) return void big.once('drain', pump);
      }
    };
    pump();
    // The client's own stream never emits 'close' while a write is pending: wait for the answer's end.
    await new Promise((resolve) => big.once('end', resolve));
    big.destroy();
    expect(status).toBe(413);
    expect(JSON.parse(text).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(offered).toBeLessThan(4 * 1024 * 1024);
    expect((await h2Request(session, '/healthz')).status).toBe(200);
  });
});

describe('h2c port', () => {
  it('an HTTP/1.1 client fails (h2c is HTTP/2 only) and the hub serves HTTP/2 on', async () => {
    const hub = await startHub({ h2c: true });
    try {
      await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
      const session = await h2Connect(hub.url);
      expect((await h2Request(session, '/healthz')).status).toBe(200);
      session.close();
    } finally {
      await hub.stop();
    }
  });
});

describe('HTTP/2 backpressure', () => {
  it('drops a stream whose client stopped reading, as a slow consumer, and its session’s other streams go on', async () => {
    const hub = await startHub({ h2c: true, maxBufferBytes: 64 * 1024 });
    const session = await h2Connect(hub.url);
    try {
      const stuck = session.request({ ':path': '/events?topic=flood' });
      stuck.end();
      stuck.pause(); // never read: the stream's flow-control window closes, the hub's queue grows
      const stuckClosed = new Promise((resolve) => stuck.once('close', resolve));
      stuck.on('error', () => {});
      const reader = await h2EventStream(session, '/events?topic=flood');
      const data = 'x'.repeat(1024);
      for (let i = 0; i < 400; i++) await hub.hub.publish({ topic: 'flood', data });
      await hub.hub.publish({ topic: 'flood', data: 'end' });
      await reader.waitFor((events) => events.some((e) => e.data === 'end'), 20_000);
      expect(reader.events).toHaveLength(401);
      stuck.resume(); // reads what was queued, then the close the hub sent
      await stuckClosed;
      expect(hub.hub.hub.stats().slowConsumerDisconnects).toBe(1);
    } finally {
      session.close();
      await hub.stop();
    }
  });
});

describe('HTTPS port', () => {
  it('still serves HTTP/1.1 clients (ALPN fallback), with Secure cookies', async () => {
    const hub = await startHub({ tlsCert: tls.cert, tlsKey: tls.key, guestAuth: true });
    try {
      expect(hub.url).toMatch(/^https:/);
      const answer = await new Promise<{ status: number; cookie: string[]; alpn: string; text: string }>(
        (resolve, reject) => {
          const req = httpsRequest(
            `${hub.url}/auth/guest`,
            {
              method: 'POST',
              ca: tls.cert,
              agent: false,
              headers: { 'content-type': 'application/json', origin: hub.url },
            },
            (res) => {
              let text = '';
              res.on('data', (d) => {
                text += d;
              });
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  cookie: res.headers['set-cookie'] ?? [],
                  alpn: String((res.socket as { alpnProtocol?: string }).alpnProtocol),
                  text,
                }),
              );
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ name: 'Ada' }));
        },
      );
      expect(answer.status).toBe(200);
      expect(answer.alpn).not.toBe('h2');
      expect(answer.cookie[0]).toMatch(/; Secure$/);
    } finally {
      await hub.stop();
    }
  });

  it('ends HTTP/1.1 streams and idle keep-alive sockets on shutdown, well before the 5 s grace period', async () => {
    const hub = await startHub({ tlsCert: tls.cert, tlsKey: tls.key });
    const agent = new HttpsAgent({ keepAlive: true, ca: tls.cert });
    const get = (path: string) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        httpsRequest(`${hub.url}${path}`, { agent }, resolve).on('error', reject).end();
      });
    const health = await get('/healthz'); // leaves an idle keep-alive socket behind
    health.resume();
    await new Promise((resolve) => health.once('end', resolve));
    const stream = await get('/events?topic=t');
    expect(stream.statusCode).toBe(200);
    const ended = new Promise((resolve) => stream.once('close', resolve));
    stream.resume();
    const started = Date.now();
    await hub.stop();
    expect(Date.now() - started).toBeLessThan(4_000);
    await ended;
    agent.destroy();
  });

  it('closes open HTTP/2 streams with GOAWAY on shutdown, well before the 5 s grace period', async () => {
    const hub = await startHub({ h2c: true });
    const session = await h2Connect(hub.url);
    const goaway = new Promise((resolve) => session.once('goaway', resolve));
    const streams = await Promise.all([1, 2, 3].map(() => h2EventStream(session, '/events?topic=t')));
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const started = Date.now();
    await hub.stop();
    expect(Date.now() - started).toBeLessThan(4_000);
    await goaway;
  });
});

describe('TLS and h2c settings are checked at start', () => {
  it('refuses h2c together with a certificate', async () => {
    await expect(serve({ port: 0, ephemeral: true, h2c: true, tlsCert: tls.cert, tlsKey: tls.key })).rejects.toThrow(
      /h2c.*drop one/,
    );
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const other = selfSignedCert();
    try {
      await expect(
        serve({ port: 0, ephemeral: true, logLevel: 'silent', tlsCert: tls.cert, tlsKey: other.key }),
      ).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/key does not belong/) });
    } finally {
      other.remove();
    }
  });

  it('ssehub serve --tls-cert --tls-key serves HTTP/2 over TLS and says https in its log', async () => {
    const child = await startChildHub([
      '--ephemeral',
      '--port',
      '0',
      '--tls-cert',
      tls.certFile,
      '--tls-key',
      tls.keyFile,
    ]);
    try {
      expect(child.output()).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
      const session = await h2Connect(`https://localhost:${child.port}`, tls.cert);
      const health = await h2Request(session, '/healthz');
      session.close();
      expect(health.status).toBe(200);
    } finally {
      await child.kill();
    }
  });

  it('refuses a certificate without its key, and names an unreadable file', async () => {
    await expect(serve({ port: 0, ephemeral: true, tlsCert: tls.cert })).rejects.toThrow(/go together/);
    const cli = await runCli(['serve', '--ephemeral', '--tls-cert', tls.certFile, '--tls-key', '/nonexistent/key.pem']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/--tls-key: cannot read \/nonexistent\/key\.pem/);
  });
});
