import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type HubClientError, type HubEvent, type ResetInfo } from '../src/client/index.js';
import type { ConnectionStatus } from '../src/client/types.js';
import { createHub } from '../src/create-hub.js';
import { type RunningServer, serve } from '../src/server.js';
import { waitUntil } from './support/wait.js';

let dir: string;
let server: RunningServer | undefined;
const closers: Array<() => void> = [];

const start = (port = 0, dataDir = dir) =>
  serve({ port, host: '127.0.0.1', dataDir, logLevel: 'silent', retryMs: 50, heartbeatMs: 1000, canaryIntervalMs: 0 });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssehub-client-'));
  server = await start();
});

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client: fetch transport in Node', () => {
  it('gives up after maxRetries failed reconnects: offline, one NETWORK error, no further attempt', async () => {
    const url = server!.url;
    await server!.close(); // nothing listens: every attempt fails
    server = undefined;
    let attempts = 0;
    const errors: HubClientError[] = [];
    const client = createClient({
      url,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
      reconnect: { maxRetries: 2, initialRetryMs: 10, maxDelayMs: 20 },
    });
    const sub = client.subscribe('t', { onError: (e) => errors.push(e as HubClientError) });
    closers.push(() => sub.close());
    await waitUntil(() => errors.length === 1, 10_000, 'the client to give up');
    expect(sub.status).toBe('offline');
    expect(errors[0]?.code).toBe('NETWORK');
    expect(attempts).toBe(3); // the first attempt and two retries
  });

  it('receives events with their type and JSON data, and reports live', async () => {
    const client = createClient({ url: server!.url });
    const events: HubEvent[] = [];
    const statuses: ConnectionStatus[] = [];
    const sub = client.subscribe(['chat', 'other'], {
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
    });
    closers.push(() => sub.close());
    await waitUntil(() => sub.status === 'live', 10_000, 'live');
    await waitUntil(() => sub.lastEventId !== '', 10_000, 'the head id');
    await client.publish('chat', { text: 'hi' }, 'said');
    await client.publish('elsewhere', 'not for us');
    await client.publish('other', 'plain');
    await waitUntil(() => events.length >= 2, 10_000, 'two events');
    expect(events.map((e) => e.type)).toEqual(['said', 'message']);
    expect(events[0]!.json()).toEqual({ text: 'hi' });
    expect(events[1]!.data).toBe('plain');
    expect(statuses[0]).toBe('live'); // `connecting` is the initial state, not a change
    expect(sub.lastEventId).toBe(events[1]!.id);
  });

  it('publishBatch sends many events in one request, ids in order; a bad event fails the whole batch', async () => {
    const client = createClient({ url: server!.url });
    const events: HubEvent[] = [];
    const sub = client.subscribe('batch/*', { onEvent: (e) => events.push(e) });
    closers.push(() => sub.close());
    await waitUntil(() => sub.lastEventId !== '', 10_000, 'the head id');
    const ids = await client.publishBatch([
      { topic: 'batch/a', data: { n: 1 }, type: 'said' },
      { topic: ['batch/b', 'elsewhere'], data: 'two' },
    ]);
    expect(ids).toHaveLength(2);
    const refused = await client
      .publishBatch([
        { topic: 'batch/a', data: 'ok' },
        { topic: 'batch/*', data: 'x' },
      ])
      .then(
        () => undefined,
        (err: HubClientError) => err,
      );
    expect([refused?.status, refused?.code]).toEqual([400, 'INVALID_TOPIC']);
    await client.publish('batch/end', 'end');
    await waitUntil(() => events.some((e) => e.data === 'end'), 10_000, 'the end marker');
    expect(events.map((e) => [e.id, e.type, e.data])).toEqual([
      [ids[0], 'said', '{"n":1}'],
      [ids[1], 'message', 'two'],
      [events[2]!.id, 'message', 'end'],
    ]);
  });

  it('resumes after the server restarts on the same port and data dir: nothing lost, nothing doubled', async () => {
    const port = server!.port;
    const client = createClient({ url: server!.url, reconnect: { initialRetryMs: 50, maxDelayMs: 500 } });
    const got: string[] = [];
    const statuses: ConnectionStatus[] = [];
    const sub = client.subscribe('room/*', { onEvent: (e) => got.push(e.data), onStatus: (s) => statuses.push(s) });
    closers.push(() => sub.close());
    await waitUntil(() => sub.status === 'live', 10_000, 'live');
    for (let i = 0; i < 5; i++) await client.publish('room/a', `before-${i}`);
    await waitUntil(() => got.length === 5, 10_000, 'the first five');

    await server!.close();
    await waitUntil(() => sub.status === 'reconnecting', 10_000, 'reconnecting');
    // Events the client cannot see: appended by an embedded hub while no server listens.
    const offline = await createHub({ dataDir: dir, logLevel: 'silent' });
    for (let i = 0; i < 5; i++) await offline.publish({ topic: 'room/b', data: `while-down-${i}` });
    await offline.close();
    server = await start(port);
    for (let i = 0; i < 5; i++) await client.publish('room/c', `after-${i}`);

    const expected = [
      ...Array.from({ length: 5 }, (_, i) => `before-${i}`),
      ...Array.from({ length: 5 }, (_, i) => `while-down-${i}`),
      ...Array.from({ length: 5 }, (_, i) => `after-${i}`),
    ];
    // An end marker published last: a duplicate or a gap before it cannot hide by arriving late.
    await client.publish('room/a', 'end');
    await waitUntil(() => got.includes('end'), 10_000, 'the end marker');
    expect(got).toEqual([...expected, 'end']);
    expect(statuses).toContain('reconnecting');
    expect(sub.status).toBe('live');
  });

  it('calls onReset for an id the hub never gave out, then streams on', async () => {
    const client = createClient({ url: server!.url });
    const resets: ResetInfo[] = [];
    const got: string[] = [];
    const sub = client.subscribe('t', {
      lastEventId: 'not-an-id',
      onReset: (info) => resets.push(info),
      onEvent: (e) => got.push(e.data),
    });
    closers.push(() => sub.close());
    await waitUntil(() => resets.length === 1, 10_000, 'a reset');
    expect(resets[0]).toMatchObject({ reason: 'unknown-id', lastEventId: 'not-an-id' });
    expect(sub.lastEventId).toBe(resets[0]!.id);
    await client.publish('t', 'after reset');
    await waitUntil(() => got.length === 1, 10_000, 'an event');
    expect(got).toEqual(['after reset']);
  });

  it('gets a reset when the hub comes back with another log', async () => {
    const port = server!.port;
    const client = createClient({ url: server!.url, reconnect: { initialRetryMs: 50, maxDelayMs: 300 } });
    const resets: ResetInfo[] = [];
    const got: string[] = [];
    const sub = client.subscribe('t', { onReset: (info) => resets.push(info), onEvent: (e) => got.push(e.data) });
    closers.push(() => sub.close());
    await waitUntil(() => sub.status === 'live', 10_000, 'live');
    await client.publish('t', 'one');
    await waitUntil(() => got.length === 1, 10_000, 'one event');
    await server!.close();
    const other = mkdtempSync(join(tmpdir(), 'ssehub-client-other-'));
    try {
      server = await start(port, other);
      await waitUntil(() => resets.length === 1, 10_000, 'a reset');
      expect(resets[0]!.reason).toBe('log-replaced');
      await client.publish('t', 'two');
      await waitUntil(() => got.length === 2, 10_000, 'the next event');
      expect(got).toEqual(['one', 'two']);
    } finally {
      await server!.close();
      server = undefined;
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('gives up on a 4xx answer with the hub error code and reports offline', async () => {
    const client = createClient({ url: server!.url });
    const errors: Error[] = [];
    const sub = client.subscribe('bad topic!', { onError: (e) => errors.push(e) });
    closers.push(() => sub.close());
    await waitUntil(() => errors.length === 1, 10_000, 'an error');
    expect((errors[0] as HubClientError).code).toBe('INVALID_TOPIC');
    expect(sub.status).toBe('offline');
  });

  it('sends headers on the stream and on requests (fetch transport)', async () => {
    const seen: string[] = [];
    server!.server.prependListener('request', (req) => {
      seen.push(`${req.method} ${req.url?.split('?')[0]} ${req.headers.authorization ?? '-'}`);
    });
    const client = createClient({ url: server!.url, headers: { Authorization: 'Bearer t0k' } });
    const sub = client.subscribe('x', {});
    closers.push(() => sub.close());
    await waitUntil(() => sub.status === 'live', 10_000, 'live');
    await client.publish('x', 1);
    expect(seen).toEqual(['GET /events Bearer t0k', 'POST /publish Bearer t0k']);
  });

  it('throws the server error code from publish', async () => {
    const client = createClient({ url: server!.url });
    await expect(client.publish('', 'x')).rejects.toMatchObject({ code: 'INVALID_TOPIC', status: 400 });
    await expect(client.publish([], 'x')).rejects.toMatchObject({ code: 'MISSING_TOPIC' });
  });
});
