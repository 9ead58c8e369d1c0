// @ts-nocheck
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMaxConnections } from '../src/config/open-file-limit.js';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { MB, rssOf } from './support/process-memory.js';
import { rawRequest } from './support/raw-http.js';
import { publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';

/**
 * Issue 9, file descriptors: a flood of streams up to and past the hub's
 * default --max-connections, which is derived from the process's open-file limit.
 *
 * This machine allows 20,000 open files per process. To keep the test quick the
 * hub runs under `ulimit -n 2048` (sh -c 'ulimit -n 2048 && exec node ...'), so
 * the derived default is 2048 less its headroom (10%, at least 128): 1843
 * streams. The test process keeps its own 20,000 limit to open them.
 */
const OPEN_FILES = 2048;
const sockets: Socket[] = [];
let hub: ChildHub | undefined;
const dir = tempDir();

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await hub?.kill();
  dir.remove();
});

/** Opens a stream and resolves with its status once the response head arrives; the socket stays open. */
function openRawStream(port: number, topic: string): Promise<{ status: number; head: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /events?topic=${topic} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    });
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve({ status: Number(text.split(' ')[1]), head: text, socket });
    };
    socket.on('data', onData);
    socket.on('error', reject);
  });
}

describe('connection flood at the open-file limit', () => {
  it('derives --max-connections from RLIMIT_NOFILE, refuses streams past it with 503 + Retry-After, and keeps /healthz and /publish answering', async () => {
    hub = await startChildHub(['--port', '0', '--data-dir', dir.path], {}, { openFileLimit: OPEN_FILES });
    const running = hub;
    const logged = /"maxConnections":(\d+)/.exec(running.output());
    const max = Number(logged?.[1]);
    expect(max).toBe(defaultMaxConnections(OPEN_FILES));
    expect(max).toBe(1843);

    const rssBefore = rssOf(running.process.pid as number);
    // Fill every stream slot, in batches so the hub is not asked for thousands at once.
    let received = '';
    for (let opened = 0; opened < max; ) {
      const batch = Math.min(200, max - opened);
      const results = await Promise.all(
        Array.from({ length: batch }, (_, i) => openRawStream(running.port, `flood/${(opened + i) % 10}`)),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        sockets.push(r.socket);
      }
      opened += batch;
    }
    (sockets[0] as Socket).on('data', (d) => {
      received += d.toString('utf8');
    });
    const health = (await (await fetch(`${running.url}/healthz`)).json()) as { connections: number };
    expect(health.connections).toBe(max);
    const perStream = (rssOf(running.process.pid as number) - rssBefore) / max;
    console.log(
      `flood: ${max} idle streams added ${((perStream * max) / MB).toFixed(1)} MB RSS (${(perStream / 1024).toFixed(1)} KiB each)`,
    );

    // Past the limit: refused with a JSON 503 and Retry-After, never an accepted-then-reset socket.
    for (let i = 0; i < 50; i++) {
      const refused = await rawRequest(
        running.port,
        'GET /events?topic=flood/0 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      );
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(JSON.parse(refused.body).error.code).toBe('TOO_MANY_CONNECTIONS');
    }

    // The API still answers at the limit, and the open streams still get their events.
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect((await publish(running.url, { topic: 'flood/0', data: `at-the-limit-${i}` })).status).toBe(200);
    }
    const deadline = Date.now() + 10_000;
    while (!received.includes('at-the-limit-19') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received).toContain('at-the-limit-19');
    expect(running.process.exitCode).toBeNull();
  }, 120_000);
});
