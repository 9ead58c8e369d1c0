import { afterEach, describe, expect, it } from 'vitest';
import { coreHub } from '../../test/support/core-hub.js';
import { FakeConnection } from '../../test/support/fake-connection.js';
import { PacedLog } from '../../test/support/paced-log.js';
import { OPEN_PRINCIPAL } from '../auth/principal.js';
import { formatEventId } from '../log/event-id.js';
import type { EventLog } from '../log/event-log.js';
import { MemoryEventLog } from '../log/memory-log.js';
import { encodeMessageBytes } from '../protocol/encoder.js';
import { encodeEvent } from './encoded-event.js';
import type { Hub, HubSettings } from './hub.js';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

async function startHub(log: EventLog, settings: Partial<HubSettings> = {}): Promise<Hub> {
  const hub = coreHub(log, settings);
  hubs.push(hub);
  await hub.start();
  return hub;
}

/** One turn of the event loop: the hub fans out what was appended (its flush runs on setImmediate). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function open(hub: Hub, lastEventId?: string, connection = new FakeConnection()) {
  const ticket = hub.admit(OPEN_PRINCIPAL, { topics: ['t'], lastEventId });
  const subscriber = await hub.startStream(ticket, connection);
  return { connection, subscriber };
}

const messages = (c: FakeConnection) => c.events.filter((e) => e.type === 'message').map((e) => e.data);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

async function publishNumbered(hub: Hub, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) await hub.publish({ topic: 't', data: String(i) });
}

describe('Hub: replay and live boundary', () => {
  it('holds back events published while a replay yields between pages, and writes each exactly once', async () => {
    const log = new PacedLog(new MemoryEventLog());
    // No recent-events cache: every page comes from the (yielding) log.
    const hub = await startHub(log, { recentEvents: 0 });
    await publishNumbered(hub, 1, 1200); // three pages of 500
    const { epoch } = await log.position();
    const connection = new FakeConnection();
    let heldBack = 0;
    log.beforeRead = async (_after, call) => {
      if (call > 2) return;
      const first = 1200 + (call - 1) * 3 + 1;
      await Promise.all([0, 1, 2].map((i) => hub.publish({ topic: 't', data: String(first + i) })));
      await turn(); // the live feed reaches the stream while it still replays
      const seen = messages(connection);
      if (!seen.includes(String(first))) heldBack++;
    };
    const started = open(hub, formatEventId(epoch, 0), connection);
    await started;
    expect(heldBack).toBe(2); // the live events really were parked, not written ahead of history
    expect(log.reads).toBeGreaterThanOrEqual(3);
    expect(messages(connection)).toEqual(range(1, 1206));
    await hub.publish({ topic: 't', data: 'end' });
    await turn();
    expect(messages(connection)).toEqual([...range(1, 1206), 'end']);
  });

  it('does not lose an event appended between the position read and the replay', async () => {
    const log = new PacedLog(new MemoryEventLog());
    const hub = await startHub(log, { recentEvents: 0 });
    await publishNumbered(hub, 1, 3);
    const { epoch } = await log.position();
    log.beforeRead = async (_after, call) => {
      if (call === 1) await hub.publish({ topic: 't', data: '4' }); // newer than the position the replay read
    };
    const { connection } = await open(hub, formatEventId(epoch, 1));
    await turn();
    expect(messages(connection)).toEqual(['2', '3', '4']);
  });

  it('starts a prelude stream from its own position: a write landing while the prelude drains arrives once', async () => {
    const hub = await startHub(new MemoryEventLog(), { maxBufferBytes: 64 * 1024 });
    await publishNumbered(hub, 1, 2);
    const snapshotAt = await hub.log.position();
    const snapshotId = formatEventId(snapshotAt.epoch, snapshotAt.head);
    const prelude = encodeMessageBytes({ id: snapshotId, event: 'snapshot', data: 'x'.repeat(300 * 1024) });
    const connection = new FakeConnection();
    connection.stall(); // the reader has not taken the first slice yet
    const ticket = hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    const started = hub.startStream(ticket, connection, { from: snapshotId, prelude: [prelude] });
    await hub.publish({ topic: 't', data: '3' }); // after the snapshot, before the stream subscribes
    await turn();
    connection.drain();
    const subscriber = await started;
    await turn();
    expect(subscriber.state).toBe('live');
    expect(connection.events.map((e) => e.type)).toEqual(['snapshot', 'message']);
    expect(messages(connection)).toEqual(['3']);
  });
});

describe('Hub: resume boundaries', () => {
  for (const recentEvents of [0, 1000]) {
    it(`answers at exactly trimmedThrough (recent events: ${recentEvents})`, async () => {
      const hub = await startHub(new MemoryEventLog(), { recentEvents });
      await publishNumbered(hub, 1, 10);
      await turn();
      expect(await hub.log.trim({ maxEvents: 6 })).toBe(4);
      const { epoch, trimmedThrough } = await hub.log.position();
      expect(trimmedThrough).toBe(4);
      const before = await open(hub, formatEventId(epoch, trimmedThrough - 1));
      const resets = before.connection.events.filter((e) => e.type === 'reset');
      expect(resets.map((e) => JSON.parse(e.data).reason)).toEqual(['history-trimmed']);
      expect(messages(before.connection)).toEqual([]);
      expect(resets[0]?.lastEventId).toBe(formatEventId(epoch, 10));
      const at = await open(hub, formatEventId(epoch, trimmedThrough));
      expect(at.connection.events.some((e) => e.type === 'reset')).toBe(false);
      expect(messages(at.connection)).toEqual(range(5, 10));
      const after = await open(hub, formatEventId(epoch, trimmedThrough + 1));
      expect(messages(after.connection)).toEqual(range(6, 10));
    });
  }

  it('answers an id beyond the head, a foreign id and another epoch with the matching reset', async () => {
    const hub = await startHub(new MemoryEventLog());
    await publishNumbered(hub, 1, 3);
    const { epoch } = await hub.log.position();
    const reasons = async (id: string) => {
      const { connection } = await open(hub, id);
      expect(messages(connection)).toEqual([]);
      return connection.events.filter((e) => e.type === 'reset').map((e) => JSON.parse(e.data).reason);
    };
    expect(await reasons(formatEventId(epoch, 4))).toEqual(['unknown-id']);
    expect(await reasons('not an id')).toEqual(['unknown-id']);
    expect(await reasons(formatEventId(epoch === 'aaaaaaaa' ? 'bbbbbbbb' : 'aaaaaaaa', 1))).toEqual(['log-replaced']);
    const head = await open(hub, formatEventId(epoch, 3));
    expect(head.connection.events).toEqual([]);
  });

  it('gives a fresh stream the head id, so it resumes from there', async () => {
    const hub = await startHub(new MemoryEventLog());
    await publishNumbered(hub, 1, 3);
    const { epoch } = await hub.log.position();
    const { connection } = await open(hub);
    await hub.publish({ topic: 't', data: '4' });
    await turn();
    expect(connection.chunks[1]?.toString()).toBe(`id: ${formatEventId(epoch, 3)}\n\n`);
    expect(messages(connection)).toEqual(['4']);
  });

  it('writes the same bytes resuming from the recent-events cache as from the log, at every id', async () => {
    const shared = new MemoryEventLog();
    const cached = new PacedLog(shared);
    const uncached = new PacedLog(shared);
    const withCache = await startHub(cached, { recentEvents: 2000 });
    const withoutCache = await startHub(uncached, { recentEvents: 0 });
    await publishNumbered(withCache, 1, 1100);
    await turn();
    const { epoch } = await shared.position();
    const replay = async (hub: Hub, seq: number) => {
      const { connection } = await open(hub, formatEventId(epoch, seq));
      return Buffer.concat(connection.chunks.slice(1)).toString(); // after the retry frame
    };
    for (const seq of [0, 1, 2, 499, 500, 501, 1000, 1098, 1099, 1100]) {
      const fromCache = await replay(withCache, seq);
      const fromLog = await replay(withoutCache, seq);
      expect(fromCache, `resume after ${seq}`).toBe(fromLog);
      const ids = [...fromLog.matchAll(/^id: (.*)$/gm)].map((m) => m[1]);
      expect(ids).toEqual(range(seq + 1, 1100).map((s) => formatEventId(epoch, Number(s))));
    }
    expect(cached.reads).toBe(0);
    expect(uncached.reads).toBeGreaterThan(0);
  });

  it('after an epoch change sends reset to open streams, and resumes new-epoch ids from new events only', async () => {
    const log = new PacedLog(new MemoryEventLog());
    const hub = await startHub(log, { recentEvents: 1000 });
    await publishNumbered(hub, 1, 5);
    await turn(); // the old epoch's events are in the recent-events cache
    const live = await open(hub);
    const next = new MemoryEventLog();
    const position = await log.replace(next);
    expect(position.head).toBe(0);
    const newId = (seq: number) => formatEventId(position.epoch, seq);
    const reset = live.connection.events.find((e) => e.type === 'reset');
    expect(reset && JSON.parse(reset.data)).toEqual({ reason: 'log-replaced', lastEventId: null, id: newId(0) });
    await publishNumbered(hub, 101, 103); // seq 1..3 of the new epoch
    await turn();
    expect(messages(live.connection)).toEqual(['101', '102', '103']);
    const resumed = await open(hub, newId(1));
    expect(messages(resumed.connection)).toEqual(['102', '103']);
    expect(resumed.connection.events.map((e) => e.lastEventId)).toEqual([newId(2), newId(3)]);
  });
});

describe('Hub: the per-stream buffer bound, at its configured size', () => {
  /** The frame size of the event the memory log will store at `seq` with `data`. */
  const frameSize = (epoch: string, seq: number, data: string) =>
    encodeEvent({ seq, id: formatEventId(epoch, seq), topics: ['t'], type: undefined, data, time: 0 }).frame.length;

  it('live path: queued plus the next chunk may equal the bound, one byte more drops the stream', async () => {
    const log = new MemoryEventLog();
    const { epoch } = await log.position();
    const bound = 4096;
    const hub = await startHub(log, { maxBufferBytes: bound });
    const fits = await open(hub);
    const over = await open(hub);
    const frame = frameSize(epoch, 1, 'x'.repeat(100));
    fits.connection.bufferedBytes = bound - frame;
    over.connection.bufferedBytes = bound - frame + 1;
    await hub.publish({ topic: 't', data: 'x'.repeat(100) });
    await turn();
    expect(fits.subscriber.state).toBe('live');
    expect(messages(fits.connection)).toEqual(['x'.repeat(100)]);
    expect(over.subscriber.closeReason).toBe('slow-consumer');
    expect(over.connection.destroyed).toBe(true);
    expect(hub.stats().slowConsumerDisconnects).toBe(1);
  });

  for (const [extra, dropped] of [
    [0, false],
    [1, true],
  ] as const) {
    it(`replay path: events held back during a replay ${dropped ? 'one byte over' : 'exactly at'} the bound ${dropped ? 'drop' : 'keep'} the stream`, async () => {
      const log = new PacedLog(new MemoryEventLog());
      const { epoch } = await log.position();
      const held = ['a'.repeat(300), 'b'.repeat(400 + extra)];
      const bound = frameSize(epoch, 2, held[0]!) + frameSize(epoch, 3, 'b'.repeat(400));
      const hub = await startHub(log, { maxBufferBytes: bound, recentEvents: 0 });
      await hub.publish({ topic: 't', data: 'first' });
      await turn(); // fanned out before the stream opens: not part of what it holds back
      log.beforeRead = async (_after, call) => {
        if (call !== 1) return;
        for (const data of held) await hub.publish({ topic: 't', data });
        await turn();
      };
      const { connection, subscriber } = await open(hub, formatEventId(epoch, 0));
      if (dropped) {
        expect(subscriber.closeReason).toBe('slow-consumer');
        expect(connection.destroyed).toBe(true);
      } else {
        expect(subscriber.closeReason).toBeUndefined();
        expect(subscriber.state).toBe('live');
        expect(messages(connection)).toEqual(['first', ...held]);
      }
    });
  }
});
