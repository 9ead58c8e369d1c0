// @ts-nocheck
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
