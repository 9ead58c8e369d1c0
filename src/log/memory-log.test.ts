import { describe, expect, it } from 'vitest';
import type { StoredEvent } from './event-log.js';
import { MemoryEventLog } from './memory-log.js';

const data = (events: readonly StoredEvent[]) => events.map((e) => e.data);

async function filled(log: MemoryEventLog, values: string[]): Promise<MemoryEventLog> {
  for (const value of values) await log.append([{ topics: ['t'], data: value }]);
  return log;
}

describe('MemoryEventLog', () => {
  it('stores a copy of the topics, the type, the time and meta only when given', async () => {
    const log = new MemoryEventLog();
    const topics = ['a', 'b'];
    const before = Date.now();
    const [plain, withMeta] = await log.append([
      { topics, type: 'x', data: '1' },
      { topics: ['c'], data: '2', meta: { origin: 'o' } },
    ]);
    topics.push('changed');
    expect(plain).toEqual({ seq: 1, id: plain?.id, topics: ['a', 'b'], type: 'x', data: '1', time: plain?.time });
    expect('meta' in (plain as object)).toBe(false);
    expect(withMeta?.meta).toEqual({ origin: 'o' });
    expect(plain?.time).toBeGreaterThanOrEqual(before);
    expect(plain?.time).toBeLessThanOrEqual(Date.now());
    expect((await log.readAfter(0, 1))[0]?.topics).toEqual(['a', 'b']);
  });

  it('reads after any position: before the first kept event, inside, at and past the head', async () => {
    const log = await filled(new MemoryEventLog(), ['1', '2', '3', '4', '5']);
    expect(data(await new MemoryEventLog().readAfter(0, 10))).toEqual([]);
    await log.trim({ maxEvents: 3 }); // keeps 3..5
    expect(data(await log.readAfter(0, 10))).toEqual(['3', '4', '5']);
    expect(data(await log.readAfter(2, 10))).toEqual(['3', '4', '5']);
    expect(data(await log.readAfter(3, 10))).toEqual(['4', '5']);
    expect(data(await log.readAfter(3, 1))).toEqual(['4']);
    expect(data(await log.readAfter(5, 10))).toEqual([]);
    expect(data(await log.readAfter(9, 10))).toEqual([]);
  });

  it('keeps at most `capacity` events, dropping the oldest on append', async () => {
    const log = await filled(new MemoryEventLog({ capacity: 3 }), ['1', '2', '3']);
    expect(data(await log.readAfter(0, 10))).toEqual(['1', '2', '3']);
    expect((await log.position()).trimmedThrough).toBe(0);
    await log.append([
      { topics: ['t'], data: '4' },
      { topics: ['t'], data: '5' },
    ]);
    expect(data(await log.readAfter(0, 10))).toEqual(['3', '4', '5']);
    expect(await log.position()).toMatchObject({ head: 5, trimmedThrough: 2 });
  });

  it('keeps at most maxBytes of data: exactly at the bound stays, one byte over drops the oldest', async () => {
    const log = await filled(new MemoryEventLog({ maxBytes: 10 }), ['aaaa', 'bbb', 'ccc']);
    expect(data(await log.readAfter(0, 10))).toEqual(['aaaa', 'bbb', 'ccc']);
    await log.append([{ topics: ['t'], data: 'd' }]);
    expect(data(await log.readAfter(0, 10))).toEqual(['bbb', 'ccc', 'd']);
    expect((await log.position()).trimmedThrough).toBe(1);
    // The bytes of dropped events are given back: 7 held, 3 more fit.
    await log.append([{ topics: ['t'], data: 'eee' }]);
    expect(data(await log.readAfter(0, 10))).toEqual(['bbb', 'ccc', 'd', 'eee']);
  });

  it('keeps the newest event even when it alone is over maxBytes', async () => {
    const log = await filled(new MemoryEventLog({ maxBytes: 5 }), ['ab']);
    await log.append([
      { topics: ['t'], data: 'c' },
      { topics: ['t'], data: 'x'.repeat(20) },
    ]);
    expect(data(await log.readAfter(0, 10))).toEqual(['x'.repeat(20)]);
    expect(await log.position()).toMatchObject({ head: 3, trimmedThrough: 2 });
  });

  it('combines both bounds: count first, then bytes', async () => {
    const log = await filled(new MemoryEventLog({ capacity: 3, maxBytes: 6 }), ['11', '22', '33']);
    await log.append([{ topics: ['t'], data: '4444' }]); // count drops 11; bytes (22+33+4444 = 8) drop 22
    expect(data(await log.readAfter(0, 10))).toEqual(['33', '4444']);
  });

  it('forgets the external ids of dropped events, so they may be published again', async () => {
    const log = new MemoryEventLog({ capacity: 1 });
    await log.append([{ topics: ['t'], data: 'a', meta: { externalId: 'urn:a' } }]);
    await log.append([{ topics: ['t'], data: 'b' }]);
    expect(await log.findExternalId('urn:a')).toBeUndefined();
    const [again] = await log.append([{ topics: ['t'], data: 'a2', meta: { externalId: 'urn:a' } }]);
    expect(await log.findExternalId('urn:a')).toBe(again?.seq);
  });

  it('trims by count to exactly maxEvents, and reports 0 when nothing is over', async () => {
    const log = await filled(new MemoryEventLog(), ['1', '2', '3']);
    expect(await log.trim({ maxEvents: 3 })).toBe(0);
    expect(await log.trim({ maxEvents: 5 })).toBe(0);
    expect(await log.trim({ maxEvents: undefined, maxAgeMs: undefined })).toBe(0);
    expect((await log.position()).trimmedThrough).toBe(0);
    expect(await log.trim({ maxEvents: 1 })).toBe(2);
    expect(await log.position()).toMatchObject({ head: 3, trimmedThrough: 2 });
    expect(await log.trim({ maxEvents: 0 })).toBe(1);
    expect(data(await log.readAfter(0, 10))).toEqual([]);
    expect(await log.position()).toMatchObject({ head: 3, trimmedThrough: 3 });
  });

  it('trims by age only events older than the cutoff, and by the larger of both rules', async () => {
    const log = await filled(new MemoryEventLog(), ['old1', 'old2']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await filled(log, ['new1', 'new2', 'new3']);
    expect(await log.trim({ maxAgeMs: 60_000 })).toBe(0);
    expect(await log.trim({ maxAgeMs: 20, maxEvents: 4 })).toBe(2);
    expect(data(await log.readAfter(0, 10))).toEqual(['new1', 'new2', 'new3']);
    expect(await log.trim({ maxAgeMs: 60_000, maxEvents: 1 })).toBe(2);
    expect(data(await log.readAfter(0, 10))).toEqual(['new3']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await log.trim({ maxAgeMs: 1 })).toBe(1);
  });

  it('notifies live listeners of each append until they unsubscribe, and never of an empty one', async () => {
    const log = new MemoryEventLog();
    const seen: string[][] = [];
    const off = log.onAppend((events) => seen.push(data(events)));
    const other: string[][] = [];
    log.onAppend((events) => other.push(data(events)));
    await log.append([
      { topics: ['t'], data: '1' },
      { topics: ['t'], data: '2' },
    ]);
    await log.append([]);
    off();
    await log.append([{ topics: ['t'], data: '3' }]);
    expect(seen).toEqual([['1', '2']]);
    expect(other).toEqual([['1', '2'], ['3']]);
    expect(log.health()).toEqual({ ok: true });
  });
});
