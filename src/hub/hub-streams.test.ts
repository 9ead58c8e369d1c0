import { afterEach, describe, expect, it, vi } from 'vitest';
import { coreHub } from '../../test/support/core-hub.js';
import { FakeConnection } from '../../test/support/fake-connection.js';
import { PacedLog } from '../../test/support/paced-log.js';
import { OPEN_PRINCIPAL, type Principal, tokenPrincipal } from '../auth/principal.js';
import { SseHubError } from '../errors.js';
import { formatEventId } from '../log/event-id.js';
import type { EventLog, RetentionPolicy, StoredEvent } from '../log/event-log.js';
import { MemoryEventLog } from '../log/memory-log.js';
import type { EncodedEvent } from './encoded-event.js';
import type { Hub, HubSettings } from './hub.js';
import { type HubObserver, STREAM_KINDS, type StreamReport } from './hub-observer.js';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
  vi.useRealTimers();
});

async function startHub(settings: Partial<HubSettings> = {}, log: EventLog = new MemoryEventLog()): Promise<Hub> {
  const hub = coreHub(log, settings);
  hubs.push(hub);
  await hub.start();
  return hub;
}

/** One turn of the event loop: the hub fans out what was appended (its flush runs on setImmediate). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function open(hub: Hub, topics: string[], principal: Principal = OPEN_PRINCIPAL, lastEventId?: string) {
  const connection = new FakeConnection();
  const subscriber = await hub.startStream(hub.admit(principal, { topics, lastEventId }), connection);
  return { connection, subscriber };
}

const messages = (c: FakeConnection) => c.events.filter((e) => e.type === 'message').map((e) => e.data);

function user(sub: string, subscribe: string[], expiresInS?: number): Principal {
  const exp = expiresInS === undefined ? undefined : Math.floor(Date.now() / 1000) + expiresInS;
  return tokenPrincipal(exp === undefined ? { sub } : { sub, exp }, { subscribe, publish: [], admin: false });
}

async function code(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SseHubError) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('Hub: token sessions', () => {
  it('sends a session frame to token streams with an expiry, and none to others', async () => {
    const hub = await startHub();
    const principal = user('u', ['**'], 3600);
    const { connection } = await open(hub, ['a'], principal);
    const session = connection.events.find((e) => e.type === 'session');
    const data = JSON.parse(session?.data ?? '{}');
    expect(data.expiresAt).toBe(principal.expiresAt);
    expect(data.session).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const plain = await open(hub, ['a'], user('v', ['**']));
    expect(plain.connection.events.some((e) => e.type === 'session')).toBe(false);
  });

  it('refreshes a running stream in place: the new rights apply from the next event', async () => {
    const hub = await startHub({ maxStreamsPerClient: 1, maxConnections: 1 });
    const { connection, subscriber } = await open(hub, ['a', 'b'], user('u', ['**'], 60));
    const session = subscriber.session as string;
    const narrower = user('u', ['a'], 7200);
    // At its quota and at the hub's limit, the client can still refresh.
    expect(hub.refresh(session, narrower)).toEqual({ expiresAt: narrower.expiresAt });
    expect(subscriber.ticket.principal).toBe(narrower);
    await hub.publish({ topic: 'b', data: 'hidden' });
    await hub.publish({ topic: 'a', data: 'shown' });
    await turn();
    expect(messages(connection)).toEqual(['shown']);
    // The running stream still holds the one slot and the one quota unit.
    expect(await code(() => hub.admit(user('u', ['**']), { topics: ['a'] }))).toBe('TOO_MANY_CONNECTIONS');
    connection.disconnect();
    hub.admit(user('u', ['**']), { topics: ['a'] });
  });

  it('keeps the old ticket, slot and quota when a refresh is refused', async () => {
    const hub = await startHub({ maxStreamsPerClient: 1 });
    const { connection, subscriber } = await open(hub, ['a'], user('u', ['**'], 60));
    const session = subscriber.session as string;
    const ticket = subscriber.ticket;
    expect(await code(() => hub.refresh(session, user('u', ['z'], 600)))).toBe('FORBIDDEN');
    expect(await code(() => hub.refresh(session, user('other', ['**'], 600)))).toBe('FORBIDDEN');
    expect(await code(() => hub.refresh(session, OPEN_PRINCIPAL))).toBe('FORBIDDEN');
    expect(subscriber.ticket).toBe(ticket);
    expect(await code(() => hub.admit(user('u', ['**']), { topics: ['a'] }))).toBe('TOO_MANY_STREAMS');
    await hub.publish({ topic: 'a', data: 'still here' });
    await turn();
    expect(messages(connection)).toEqual(['still here']);
    connection.disconnect();
    hub.admit(user('u', ['**']), { topics: ['a'] });
  });

  it('names the problem when refusing a refresh', async () => {
    const hub = await startHub();
    expect(() => hub.refresh('nope', user('u', ['**'], 60))).toThrow('No open stream has this session id');
    const { subscriber } = await open(hub, ['a'], user('u', ['**'], 60));
    expect(() => hub.refresh(subscriber.session as string, user('other', ['**'], 60))).toThrow(
      'The new token is for another identity than the stream',
    );
  });

  it('answers SESSION_NOT_FOUND for an unknown session and for a closed stream', async () => {
    const hub = await startHub();
    expect(await code(() => hub.refresh('nope', user('u', ['**'], 60)))).toBe('SESSION_NOT_FOUND');
    const { connection, subscriber } = await open(hub, ['a'], user('u', ['**'], 60));
    connection.disconnect();
    expect(await code(() => hub.refresh(subscriber.session as string, user('u', ['**'], 60)))).toBe(
      'SESSION_NOT_FOUND',
    );
  });
});

describe('Hub: the sweep (heartbeats, lifetimes, queued bytes)', () => {
  it('writes a heartbeat comment to a stream quiet for heartbeatMs, not before', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const hub = await startHub({ heartbeatMs: 300 });
    const { connection } = await open(hub, ['a']);
    const heartbeats = () => connection.chunks.filter((c) => c.toString() === ':\n\n').length;
    vi.advanceTimersByTime(299);
    expect(heartbeats()).toBe(0);
    vi.advanceTimersByTime(1); // the sweep runs every min(1 s, heartbeatMs)
    expect(heartbeats()).toBe(1);
    vi.advanceTimersByTime(299);
    expect(heartbeats()).toBe(1);
    await hub.publish({ topic: 'a', data: 'x' });
    await turn();
    vi.advanceTimersByTime(1); // 300 ms after the last heartbeat, but an event was just written
    expect(heartbeats()).toBe(1);
    vi.advanceTimersByTime(300);
    expect(heartbeats()).toBe(2);
  });

  it('ends a stream at its maximum lifetime (±10 %) cleanly, and counts why', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const hub = await startHub({ maxConnectionLifetimeMs: 10_000, heartbeatMs: 60_000 });
    const { connection, subscriber } = await open(hub, ['a']);
    vi.advanceTimersByTime(8_000);
    expect(subscriber.state).toBe('live');
    vi.advanceTimersByTime(4_000);
    expect(subscriber.closeReason).toBe('lifetime');
    expect(connection.ended).toBe(true);
    expect(connection.destroyed).toBe(false);
    expect(hub.counters.closes.lifetime).toBe(1);
    expect(hub.stats().connections).toBe(0);
  });

  it('ends a token stream when its token expires', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const hub = await startHub({ heartbeatMs: 60_000 });
    const { subscriber } = await open(hub, ['a'], user('u', ['**'], 3));
    vi.advanceTimersByTime(2_000);
    expect(subscriber.state).toBe('live');
    vi.advanceTimersByTime(2_000);
    expect(subscriber.closeReason).toBe('token-expired');
    expect(hub.counters.closes['token-expired']).toBe(1);
  });

  it('sums what open streams have queued into the unsent budget', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const hub = await startHub({ heartbeatMs: 60_000, maxUnsentBytes: 10_000 });
    const a = await open(hub, ['a']);
    const b = await open(hub, ['a']);
    const gone = await open(hub, ['a']);
    a.connection.bufferedBytes = 300;
    b.connection.bufferedBytes = 200;
    gone.connection.bufferedBytes = 5000;
    gone.connection.disconnect();
    expect(hub.stats().unsentBytes).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(hub.stats().unsentBytes).toBe(500);
    expect(hub.unsent.used).toBe(500);
  });
});

describe('Hub: retention', () => {
  it('trims the log every retentionIntervalMs when a retention policy is set', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const hub = await startHub({ retention: { maxEvents: 2, maxAgeMs: undefined }, retentionIntervalMs: 500 });
    for (const data of ['1', '2', '3', '4', '5']) await hub.publish({ topic: 'a', data });
    await vi.advanceTimersByTimeAsync(499);
    expect((await hub.log.position()).trimmedThrough).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect((await hub.log.position()).trimmedThrough).toBe(3);
  });

  it('trims by age alone too', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const log = new MemoryEventLog();
    const policies: RetentionPolicy[] = [];
    log.trim = async (policy) => {
      policies.push(policy);
      return 0;
    };
    await startHub({ retention: { maxEvents: undefined, maxAgeMs: 1000 }, retentionIntervalMs: 500 }, log);
    await vi.advanceTimersByTimeAsync(500);
    expect(policies).toEqual([{ maxEvents: undefined, maxAgeMs: 1000 }]);
  });

  it('does not trim without a policy', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const log = new MemoryEventLog();
    let trims = 0;
    log.trim = async () => {
      trims++;
      return 0;
    };
    await startHub({ retentionIntervalMs: 500 }, log);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(trims).toBe(0);
  });

  it('keeps running when a trim fails', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const log = new MemoryEventLog();
    let trims = 0;
    log.trim = async () => {
      trims++;
      throw new Error('disk gone');
    };
    const hub = await startHub({ retention: { maxEvents: 1, maxAgeMs: undefined }, retentionIntervalMs: 500 }, log);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(trims).toBe(2);
    await hub.publish({ topic: 'a', data: 'x' });
  });
});

describe('Hub: replay', () => {
  it('waits for the socket to drain instead of queueing past the bound, in chunks of about 64 KiB', async () => {
    const hub = await startHub({ maxBufferBytes: 100_000, recentEvents: 0 });
    for (let i = 0; i < 5; i++) await hub.publish({ topic: 'a', data: String(i).repeat(30_000) });
    await turn(); // fanned out before the stream opens, or it would park them all (past the bound)
    const { epoch } = await hub.log.position();
    const connection = new FakeConnection();
    connection.stall();
    const ticket = hub.admit(OPEN_PRINCIPAL, { topics: ['a'], lastEventId: formatEventId(epoch, 0) });
    const started = hub.startStream(ticket, connection);
    for (let i = 0; i < 5; i++) await turn();
    // 3 events (90 KB: the chunk grows until it passes 64 KiB) went out; 2 more would pass the bound.
    expect(messages(connection).map((d) => d[0])).toEqual(['0', '1', '2']);
    expect(connection.chunks.at(-1)?.length).toBeGreaterThan(90_000);
    connection.drain();
    const subscriber = await started;
    expect(subscriber.state).toBe('live');
    expect(messages(connection).map((d) => d[0])).toEqual(['0', '1', '2', '3', '4']);
    expect(subscriber.eventsSent).toBe(5);
    expect(hub.counters.replayedEvents).toBe(5);
    expect(hub.counters.resumed).toBe(1);
    expect(hub.stats().delivered).toBe(5);
  });

  it('counts resets by reason for a client’s own resume, not for a snapshot’s continuation', async () => {
    const hub = await startHub();
    await hub.publish({ topic: 'a', data: 'x' });
    const { epoch } = await hub.log.position();
    await open(hub, ['a'], OPEN_PRINCIPAL, formatEventId(epoch, 9));
    await open(hub, ['a'], OPEN_PRINCIPAL, 'garbage');
    expect(hub.counters.resets['unknown-id']).toBe(2);
    const ticket = hub.admit(OPEN_PRINCIPAL, { topics: ['a'] });
    await hub.startStream(ticket, new FakeConnection(), { from: formatEventId(epoch, 9) });
    await hub.startStream(hub.admit(OPEN_PRINCIPAL, { topics: ['a'] }), new FakeConnection(), {
      from: formatEventId(epoch, 0),
    });
    expect(hub.counters.resets['unknown-id']).toBe(2);
    expect(hub.counters.resumed).toBe(0);
    await open(hub, ['a'], OPEN_PRINCIPAL, formatEventId(epoch, 0));
    expect(hub.counters.resumed).toBe(1);
  });

  it('closes a stream whose replay fails, as an error', async () => {
    const log = new MemoryEventLog();
    log.readAfter = async () => {
      throw new Error('read failed');
    };
    const hub = await startHub({ recentEvents: 0 }, log);
    await hub.publish({ topic: 'a', data: 'x' });
    const { epoch } = await hub.log.position();
    const { connection, subscriber } = await open(hub, ['a'], OPEN_PRINCIPAL, formatEventId(epoch, 0));
    expect(subscriber.closeReason).toBe('error');
    expect(connection.destroyed).toBe(true);
    expect(hub.counters.closes.error).toBe(1);
    expect(hub.stats().connections).toBe(0);
  });

  it('stops a stream whose client leaves during the prelude, before any history', async () => {
    const hub = await startHub({ maxBufferBytes: 64 * 1024 });
    const connection = new FakeConnection();
    connection.stall();
    const started = hub.startStream(hub.admit(OPEN_PRINCIPAL, { topics: ['a'] }), connection, {
      prelude: [Buffer.alloc(300 * 1024, 'a')],
    });
    await turn();
    connection.disconnect();
    const subscriber = await started;
    expect(subscriber.state).toBe('closed');
    expect(connection.chunks.some((c) => c.toString().startsWith('id: '))).toBe(false);
    expect(hub.stats().connections).toBe(0);
  });
});

describe('Hub: fan-out, views and what the admin sees', () => {
  it('evaluates a view once per key and event, however many groups share it', async () => {
    const hub = await startHub();
    const applied: string[] = [];
    hub.useViews((principal) =>
      principal === OPEN_PRINCIPAL
        ? undefined
        : {
            key: 'upper',
            apply: (e) => {
              applied.push(e.event.data);
              if (e.event.data === 'secret') return undefined;
              return {
                event: { ...e.event, data: e.event.data.toUpperCase() },
                frame: Buffer.from(`data: ${e.event.data.toUpperCase()}\n\n`),
              };
            },
          },
    );
    const viewer = user('v', ['**']);
    const one = await open(hub, ['a'], viewer);
    const two = await open(hub, ['a', 'b'], viewer); // another group, same view key
    const plain = await open(hub, ['a']);
    await hub.publish({ topic: 'a', data: 'hi' });
    await hub.publish({ topic: 'a', data: 'secret' });
    await turn();
    expect(applied).toEqual(['hi', 'secret']);
    expect(messages(one.connection)).toEqual(['HI']);
    expect(messages(two.connection)).toEqual(['HI']);
    expect(messages(plain.connection)).toEqual(['hi', 'secret']);
    expect(hub.stats().delivered).toBe(4);
  });

  it('reports streams opening and closing, and each fanned-out batch, to the observer', async () => {
    const hub = await startHub();
    const seen: string[] = [];
    const batches: number[][] = [];
    const observer: HubObserver = {
      streamOpened: (s: StreamReport) => seen.push(`open ${s.kind}`),
      streamClosed: (s: StreamReport) => seen.push(`close ${s.closeReason}`),
      fannedOut: (batch: readonly EncodedEvent[], latencyMs: number) => {
        expect(latencyMs).toBeGreaterThanOrEqual(0);
        expect(latencyMs).toBeLessThan(60_000);
        batches.push(batch.map((e) => e.event.seq));
      },
    };
    hub.setObserver(observer);
    const { connection } = await open(hub, ['a']);
    await hub.publish({ topic: 'nobody', data: 'x' });
    await turn();
    expect(batches).toEqual([]); // delivered to no one: not a fan-out
    await Promise.all([hub.publish({ topic: 'a', data: 'y' }), hub.publish({ topic: 'a', data: 'z' })]);
    await turn();
    expect(batches).toEqual([[2, 3]]);
    connection.disconnect();
    expect(seen).toEqual(['open events', 'close client']);
  });

  it('counts open streams by every kind metrics label', async () => {
    const hub = await startHub();
    expect(Object.keys(hub.openByKind)).toEqual([...STREAM_KINDS]);
    expect(STREAM_KINDS).toEqual(['events', 'live', 'mercure', 'internal']);
    const connection = new FakeConnection();
    await hub.startStream(hub.admit(OPEN_PRINCIPAL, { topics: ['a'], kind: 'live' }), connection);
    expect(hub.openByKind).toEqual({ events: 0, live: 1, mercure: 0, internal: 0 });
    connection.disconnect();
    expect(hub.openByKind).toEqual({ events: 0, live: 0, mercure: 0, internal: 0 });
  });

  it('counts streams per pattern set and per topic, and shows a topic’s recent events', async () => {
    const hub = await startHub();
    await open(hub, ['a']);
    await open(hub, ['a']);
    await open(hub, ['a'], user('u', ['a'])); // same patterns, another group (other rights)
    await open(hub, ['b/*']);
    const gone = await open(hub, ['c']);
    gone.connection.disconnect();
    for (const data of ['1', '2', '3']) await hub.publish({ topic: 'a', data });
    await hub.publish({ topic: 'b/x', data: '4' });
    await turn();
    expect(hub.subscriptions()).toEqual([
      { patterns: ['a'], streams: 3 },
      { patterns: ['b/*'], streams: 1 },
    ]);
    const info = hub.topicInfo('a', 2);
    expect(info.subscribers).toBe(3);
    expect(info.recent.map((e) => e.data)).toEqual(['3', '2']); // newest first
    expect(hub.topicInfo('b/x', 5)).toMatchObject({ subscribers: 1 });
    expect(hub.topicInfo('b/x', 5).recent.map((e) => e.data)).toEqual(['4']);
    expect(hub.topicInfo('c', 5)).toEqual({ subscribers: 0, recent: [] });
    const stats = hub.stats();
    expect(stats).toMatchObject({ connections: 4, published: 4, delivered: 10, slowConsumerDisconnects: 0 });
    expect(stats.recentEventsBytes).toBeGreaterThan(0);
  });

  it('tells where history starts and ends, and why an id cannot be resumed', async () => {
    const hub = await startHub();
    for (const data of ['1', '2', '3', '4']) await hub.publish({ topic: 'a', data });
    await hub.log.trim({ maxEvents: 2 });
    const { epoch } = await hub.log.position();
    expect(await hub.historyBounds()).toEqual({ earliest: formatEventId(epoch, 2), head: formatEventId(epoch, 4) });
    expect(await hub.resumeProblem(formatEventId(epoch, 1))).toBe('history-trimmed');
    expect(await hub.resumeProblem(formatEventId(epoch, 2))).toBeUndefined();
    expect(await hub.resumeProblem(formatEventId(epoch, 4))).toBeUndefined();
    expect(await hub.resumeProblem(formatEventId(epoch, 5))).toBe('unknown-id');
  });
});

describe('Hub.close', () => {
  it('delivers what was appended, then ends every stream cleanly and closes the log, once', async () => {
    const log = new MemoryEventLog();
    let closes = 0;
    const close = log.close.bind(log);
    log.close = async () => {
      closes++;
      await close();
    };
    const hub = await startHub({}, log);
    const { connection, subscriber } = await open(hub, ['a']);
    const stored: StoredEvent = await hub.publish({ topic: 'a', data: 'last' }); // not fanned out yet
    expect(stored.data).toBe('last');
    await hub.close();
    expect(messages(connection)).toEqual(['last']);
    expect(subscriber.closeReason).toBe('shutdown');
    expect(connection.ended).toBe(true);
    expect(connection.destroyed).toBe(false);
    expect(hub.counters.closes.shutdown).toBe(1);
    await hub.close();
    expect(closes).toBe(1);
    expect(hub.stats().connections).toBe(0);
  });
});

describe('Hub: edges the mutation run found untested', () => {
  it('starts every stream with its retry frame', async () => {
    const hub = await startHub({ retryMs: 2500 });
    const { connection } = await open(hub, ['a']);
    expect(connection.chunks[0]?.toString()).toBe('retry: 2500\n\n');
  });

  it('treats an empty Last-Event-ID as a fresh client, not as an unknown id', async () => {
    const hub = await startHub();
    await hub.publish({ topic: 'a', data: 'x' });
    const { epoch } = await hub.log.position();
    const { connection } = await open(hub, ['a'], OPEN_PRINCIPAL, '');
    expect(connection.events.some((e) => e.type === 'reset')).toBe(false);
    expect(connection.chunks[1]?.toString()).toBe(`id: ${formatEventId(epoch, 1)}\n\n`);
    expect(hub.counters.resets['unknown-id']).toBe(0);
  });

  it('refuses a stream naming the reserved root among other topics', async () => {
    const hub = await startHub();
    expect(await code(() => hub.admit(user('u', ['**']), { topics: ['a', '_ssehub/canary/n'] }))).toBe('FORBIDDEN');
  });

  it('holds maxUnsentBytes as the hub-wide budget', async () => {
    const hub = await startHub({ maxUnsentBytes: 100 });
    hub.unsent.reserve(100);
    expect(await code(() => hub.unsent.reserve(1))).toBe('HUB_BUSY');
  });

  it('stops reading history for a stream that closed during its replay, and counts nothing for it', async () => {
    const log = new PacedLog(new MemoryEventLog());
    const hub = await startHub({ recentEvents: 0 }, log);
    for (let i = 1; i <= 1200; i++) await hub.publish({ topic: 'a', data: String(i) });
    await turn();
    const { epoch } = await log.position();
    const connection = new FakeConnection();
    log.beforeRead = (_after, call) => {
      if (call === 1) connection.disconnect();
    };
    const subscriber = await hub.startStream(
      hub.admit(OPEN_PRINCIPAL, { topics: ['a'], lastEventId: formatEventId(epoch, 0) }),
      connection,
    );
    expect(subscriber.state).toBe('closed');
    expect(log.reads).toBe(1);
    expect(hub.counters.replayedEvents).toBe(0);
    expect(hub.stats().delivered).toBe(0);
    expect(messages(connection)).toEqual([]);
  });

  it('joins replayed events into chunks of up to 64 KiB: one that reaches 64 KiB exactly ends there', async () => {
    const hub = await startHub({ recentEvents: 0 });
    const { epoch } = await hub.log.position();
    // Frames of exactly 32 KiB: `id: <epoch>-<seq>\ndata: <data>\n\n`.
    const dataFor = (seq: number) => 'x'.repeat(32 * 1024 - `id: ${formatEventId(epoch, seq)}\ndata: \n\n`.length);
    for (let seq = 1; seq <= 3; seq++) await hub.publish({ topic: 'a', data: dataFor(seq) });
    await turn();
    const { connection } = await open(hub, ['a'], OPEN_PRINCIPAL, formatEventId(epoch, 0));
    expect(connection.chunks.slice(1).map((c) => c.length)).toEqual([64 * 1024, 32 * 1024]);
  });

  it('records the seq of the newest event the live feed handed over', async () => {
    const hub = await startHub();
    expect(hub.counters.lastFedSeq).toBe(0);
    await hub.publish({ topic: 'a', data: '1' });
    await hub.publish({ topic: 'a', data: '2' });
    expect(hub.counters.lastFedSeq).toBe(2);
  });

  it('skips a group whose view hides the whole batch, and still delivers later events', async () => {
    const hub = await startHub();
    hub.useViews(() => ({ key: 'no-secrets', apply: (e) => (e.event.data === 'secret' ? undefined : e) }));
    const { connection } = await open(hub, ['a']);
    await hub.publish({ topic: 'a', data: 'secret' });
    await turn();
    await hub.publish({ topic: 'a', data: 'shown' });
    await turn();
    expect(messages(connection)).toEqual(['shown']);
  });

  it('lists a stream of several patterns under all of them', async () => {
    const hub = await startHub();
    await open(hub, ['b', 'a']);
    expect(hub.subscriptions()).toEqual([{ patterns: ['a', 'b'], streams: 1 }]);
  });

  it('closes without having started', async () => {
    const hub = coreHub(new MemoryEventLog());
    await hub.close();
    expect(hub.closing).toBe(true);
  });

  it('does not count a stream the sweep just closed in the queued bytes', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const hub = await startHub({ heartbeatMs: 60_000 });
    const expiring = await open(hub, ['a'], user('u', ['**'], 1));
    const staying = await open(hub, ['a']);
    expiring.connection.bufferedBytes = 500;
    staying.connection.bufferedBytes = 300;
    vi.advanceTimersByTime(1_000); // the first sweep: the token (exp within 1 s) ran out
    expect(expiring.subscriber.closeReason).toBe('token-expired');
    expect(hub.stats().unsentBytes).toBe(300);
  });

  it('sends no heartbeat to a stream still replaying', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const hub = await startHub({ heartbeatMs: 1000, maxBufferBytes: 1000, recentEvents: 0 });
    for (let i = 0; i < 3; i++) await hub.publish({ topic: 'a', data: 'x'.repeat(900) });
    await turn();
    const { epoch } = await hub.log.position();
    const connection = new FakeConnection();
    connection.stall();
    const started = hub.startStream(
      hub.admit(OPEN_PRINCIPAL, { topics: ['a'], lastEventId: formatEventId(epoch, 0) }),
      connection,
    );
    for (let i = 0; i < 5; i++) await turn();
    vi.advanceTimersByTime(5_000); // the replay waits for a drain all this time
    expect(connection.chunks.some((c) => c.toString() === ':\n\n')).toBe(false);
    connection.drain();
    expect((await started).state).toBe('live');
  });
});

describe('Hub: refresh edges', () => {
  it('refuses a refresh between two tokens without a subject', async () => {
    const hub = await startHub();
    const anonymousToken = (exp: number) =>
      tokenPrincipal({ exp: Math.floor(Date.now() / 1000) + exp }, { subscribe: ['**'], publish: [], admin: false });
    const { subscriber } = await open(hub, ['a'], anonymousToken(60));
    expect(subscriber.session).toBeDefined();
    expect(await code(() => hub.refresh(subscriber.session as string, anonymousToken(600)))).toBe('FORBIDDEN');
  });

  it('answers SESSION_NOT_FOUND for a stream already closed but not yet released', async () => {
    const hub = await startHub();
    /** A socket that reports its close later, as node's does (on a later tick). */
    class LateClose extends FakeConnection {
      override end(): void {}
    }
    const connection = new LateClose();
    const subscriber = await hub.startStream(hub.admit(user('u', ['**'], 60), { topics: ['a'] }), connection);
    subscriber.close('client'); // ended; the close event has not arrived yet
    expect(await code(() => hub.refresh(subscriber.session as string, user('u', ['**'], 600)))).toBe(
      'SESSION_NOT_FOUND',
    );
  });

  it('gives back exactly the slot it took when a refresh is refused', async () => {
    const hub = await startHub({ maxConnections: 2 });
    const { subscriber } = await open(hub, ['a'], user('u', ['**'], 60));
    expect(await code(() => hub.refresh(subscriber.session as string, user('u', ['z'], 600)))).toBe('FORBIDDEN');
    hub.admit(OPEN_PRINCIPAL, { topics: ['a'] });
    expect(await code(() => hub.admit(OPEN_PRINCIPAL, { topics: ['a'] }))).toBe('TOO_MANY_CONNECTIONS');
  });
});
