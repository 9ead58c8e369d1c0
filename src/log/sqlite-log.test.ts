import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.js';
import type { StoredEvent } from './event-log.js';
import { SqliteEventLog } from './sqlite-log.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function file(): string {
  const dir = tempDir();
  cleanup.push(() => dir.remove());
  return join(dir.path, 'log.db');
}

async function openLog(path = file()): Promise<SqliteEventLog> {
  const log = new SqliteEventLog({ file: path });
  await log.open();
  cleanup.push(() => log.close());
  return log;
}

describe('SqliteEventLog specifics', () => {
  it('refuses use before open and after close, and reports its health', async () => {
    const log = new SqliteEventLog({ file: file() });
    expect(() => log.db).toThrow('The SQLite event log is not open');
    expect(() => log.transaction(() => 1)).toThrow(expect.objectContaining({ code: 'LOG_UNAVAILABLE' }));
    expect(log.health()).toEqual({ ok: false, detail: 'closed' });
    await log.open();
    await log.open(); // a second open changes nothing
    expect(log.health()).toEqual({ ok: true });
    await log.close();
    expect(log.health()).toEqual({ ok: false, detail: 'closed' });
  });

  it('names a file it cannot open, with the driver’s reason', async () => {
    const path = join(file(), 'missing-dir', 'log.db');
    await expect(new SqliteEventLog({ file: path }).open()).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: `Cannot open the event log ${path}: Cannot open database because the directory does not exist`,
    });
  });

  it('commits a transaction with its appends, emits them after the commit, and returns the result', async () => {
    const log = await openLog();
    const seen: StoredEvent[][] = [];
    log.onAppend((events) => seen.push([...events]));
    const result = log.transaction((append) => {
      const [a] = append([{ topics: ['t', 'u'], data: 'a' }]);
      append([{ topics: ['t'], type: 'x', data: 'b' }]);
      expect(seen).toEqual([]); // not before the commit
      return a?.seq;
    });
    expect(result).toBe(1);
    expect(seen.map((batch) => batch.map((e) => e.data))).toEqual([['a', 'b']]);
    const stored = await log.readAfter(0, 10);
    expect(stored.map((e) => [e.topics, e.type, e.data])).toEqual([
      [['t', 'u'], undefined, 'a'],
      [['t'], 'x', 'b'],
    ]);
    expect('meta' in (stored[0] as object)).toBe(false);
  });

  it('rolls a failed transaction back: head restored, nothing emitted, the next one reuses nothing', async () => {
    const log = await openLog();
    const seen: StoredEvent[] = [];
    log.onAppend((events) => seen.push(...events));
    expect(() =>
      log.transaction((append) => {
        append([{ topics: ['t'], data: 'lost' }]);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(log.positionSync().head).toBe(0);
    expect(seen).toEqual([]);
    expect(() => log.transaction(() => log.transaction(() => 1))).toThrow('cannot be nested');
    const [next] = log.appendSync([{ topics: ['t'], data: 'kept' }]);
    expect(next?.data).toBe('kept');
    expect(await log.readAfter(0, 10)).toHaveLength(1);
  });

  it('writes checkpoints atomically with their events, after queued appends', async () => {
    const log = await openLog();
    expect(await log.checkpoints.readCheckpoint('slot')).toBeUndefined();
    const queued = log.append([{ topics: ['t'], data: 'first' }]);
    const events = await log.checkpoints.appendWithCheckpoint(
      [[{ topics: ['t'], data: 'c1' }], [{ topics: ['t'], data: 'c2' }]],
      'slot',
      'lsn-1',
    );
    await queued;
    expect(events.map((e) => e.data)).toEqual(['c1', 'c2']);
    expect((await log.readAfter(0, 10)).map((e) => e.data)).toEqual(['first', 'c1', 'c2']);
    expect(await log.checkpoints.readCheckpoint('slot')).toBe('lsn-1');
    await log.checkpoints.appendWithCheckpoint([[{ topics: ['t'], data: 'c3' }]], 'slot', 'lsn-2');
    expect(await log.checkpoints.readCheckpoint('slot')).toBe('lsn-2');
  });

  it('trims nothing when the cut is not past what was trimmed, and forgets trimmed external ids', async () => {
    const log = await openLog();
    for (let i = 1; i <= 5; i++) await log.append([{ topics: ['t'], data: String(i), meta: { externalId: `e${i}` } }]);
    expect(await log.trim({ maxEvents: 5 })).toBe(0);
    expect(await log.trim({ maxEvents: 3 })).toBe(2);
    expect(await log.trim({ maxEvents: 4 })).toBe(0); // cut 1 is behind the mark
    expect(log.positionSync().trimmedThrough).toBe(2);
    expect(await log.findExternalId('e2')).toBeUndefined();
    expect(await log.findExternalId('e3')).toBe(3);
    expect(await log.trim({ maxAgeMs: 60_000 })).toBe(0);
  });

  it('trims more than one chunk of 10,000 events in one call', async () => {
    const log = await openLog();
    log.appendSync(Array.from({ length: 10_005 }, (_, i) => ({ topics: ['t'], data: String(i) })));
    expect(await log.trim({ maxEvents: 2 })).toBe(10_003);
    expect((await log.readAfter(0, 10)).map((e) => e.data)).toEqual(['10003', '10004']);
  });
});
