import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.js';
import { parseEventId } from './event-id.js';
import type { EventLog, StoredEvent } from './event-log.js';
import { MemoryEventLog } from './memory-log.js';
import { openSqlite } from './sqlite-driver.js';
import { SqliteEventLog } from './sqlite-log.js';

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function sqliteFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  return join(dir.path, 'log.db');
}

describe('sqlite event log written before adapter meta existed', () => {
  it('gains the meta column on open and keeps its events', async () => {
    const file = sqliteFile();
    const old = openSqlite(file);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, topics TEXT NOT NULL, type TEXT, data TEXT NOT NULL, time INTEGER NOT NULL);
      INSERT INTO meta VALUES ('epoch', 'oldepoch');
      INSERT INTO events (topics, type, data, time) VALUES ('t', NULL, 'before', 1);`);
    old.close();
    const log = new SqliteEventLog({ file });
    await log.open();
    await log.append([{ topics: ['t'], data: 'after', meta: { externalId: 'urn:x' } }]);
    const events = await log.readAfter(0, 10);
    expect(events.map((e) => [e.id, e.data, e.meta])).toEqual([
      ['oldepoch-1', 'before', undefined],
      ['oldepoch-2', 'after', { externalId: 'urn:x' }],
    ]);
    expect(await log.findExternalId('urn:x')).toBe(2);
    await log.close();
  });
});

const adapters: [string, () => EventLog][] = [
  ['memory', () => new MemoryEventLog()],
  ['sqlite', () => new SqliteEventLog({ file: sqliteFile() })],
];

describe.each(adapters)('%s event log (port contract)', (_name, make) => {
  it('stores adapter meta, maps publisher ids to positions, and refuses a repeated id without failing others', async () => {
    const log = make();
    await log.open();
    const seen: StoredEvent[] = [];
    log.onAppend((events) => seen.push(...events));
    const meta = { origin: 'mercure', private: true as const, externalId: 'urn:a', retry: 5 };
    const [first] = await log.append([
      { topics: ['t'], data: 'a', meta },
      { topics: ['t'], data: 'plain' },
    ]);
    // Concurrent appends share a group commit (SQLite): the duplicate fails alone.
    const results = await Promise.allSettled([
      log.append([{ topics: ['t'], data: 'dup', meta: { externalId: 'urn:a' } }]),
      log.append([{ topics: ['t'], data: 'b', meta: { externalId: 'urn:b' } }]),
      log.append([{ topics: ['t'], data: 'c', meta: { externalId: 'urn:b' } }]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'DUPLICATE_EVENT_ID' });
    await expect(
      log.append([
        { topics: ['t'], data: 'x', meta: { externalId: 'urn:z' } },
        { topics: ['t'], data: 'y', meta: { externalId: 'urn:z' } },
      ]),
    ).rejects.toMatchObject({ code: 'DUPLICATE_EVENT_ID' });
    expect(await log.findExternalId('urn:a')).toBe(first?.seq);
    expect(await log.findExternalId('urn:b')).toBe((first?.seq ?? 0) + 2);
    expect(await log.findExternalId('urn:none')).toBeUndefined();
    const stored = await log.readAfter(0, 10);
    expect(stored.map((e) => [e.data, e.meta])).toEqual([
      ['a', meta],
      ['plain', undefined],
      ['b', { externalId: 'urn:b' }],
    ]);
    expect(seen.map((e) => [e.data, e.meta])).toEqual(stored.map((e) => [e.data, e.meta]));
    await log.close();
  });

  it('assigns strictly increasing positions and ids carrying the epoch', async () => {
    const log = make();
    await log.open();
    const a = await log.append([{ topics: ['t'], data: '1' }]);
    const b = await log.append([
      { topics: ['t', 'u'], type: 'x', data: '2' },
      { topics: ['u'], data: '3' },
    ]);
    const all = [...a, ...b];
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    const { epoch } = await log.position();
    expect(all.map((e) => parseEventId(e.id))).toEqual(all.map((e) => ({ epoch, seq: e.seq })));
    expect(b[0]).toMatchObject({ topics: ['t', 'u'], type: 'x', data: '2' });
    await log.close();
  });

  it('reads after a position, oldest first, with a limit', async () => {
    const log = make();
    await log.open();
    for (let i = 1; i <= 10; i++) await log.append([{ topics: ['t'], data: String(i) }]);
    expect((await log.readAfter(3, 4)).map((e) => e.data)).toEqual(['4', '5', '6', '7']);
    expect(await log.readAfter(10, 5)).toEqual([]);
    await log.close();
  });

  it('feeds appends to live listeners in order, after they are stored', async () => {
    const log = make();
    await log.open();
    const seen: StoredEvent[] = [];
    const off = log.onAppend((events) => seen.push(...events));
    await log.append([{ topics: ['t'], data: 'a' }]);
    await log.append([{ topics: ['t'], data: 'b' }]);
    off();
    await log.append([{ topics: ['t'], data: 'c' }]);
    expect(seen.map((e) => e.data)).toEqual(['a', 'b']);
    await log.close();
  });

  it('trims by count and reports what it trimmed through', async () => {
    const log = make();
    await log.open();
    for (let i = 1; i <= 10; i++) await log.append([{ topics: ['t'], data: String(i) }]);
    expect(await log.trim({ maxEvents: 4 })).toBe(6);
    expect((await log.position()).trimmedThrough).toBe(6);
    expect((await log.readAfter(0, 100)).map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(await log.trim({ maxEvents: 4 })).toBe(0);
    await log.close();
  });

  it('trims by age', async () => {
    const log = make();
    await log.open();
    await log.append([{ topics: ['t'], data: 'old' }]);
    await new Promise((r) => setTimeout(r, 30));
    await log.append([{ topics: ['t'], data: 'new' }]);
    expect(await log.trim({ maxAgeMs: 15 })).toBe(1);
    expect((await log.readAfter(0, 10)).map((e) => e.data)).toEqual(['new']);
    expect((await log.position()).trimmedThrough).toBe(1);
    await log.close();
  });
});

describe('SQLite event log durability', () => {
  it('keeps events, epoch, head and trim mark across reopen; never reuses a position', async () => {
    const file = sqliteFile();
    const first = new SqliteEventLog({ file });
    await first.open();
    for (let i = 1; i <= 5; i++) await first.append([{ topics: ['t'], data: String(i) }]);
    await first.trim({ maxEvents: 2 });
    const before = await first.position();
    await first.close();

    const second = new SqliteEventLog({ file });
    await second.open();
    expect(await second.position()).toEqual(before);
    expect(before).toMatchObject({ head: 5, trimmedThrough: 3 });
    const [next] = await second.append([{ topics: ['t'], data: '6' }]);
    expect(next?.seq).toBe(6);
    await second.close();
  });

  it('does not reuse positions after everything was trimmed', async () => {
    const file = sqliteFile();
    const log = new SqliteEventLog({ file });
    await log.open();
    await log.append([{ topics: ['t'], data: 'a' }]);
    await log.trim({ maxEvents: 1 });
    await log.trim({ maxAgeMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    await log.trim({ maxAgeMs: 1 });
    await log.close();
    const again = new SqliteEventLog({ file });
    await again.open();
    const [e] = await again.append([{ topics: ['t'], data: 'b' }]);
    expect(e?.seq).toBe(2);
    await again.close();
  });

  it('group-commits concurrent appends in order, and close() commits what is still queued', async () => {
    const file = sqliteFile();
    const log = new SqliteEventLog({ file });
    await log.open();
    const pending = Array.from({ length: 50 }, (_, i) => log.append([{ topics: ['t'], data: String(i) }]));
    await log.close();
    const stored = (await Promise.all(pending)).flat();
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const again = new SqliteEventLog({ file });
    await again.open();
    expect((await again.readAfter(0, 100)).map((e) => e.data)).toEqual(stored.map((e) => e.data));
    await again.close();
  });

  it('group commit really groups: concurrent appends share one transaction, a later turn gets its own', async () => {
    const log = new SqliteEventLog({ file: sqliteFile() });
    await log.open();
    // The live feed is emitted once per committed transaction, with everything it wrote.
    const commits: number[][] = [];
    log.onAppend((events) => commits.push(events.map((e) => e.seq)));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => log.append([{ topics: ['t'], data: String(i) }])),
    );
    expect(commits).toEqual([Array.from({ length: 20 }, (_, i) => i + 1)]);
    // Each caller gets its own events back, not the whole group's.
    expect(results.map((r) => r.map((e) => e.data))).toEqual(Array.from({ length: 20 }, (_, i) => [String(i)]));
    await log.append([{ topics: ['t'], data: 'later' }]);
    expect(commits).toEqual([Array.from({ length: 20 }, (_, i) => i + 1), [21]]);
    await log.close();
  });

  it('rejects every append of a group whose commit fails, and the next group commits', async () => {
    const log = new SqliteEventLog({ file: sqliteFile() });
    await log.open();
    log.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.data = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    const group = [log.append([{ topics: ['t'], data: 'ok' }]), log.append([{ topics: ['t'], data: 'bad' }])];
    const outcomes = await Promise.allSettled(group);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await log.readAfter(0, 10)).toEqual([]);
    const [next] = await log.append([{ topics: ['t'], data: 'next' }]);
    expect(next?.seq).toBe(1);
    await log.close();
  });

  it('rolls back a failed transaction: nothing stored, nothing emitted', async () => {
    const log = new SqliteEventLog({ file: sqliteFile() });
    await log.open();
    const seen: StoredEvent[] = [];
    log.onAppend((events) => seen.push(...events));
    expect(() =>
      log.transaction((append) => {
        append([{ topics: ['t'], data: 'doomed' }]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(seen).toEqual([]);
    expect(await log.readAfter(0, 10)).toEqual([]);
    expect((await log.position()).head).toBe(0);
    await log.close();
  });

  it('refuses a second process-level opener of the same file with a clear message', async () => {
    const file = sqliteFile();
    const a = new SqliteEventLog({ file });
    await a.open();
    await a.append([{ topics: ['t'], data: 'x' }]);
    const b = new SqliteEventLog({ file });
    await expect(b.open()).rejects.toThrow(/in use by another ssehub process/);
    await a.close();
  });

  it('commits with synchronous=NORMAL by default and FULL on request', async () => {
    const normal = new SqliteEventLog({ file: sqliteFile() });
    const full = new SqliteEventLog({ file: sqliteFile(), synchronous: 'full' });
    await normal.open();
    await full.open();
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
    await normal.close();
    await full.close();
  });

  it('gives a new epoch to a new file', async () => {
    const a = new SqliteEventLog({ file: sqliteFile() });
    const b = new SqliteEventLog({ file: sqliteFile() });
    await a.open();
    await b.open();
    expect((await a.position()).epoch).not.toBe((await b.position()).epoch);
    await a.close();
    await b.close();
  });
});
