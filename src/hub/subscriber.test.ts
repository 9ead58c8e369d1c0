import { describe, expect, it } from 'vitest';
import { FakeConnection } from '../../test/support/fake-connection.js';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import type { Ticket } from './admission.js';
import { concatFrames, type EncodedEvent, encodeEvent } from './encoded-event.js';
import { Subscriber } from './subscriber.js';

function ticket(principal: Principal = OPEN_PRINCIPAL): Ticket {
  return {
    principal,
    request: { topics: ['t'] },
    patterns: ['t'],
    matches: (topic) => topic === 't',
    permits: undefined,
    view: undefined,
    groupKey: 't||',
    quotaKey: 'addr:?',
    cancel: () => {},
  };
}

const event = (seq: number, data = `e${seq}`) =>
  encodeEvent({ seq, id: `ep-${seq}`, topics: ['t'], type: undefined, data, time: 0 });

function subscriber(options: { maxBufferBytes?: number; lifetimeMs?: number; principal?: Principal } = {}) {
  const connection = new FakeConnection();
  const sub = new Subscriber({
    connection,
    ticket: ticket(options.principal),
    maxBufferBytes: options.maxBufferBytes ?? 1024 * 1024,
    now: 1000,
    lifetimeMs: options.lifetimeMs,
    kind: 'events',
  });
  return { connection, sub };
}

const deliver = (sub: Subscriber, events: EncodedEvent[], now = 2000) => sub.deliver(concatFrames(events), events, now);
const data = (c: FakeConnection) => c.events.map((e) => e.data);

describe('Subscriber', () => {
  it('parks live events while replaying and writes only those newer than the replay once live', () => {
    const { connection, sub } = subscriber();
    deliver(sub, [event(3), event(4)]);
    deliver(sub, [event(5)]);
    expect(connection.chunks).toEqual([]);
    sub.lastSeq = 4; // the replay covered up to 4
    sub.goLive(3000);
    expect(sub.state).toBe('live');
    expect(data(connection)).toEqual(['e5']);
    expect(sub.lastSeq).toBe(5);
    expect(sub.lastWriteAt).toBe(3000);
    sub.goLive(4000); // only once
    expect(data(connection)).toEqual(['e5']);
  });

  it('goes live with nothing parked without writing', () => {
    const { connection, sub } = subscriber();
    sub.goLive(3000);
    expect(connection.chunks).toEqual([]);
    expect(sub.lastWriteAt).toBe(1000);
  });

  it('once live, skips batches it already has and trims partly known ones', () => {
    const { connection, sub } = subscriber();
    sub.lastSeq = 2;
    sub.goLive(1500);
    deliver(sub, [event(1), event(2)]);
    expect(connection.chunks).toEqual([]);
    deliver(sub, [event(2), event(3)]);
    deliver(sub, [event(4), event(5)], 2500);
    expect(data(connection)).toEqual(['e3', 'e4', 'e5']);
    expect(sub.lastSeq).toBe(5);
    expect(sub.lastWriteAt).toBe(2500);
    // A whole new batch goes out as the shared chunk itself, not a copy.
    const batch = [event(6), event(7)];
    const chunk = concatFrames(batch);
    sub.deliver(chunk, batch, 2600);
    expect(connection.chunks.at(-1)).toBe(chunk);
  });

  it('drops a replaying stream whose parked events pass the bound, not one exactly at it', () => {
    const parked = [event(1, 'a'.repeat(50)), event(2, 'b'.repeat(70))];
    const bound = parked[0]!.frame.length + parked[1]!.frame.length;
    const at = subscriber({ maxBufferBytes: bound });
    deliver(at.sub, [parked[0]!]);
    deliver(at.sub, [parked[1]!]);
    expect(at.sub.state).toBe('replaying');
    const over = subscriber({ maxBufferBytes: bound - 1 });
    deliver(over.sub, parked);
    expect(over.sub.closeReason).toBe('slow-consumer');
    expect(over.connection.destroyed).toBe(true);
    deliver(over.sub, [event(3)]); // closed: ignored
    over.sub.goLive(3000);
    expect(over.sub.state).toBe('closed');
    expect(over.connection.chunks).toEqual([]);
  });

  it('writes while queued plus the chunk is at most the bound; an empty queue takes any chunk', () => {
    const { connection, sub } = subscriber({ maxBufferBytes: 100 });
    expect(sub.write(Buffer.alloc(500, 'x'), 10)).toBe(true); // bigger than the bound, but the queue was empty
    connection.bufferedBytes = 60;
    expect(sub.hasRoomFor(40)).toBe(true);
    expect(sub.hasRoomFor(41)).toBe(false);
    expect(sub.write(Buffer.alloc(40, 'y'), 20)).toBe(true);
    expect(sub.lastWriteAt).toBe(20);
    connection.bufferedBytes = 61;
    expect(sub.write(Buffer.alloc(40, 'z'), 30)).toBe(false);
    expect(sub.closeReason).toBe('slow-consumer');
    expect(sub.lastWriteAt).toBe(20);
    expect(sub.write(Buffer.alloc(1), 40)).toBe(false);
    expect(connection.chunks.map((c) => c.length)).toEqual([500, 40]);
  });

  it('ends cleanly for every reason but slow consumers and errors, which drop the connection', () => {
    for (const reason of ['client', 'lifetime', 'token-expired', 'shutdown'] as const) {
      const { connection, sub } = subscriber();
      sub.close(reason);
      expect([connection.ended, connection.destroyed, sub.closeReason]).toEqual([true, false, reason]);
      sub.close('error'); // the first reason stays
      expect(sub.closeReason).toBe(reason);
    }
    for (const reason of ['slow-consumer', 'error'] as const) {
      const { connection, sub } = subscriber();
      sub.close(reason);
      expect([connection.destroyed, sub.closeReason, sub.state]).toEqual([true, reason, 'closed']);
    }
  });

  it('expires at its lifetime, jittered within ±10%, or when its token runs out', () => {
    const never = subscriber();
    expect(never.sub.lifetimeEndsAt).toBe(Number.POSITIVE_INFINITY);
    expect(never.sub.expiry(Number.MAX_SAFE_INTEGER)).toBeUndefined();
    const ends = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const { sub } = subscriber({ lifetimeMs: 10_000 });
      expect(sub.lifetimeEndsAt).toBeGreaterThanOrEqual(1000 + 9000);
      expect(sub.lifetimeEndsAt).toBeLessThanOrEqual(1000 + 11_000);
      ends.add(sub.lifetimeEndsAt);
      expect(sub.expiry(sub.lifetimeEndsAt - 1)).toBeUndefined();
      expect(sub.expiry(sub.lifetimeEndsAt)).toBe('lifetime');
    }
    const spread = Math.max(...ends) - Math.min(...ends);
    expect(spread).toBeGreaterThan(1000); // really jittered, not one shared deadline
    const token = subscriber({ principal: { ...OPEN_PRINCIPAL, expiresAt: 5000 }, lifetimeMs: 1000 });
    expect(token.sub.expiry(1500)).toBe(undefined);
    expect(token.sub.expiry(4999)).toBe('lifetime');
    expect(token.sub.expiry(5000)).toBe('token-expired'); // the token's end is reported first
  });
});

describe('Subscriber: what it counts and writes', () => {
  it('counts the events and bytes it wrote, live and after a replay, and not what it dropped', () => {
    const { connection, sub } = subscriber();
    deliver(sub, [event(1), event(2)]); // parked
    sub.lastSeq = 0;
    sub.goLive(3000);
    expect(sub.eventsSent).toBe(2);
    deliver(sub, [event(3)]);
    expect(sub.eventsSent).toBe(3);
    deliver(sub, [event(2), event(3), event(4)]); // overlaps what was written: only 4 is new
    expect(sub.eventsSent).toBe(4);
    expect(data(connection)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(sub.bytesSent).toBe(connection.chunks.reduce((n, c) => n + c.length, 0));
    expect(sub.bytesSent).toBeGreaterThan(0);
  });

  it('writes one parked event as its own frame and several as one joined chunk', () => {
    const one = subscriber();
    const e1 = event(1);
    deliver(one.sub, [e1]);
    one.sub.goLive(3000);
    expect(one.connection.chunks).toHaveLength(1);
    expect(one.connection.chunks[0]).toBe(e1.frame);
    const two = subscriber();
    deliver(two.sub, [event(1)]);
    deliver(two.sub, [event(2)]);
    two.sub.goLive(3000);
    expect(two.connection.chunks).toHaveLength(1);
    expect(data(two.connection)).toEqual(['e1', 'e2']);
  });
});
