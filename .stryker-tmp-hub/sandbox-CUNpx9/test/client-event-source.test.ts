// @ts-nocheck
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type EventSourceConstructor } from '../src/client/index.js';
import type { ConnectionStatus } from '../src/client/types.js';
import { type RunningServer, serve } from '../src/server.js';
import { waitUntil } from './support/wait.js';

let dir: string;
let server: RunningServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssehub-es-'));
  server = await serve({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    logLevel: 'silent',
    retryMs: 50,
    maxConnections: 1,
  });
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client: EventSource transport (WHATWG eventsource package)', () => {
  it('when the source closes on an HTTP error, reopens with backoff and resumes via ?lastEventId', async () => {
    const client = createClient({
      url: server.url,
      transport: 'eventsource',
      EventSource: EventSource as unknown as EventSourceConstructor,
      reconnect: { initialRetryMs: 50, maxDelayMs: 200 },
    });
    const zero = await client.publish('x', 'zero');
    // Take the hub's only stream slot, so the next stream is refused with 503 TOO_MANY_CONNECTIONS.
    const occupier = new AbortController();
    const held = await fetch(`${server.url}/events?topic=other`, { signal: occupier.signal });
    expect(held.status).toBe(200);

    const got: string[] = [];
    const statuses: ConnectionStatus[] = [];
    const urls: string[] = [];
    server.server.prependListener('request', (req) => urls.push(req.url ?? ''));
    const sub = client.subscribe('x', {
      types: ['greeting'],
      lastEventId: zero,
      onEvent: (e) => got.push(`${e.type}:${e.data}`),
      onStatus: (s) => statuses.push(s),
    });
    try {
      await waitUntil(() => statuses.includes('reconnecting') && urls.length >= 1, 10_000, 'a refused attempt');
      await client.publish('x', 'one');
      await client.publish('x', 'hi', 'greeting');
      occupier.abort();
      await waitUntil(() => sub.status === 'live', 10_000, 'live');
      await waitUntil(() => got.length === 2, 10_000, 'both events');
      expect(got).toEqual(['message:one', 'greeting:hi']);
      expect(urls.some((u) => u.includes(`lastEventId=${encodeURIComponent(zero)}`))).toBe(true);
      await client.publish('x', 'two');
      await waitUntil(() => got.length === 3, 10_000, 'the live event');
      expect(got[2]).toBe('message:two');
      expect(sub.lastEventId).not.toBe(zero);
    } finally {
      sub.close();
      occupier.abort();
    }
  });
});
