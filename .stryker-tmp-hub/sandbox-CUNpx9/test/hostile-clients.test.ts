// @ts-nocheck
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { rawRequest } from './support/raw-http.js';
import { openStream, publish, type RecordedStream } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';

/**
 * Issue 9: each attack performed against a real hub process (the CLI), then the
 * same checks: the answer (status and code), the process and /healthz still up,
 * and a bystander stream still receiving its events.
 */
let hub: ChildHub;
let dir: { path: string; remove(): void };
let bystander: RecordedStream;
let sent = 0;

beforeAll(async () => {
  dir = tempDir();
  hub = await startChildHub(['--port', '0', '--data-dir', dir.path, '--allowed-hosts', 'hub.example']);
  bystander = await openStream(hub.url, ['bystander']);
  await bystander.waitFor(() => bystander.ids.length > 0);
}, 30_000);

afterAll(async () => {
  bystander?.close();
  await hub?.kill();
  dir?.remove();
});

/** The hub is up, /healthz answers and the bystander still gets every event. */
async function expectHubHealthy(): Promise<void> {
  expect(hub.process.exitCode).toBeNull();
  const health = await fetch(`${hub.url}/healthz`);
  expect(health.status).toBe(200);
  const text = `still-here-${++sent}`;
  expect((await publish(hub.url, { topic: 'bystander', data: text })).status).toBe(200);
  await bystander.waitFor((events) => events.some((e) => e.data === text));
}

function errorCode(body: string): string | undefined {
  return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
}

describe('bodies', () => {
  it('answers 413 to a body declared too large with Connection: close, and stops reading it', async () => {
    const declared = 1024 * 1024 * 1024; // 1 GiB announced
    const res = await rawRequest(
      hub.port,
      `POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
      { body: Buffer.alloc(64 * 1024, 0x20) },
    );
    expect(res.status).toBe(413);
    expect(errorCode(res.body)).toBe('PAYLOAD_TOO_LARGE');
    expect(res.headers.connection).toBe('close');
    // Keep sending as a hostile client would: the hub must close rather than read on.
    let written = 64 * 1024;
    const pump = setInterval(() => {
      if (!res.socket.destroyed) res.socket.write(Buffer.alloc(256 * 1024, 0x20), () => {});
      written += 256 * 1024;
    }, 5);
    res.socket.on('error', () => {});
    await Promise.race([
      res.closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the hub kept the socket open')), 5_000)),
    ]);
    clearInterval(pump);
    expect(written).toBeLessThan(declared / 8);
    await expectHubHealthy();
  });

  it('answers 413 to a chunked body that grows past the limit, and closes', async () => {
    const res = await new Promise<Awaited<ReturnType<typeof rawRequest>>>((resolve, reject) => {
      const chunk = Buffer.alloc(128 * 1024, 0x20);
      const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      // 8 chunks of 128 KiB: over the /publish limit (2 × 256 KiB + 16 KiB).
      rawRequest(
        hub.port,
        'POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
        { body: Buffer.concat(Array.from({ length: 8 }, () => framed)) },
      ).then(resolve, reject);
    });
    expect(res.status).toBe(413);
    expect(errorCode(res.body)).toBe('PAYLOAD_TOO_LARGE');
    expect(res.headers.connection).toBe('close');
    await res.closed;
    await expectHubHealthy();
  });

  it('closes after any early error on a request with an unread body (415, 404)', async () => {
    for (const [head, status, code] of [
      ['POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['POST /nowhere HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n', 404, 'NOT_FOUND'],
    ] as const) {
      const res = await rawRequest(hub.port, `${head}Content-Length: 10000000\r\n\r\n`, { body: Buffer.alloc(1000) });
      expect(res.status, head).toBe(status);
      expect(errorCode(res.body)).toBe(code);
      expect(res.headers.connection).toBe('close');
      res.socket.on('error', () => {});
      await res.closed;
    }
    await expectHubHealthy();
  });

  it('does not log a stack trace for each client that hangs up mid-body', async () => {
    const before = hub.output().length;
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(hub.port, '127.0.0.1', () => {
          socket.write(
            'POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"topic":',
          );
          setTimeout(() => socket.destroy(), 20);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => {});
      });
    }
    await expectHubHealthy();
    expect(hub.output().slice(before)).not.toContain('request failed');
  });
});

describe('parsers', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

  it('refuses deeply nested JSON with 400 JSON_TOO_DEEP, in event data, records and filters, without logging a stack', async () => {
    const before = hub.output().length;
    const published = await publish(hub.url, undefined, { raw: `{"topic":"t","data":${deep(5000)}}` });
    expect(published.status).toBe(400);
    expect(published.body.error?.code).toBe('JSON_TOO_DEEP');
    const record = await fetch(`${hub.url}/collections/deep/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"x":${deep(5000)}}`,
    });
    expect(record.status).toBe(400);
    expect(((await record.json()) as { error: { code: string } }).error.code).toBe('JSON_TOO_DEEP');
    const filter = await fetch(`${hub.url}/collections/deep/records?where.x=${deep(3000)}`);
    expect(filter.status).toBe(400);
    expect(((await filter.json()) as { error: { code: string } }).error.code).toBe('JSON_TOO_DEEP');
    // Depth well within the bound still works.
    expect((await publish(hub.url, { topic: 't', data: JSON.parse(deep(100)) })).status).toBe(200);
    const log = hub.output().slice(before);
    expect(log).not.toContain('request failed');
    expect(log).not.toContain('RangeError');
    await expectHubHealthy();
  });

  it("answers node's parser errors as JSON with a code: a malformed header (400), an oversized URL (431)", async () => {
    const malformed = await rawRequest(hub.port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/json');
    expect(errorCode(malformed.body)).toBe('BAD_REQUEST');
    const long = await rawRequest(
      hub.port,
      `GET /events?topic=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    expect(long.status).toBe(431);
    expect(errorCode(long.body)).toBe('HEADERS_TOO_LARGE');
    expect(long.headers['x-frame-options']).toBe('DENY');
    await expectHubHealthy();
  });

  it('treats a filter field named __proto__ as a field, never as the prototype', async () => {
    for (const data of [{ room: 'a' }, { room: 'b' }, JSON.parse('{"__proto__": 1, "room": "c"}')]) {
      const res = await fetch(`${hub.url}/collections/protos/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(data),
      });
      expect(res.status).toBe(201);
    }
    const list = (await (await fetch(`${hub.url}/collections/protos/records?where.__proto__=1`)).json()) as {
      records: { data: Record<string, unknown> }[];
    };
    // Before the fix the filter vanished and all three records came back.
    expect(list.records.map((r) => r.data.room)).toEqual(['c']);
    const none = (await (await fetch(`${hub.url}/collections/protos/records?where.__proto__=2`)).json()) as {
      records: unknown[];
    };
    expect(none.records).toEqual([]);
    await expectHubHealthy();
  });
});

describe('signals clients trust', () => {
  it('refuses to publish the control event types reset, snapshot and session (RESERVED_TYPE)', async () => {
    for (const type of ['reset', 'snapshot', 'session']) {
      const res = await publish(hub.url, { topic: 'bystander', type, data: '{"reason":"forged"}' });
      expect(res.status, type).toBe(400);
      expect(res.body.error?.code).toBe('RESERVED_TYPE');
    }
    // Change-event types are not reserved (they steer clients only on collections/ topics).
    expect((await publish(hub.url, { topic: 'bystander', type: 'insert', data: 'x' })).status).toBe(200);
    await expectHubHealthy();
    expect(bystander.events.some((e) => ['reset', 'snapshot', 'session'].includes(e.type))).toBe(false);
  });
});

describe('the browser side', () => {
  it('refuses Host names other than loopback and --allowed-hosts (DNS rebinding) with 403 HOST_NOT_ALLOWED', async () => {
    const get = (host: string, path = '/healthz') =>
      rawRequest(hub.port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    for (const host of ['evil.example', `evil.example:${hub.port}`, 'hub.example.evil.example', '127.0.0.1.nip.io']) {
      const res = await get(host);
      expect(res.status, host).toBe(403);
      expect(errorCode(res.body)).toBe('HOST_NOT_ALLOWED');
    }
    const stream = await get('evil.example', '/events?topic=bystander');
    expect(stream.status).toBe(403);
    for (const host of ['localhost', `localhost:${hub.port}`, '127.0.0.1', `[::1]:${hub.port}`, 'HUB.example:80']) {
      expect((await get(host)).status, host).toBe(200);
    }
    await expectHubHealthy();
  });

  it('sends the anti-framing and content policy headers on every response', async () => {
    const answers = [
      await fetch(`${hub.url}/healthz`),
      await fetch(`${hub.url}/nowhere`),
      await fetch(`${hub.url}/`),
      await fetch(`${hub.url}/publish`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } }),
    ];
    const stream = await openStream(hub.url, ['bystander']);
    for (const res of [...answers.map((a) => a.headers), stream.headers]) {
      expect(res.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.get('x-frame-options')).toBe('DENY');
      expect(res.get('referrer-policy')).toBe('no-referrer');
      expect(res.get('x-content-type-options')).toBe('nosniff');
    }
    stream.close();
    await expectHubHealthy();
  });

  it('answers 405 with Allow to wrong methods on app paths', async () => {
    for (const [method, path] of [
      ['POST', '/'],
      ['DELETE', '/index.html'],
      ['PUT', '/index.html'],
    ]) {
      const res = await fetch(`${hub.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    }
    await expectHubHealthy();
  });
});
