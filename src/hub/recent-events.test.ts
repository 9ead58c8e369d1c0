import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../log/memory-log.js';
import { encodeEvent } from './encoded-event.js';
import { eventCost, RecentEvents } from './recent-events.js';

const event = (seq: number, size: number) =>
  encodeEvent({ seq, id: `e-${seq}`, topics: ['t'], type: undefined, data: 'x'.repeat(size), time: 0 });

describe('RecentEvents', () => {
  it('is bounded by bytes as well as by count, dropping the oldest', () => {
    const recent = new RecentEvents(10_000, 1024 * 1024);
    for (let seq = 1; seq <= 100; seq++) recent.push([event(seq, 100 * 1024)]);
    expect(recent.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(recent.size).toBe(Math.floor((1024 * 1024) / eventCost(event(1, 100 * 1024))));
    expect(recent.after(0, 10)).toBeUndefined(); // the oldest are gone: the log serves them
    const tail = recent.after(95, 10);
    expect(tail?.map((e) => e.event.seq)).toEqual([96, 97, 98, 99, 100]);
  });

  it('is still bounded by count for small events', () => {
    const recent = new RecentEvents(50, 1024 * 1024);
    for (let seq = 1; seq <= 5000; seq++) recent.push([event(seq, 10)]);
    expect(recent.size).toBe(50);
    expect(recent.after(4950, 100)?.length).toBe(50);
  });
});

describe('MemoryEventLog maxBytes', () => {
  it('drops the oldest events once their data passes the bound, and reports them trimmed', async () => {
    const log = new MemoryEventLog({ maxBytes: 1000 });
    for (let i = 0; i < 30; i++) await log.append([{ topics: ['t'], data: 'y'.repeat(100) }]);
    const kept = await log.readAfter(0, 100);
    expect(kept.length).toBe(10);
    expect(kept[0]?.seq).toBe(21);
    expect((await log.position()).trimmedThrough).toBe(20);
  });
});

describe('RecentEvents: exact bounds and the admin lookup', () => {
  it('costs an event its frame, its data and 256 bytes', () => {
    const e = event(1, 1000);
    expect(eventCost(e)).toBe(e.frame.length + 1000 + 256);
  });

  it('keeps events whose cost is exactly the byte bound, and drops the oldest at one byte less', () => {
    const cost = eventCost(event(1, 100));
    const exact = new RecentEvents(100, cost * 3);
    const under = new RecentEvents(100, cost * 3 - 1);
    for (const recent of [exact, under]) recent.push([event(1, 100), event(2, 100), event(3, 100)]);
    expect(exact.size).toBe(3);
    expect(exact.bytes).toBe(cost * 3);
    expect(under.size).toBe(2);
    expect(under.bytes).toBe(cost * 2);
    expect(under.after(1, 10)?.map((e) => e.event.seq)).toEqual([2, 3]);
  });

  it('keeps nothing with a capacity or a byte bound of 0', () => {
    for (const recent of [new RecentEvents(0), new RecentEvents(10, 0)]) {
      recent.push([event(1, 10)]);
      expect(recent.size).toBe(0);
      expect(recent.bytes).toBe(0);
      expect(recent.after(0, 10)).toBeUndefined();
    }
  });

  it('serves after() from the window only when it reaches back to the id', () => {
    const recent = new RecentEvents(3);
    recent.push([event(1, 1), event(2, 1), event(3, 1), event(4, 1)]);
    expect(recent.after(0, 10)).toBeUndefined(); // 1 was dropped: the log must serve it
    expect(recent.after(1, 10)?.map((e) => e.event.seq)).toEqual([2, 3, 4]);
    expect(recent.after(2, 1)?.map((e) => e.event.seq)).toEqual([3]);
    expect(recent.after(4, 10)).toEqual([]);
  });

  it('shows the newest events passing a filter, newest first, up to a limit, dropped ones excluded', () => {
    const recent = new RecentEvents(4);
    for (let seq = 1; seq <= 6; seq++) recent.push([event(seq, seq % 2 === 0 ? 2 : 1)]);
    const even = (e: ReturnType<typeof event>) => e.event.data.length === 2;
    expect(recent.last(10, even).map((e) => e.seq)).toEqual([6, 4]);
    expect(recent.last(1, even).map((e) => e.seq)).toEqual([6]);
    expect(recent.last(10, () => true).map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(recent.last(0, () => true)).toEqual([]);
  });

  it('stays correct across compactions of its storage', () => {
    const recent = new RecentEvents(100);
    for (let seq = 1; seq <= 5000; seq++) recent.push([event(seq, 1)]);
    expect(recent.size).toBe(100);
    expect(recent.after(4900, 1000)?.map((e) => e.event.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 4901 + i));
    expect(recent.last(2, () => true).map((e) => e.seq)).toEqual([5000, 4999]);
    recent.clear();
    expect(recent.size).toBe(0);
    expect(recent.bytes).toBe(0);
    expect(recent.after(4999, 10)).toBeUndefined();
  });
});
