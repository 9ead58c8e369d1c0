import type Database from 'better-sqlite3';
import { SseHubError } from '../errors.js';
import { formatEventId, newEpoch } from './event-id.js';
import type { CheckpointStore, EventInput, EventLog, LogPosition, RetentionPolicy, StoredEvent } from './event-log.js';
import { decodeMeta, duplicateExternalId, encodeMeta, externalIdsOf } from './event-meta.js';
import { AppendListeners } from './listeners.js';
import { openSqlite } from './sqlite-driver.js';

export interface SqliteLogOptions {
  /** Path of the database file (created if missing). */
  file: string;
  /**
   * `normal` (default): a commit survives a crash of the process; `full`: it also
   * survives an OS crash or power loss (an fsync per commit, slower).
   */
  synchronous?: 'normal' | 'full';
}

/** Appends events inside a {@link SqliteEventLog.transaction}. */
export type AppendInTransaction = (inputs: readonly EventInput[]) => StoredEvent[];

interface EventRow {
  seq: number;
  topics: string;
  type: string | null;
  data: string;
  time: number;
  meta: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  topics TEXT NOT NULL,
  type TEXT,
  data TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_time ON events (time);
CREATE TABLE IF NOT EXISTS external_ids (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS external_ids_seq ON external_ids (seq);
CREATE TABLE IF NOT EXISTS checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

interface QueuedAppend {
  inputs: readonly EventInput[];
  resolve: (events: StoredEvent[]) => void;
  reject: (err: unknown) => void;
}

/** Topic names contain no whitespace, so a space joins them unambiguously. */
const TOPIC_SEPARATOR = ' ';
const TRIM_CHUNK = 10_000;
/**
 * Events written by one INSERT statement: each statement call crosses into
 * SQLite once, so a group commit of many events costs a few calls, not one each.
 */
const ROWS_PER_INSERT = 64;

/**
 * The durable default log: SQLite in WAL mode through better-sqlite3. A commit
 * survives a crash of the process (`synchronous=NORMAL`), or also an OS crash
 * with `synchronous: 'full'`. The file is opened in
 * exclusive locking mode: one hub process per data directory.
 *
 * Other SQLite-backed features (collections) share the connection through
 * {@link SqliteEventLog.db} and {@link SqliteEventLog.transaction}, so a record
 * and its change event commit together or not at all.
 */
export class SqliteEventLog implements EventLog {
  readonly #file: string;
  readonly #synchronous: 'normal' | 'full';
  readonly #listeners = new AppendListeners();
  #db: Database.Database | undefined;
  #epoch = '';
  #head = 0;
  #trimmedThrough = 0;
  #pending: StoredEvent[] | undefined;
  /** Multi-row inserts by row count (1 … {@link ROWS_PER_INSERT}): one statement call per run of events. */
  readonly #inserts = new Map<number, Database.Statement<(string | number | null)[]>>();
  #insertExternal!: Database.Statement<[string, number]>;
  #findExternal!: Database.Statement<[string], { seq: number }>;
  /** `db.transaction` wrapper, made once: it runs a callback inside BEGIN/COMMIT. */
  #inTransaction!: <T>(fn: () => T) => T;
  /** Appends waiting for the next group commit (see {@link append}). */
  #queued: QueuedAppend[] = [];
  #readAfter!: Database.Statement<[number, number], EventRow>;
  #saveCheckpoint: Database.Statement<[string, string]> | undefined;

  /** Checkpoints live in the same database file, written in the append's transaction. */
  readonly checkpoints: CheckpointStore = {
    appendWithCheckpoint: async (chunks, key, value) => {
      // Queued group commits go first, so log order matches the order appends were asked for.
      this.#commitQueued();
      this.#saveCheckpoint ??= this.db.prepare(
        'INSERT INTO checkpoints (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      );
      const save = this.#saveCheckpoint;
      return this.transaction((append) => {
        const stored: StoredEvent[] = [];
        for (const chunk of chunks) for (const event of append(chunk)) stored.push(event);
        save.run(key, value);
        return stored;
      });
    },
    readCheckpoint: async (key) =>
      (this.db.prepare('SELECT value FROM checkpoints WHERE key = ?').get(key) as { value: string } | undefined)?.value,
  };

  constructor(options: SqliteLogOptions) {
    this.#file = options.file;
    this.#synchronous = options.synchronous ?? 'normal';
  }

  /** The open connection, for adapters that keep their tables beside the log. */
  get db(): Database.Database {
    if (!this.#db) throw new SseHubError('LOG_UNAVAILABLE', 'The SQLite event log is not open');
    return this.#db;
  }

  async open(): Promise<void> {
    this.openSync();
  }

  openSync(): void {
    if (this.#db) return;
    let db: Database.Database;
    try {
      db = openSqlite(this.#file, { timeout: 200 });
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.#synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.exec(SCHEMA);
      // Logs written before adapter metadata existed get the column (NULL: no meta).
      const columns = db.prepare('PRAGMA table_info(events)').all() as { name: string }[];
      if (!columns.some((c) => c.name === 'meta')) db.exec('ALTER TABLE events ADD COLUMN meta TEXT');
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', ?)").run(newEpoch());
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why =
        code === 'SQLITE_BUSY'
          ? 'it is in use by another ssehub process (one process per data directory)'
          : code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY'
            ? 'it cannot be opened for writing (check the directory exists and is writable)'
            : (err as Error).message;
      throw new SseHubError('INVALID_CONFIG', `Cannot open the event log ${this.#file}: ${why}`, undefined, {
        cause: err,
      });
    }
    this.#db = db;
    const meta = (key: string) =>
      (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    this.#epoch = meta('epoch') as string;
    this.#trimmedThrough = Number(meta('trimmed_through') ?? 0);
    const seqRow = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as
      | { seq: number }
      | undefined;
    this.#head = seqRow?.seq ?? 0;
    this.#insertExternal = db.prepare('INSERT INTO external_ids (id, seq) VALUES (?, ?)');
    this.#findExternal = db.prepare('SELECT seq FROM external_ids WHERE id = ?');
    this.#readAfter = db.prepare(
      'SELECT seq, topics, type, data, time, meta FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.#inTransaction = db.transaction((fn: () => unknown) => fn()) as <T>(fn: () => T) => T;
  }

  /**
   * Runs `fn` in one SQLite transaction. Events appended through the given
   * function commit with whatever else `fn` writes, and reach the live feed only
   * after the commit; if `fn` throws, nothing is written and nothing is emitted.
   */
  transaction<T>(fn: (append: AppendInTransaction) => T): T {
    if (!this.#db) throw new SseHubError('LOG_UNAVAILABLE', 'The SQLite event log is not open');
    if (this.#pending) throw new Error('SqliteEventLog.transaction cannot be nested');
    const pending: StoredEvent[] = [];
    this.#pending = pending;
    const headBefore = this.#head;
    let result: T;
    try {
      result = this.#inTransaction(() => fn(this.#appendInTransaction));
    } catch (err) {
      this.#head = headBefore;
      throw err;
    } finally {
      this.#pending = undefined;
    }
    this.#listeners.emit(pending);
    return result;
  }

  #appendInTransaction: AppendInTransaction = (inputs) => {
    const pending = this.#pending;
    if (!pending) throw new Error('append called outside SqliteEventLog.transaction');
    const time = Date.now();
    const stored: StoredEvent[] = [];
    for (const id of externalIdsOf(inputs)) if (this.#findExternal.get(id)) throw duplicateExternalId(id);
    for (let from = 0; from < inputs.length; from += ROWS_PER_INSERT) {
      const rows = inputs.slice(from, from + ROWS_PER_INSERT);
      const params: (string | number | null)[] = [];
      for (const input of rows) {
        params.push(
          input.topics.join(TOPIC_SEPARATOR),
          input.type ?? null,
          input.data,
          time,
          encodeMeta(input.meta) ?? null,
        );
      }
      const last = Number(this.#insertStatement(rows.length).run(...params).lastInsertRowid);
      // One writer (exclusive lock) and AUTOINCREMENT: the rows of one statement are numbered in a run.
      if (last - rows.length !== this.#head)
        throw new Error(`SQLite numbered ${rows.length} rows up to ${last} after ${this.#head}`);
      for (const [k, input] of rows.entries()) {
        const seq = this.#head + 1 + k;
        if (input.meta?.externalId !== undefined) this.#insertExternal.run(input.meta.externalId, seq);
        const event: StoredEvent = {
          seq,
          id: formatEventId(this.#epoch, seq),
          topics: input.topics,
          type: input.type,
          data: input.data,
          time,
          ...(input.meta !== undefined && encodeMeta(input.meta) !== undefined && { meta: input.meta }),
        };
        stored.push(event);
        pending.push(event);
      }
      this.#head = last;
    }
    return stored;
  };

  /** `INSERT … VALUES (…), (…)` for `rows` events, prepared once per row count. */
  #insertStatement(rows: number): Database.Statement<(string | number | null)[]> {
    let statement = this.#inserts.get(rows);
    if (!statement) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
      statement = this.db.prepare(`INSERT INTO events (topics, type, data, time, meta) VALUES ${values}`);
      this.#inserts.set(rows, statement);
    }
    return statement;
  }

  /** Synchronous append, for callers already on the SQLite connection's thread. */
  appendSync(inputs: readonly EventInput[]): StoredEvent[] {
    return this.transaction((append) => append(inputs));
  }

  /**
   * Group commit: appends arriving in the same turn of the event loop (concurrent
   * publishes) share one transaction. Each promise resolves after that commit.
   */
  append(inputs: readonly EventInput[]): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      this.#queued.push({ inputs, resolve, reject });
      if (this.#queued.length === 1) setImmediate(() => this.#commitQueued());
    });
  }

  #commitQueued(): void {
    let queued = this.#queued;
    if (queued.length === 0) return;
    this.#queued = [];
    // A duplicate publisher id fails its own append, not the others sharing the group commit.
    if (queued.some((entry) => entry.inputs.some((input) => input.meta?.externalId !== undefined))) {
      queued = this.#withoutDuplicates(queued);
    }
    let stored: StoredEvent[];
    try {
      // One append for the whole group: its events go into a few multi-row INSERTs.
      stored = this.transaction((append) =>
        append(queued.length === 1 ? (queued[0] as QueuedAppend).inputs : queued.flatMap((entry) => entry.inputs)),
      );
    } catch (err) {
      for (const entry of queued) entry.reject(err);
      return;
    }
    let from = 0;
    for (const entry of queued) {
      entry.resolve(stored.slice(from, from + entry.inputs.length));
      from += entry.inputs.length;
    }
  }

  #withoutDuplicates(queued: QueuedAppend[]): QueuedAppend[] {
    const seen = new Set<string>();
    return queued.filter((entry) => {
      try {
        const ids = externalIdsOf(entry.inputs);
        for (const id of ids) if (seen.has(id) || this.#findExternal.get(id)) throw duplicateExternalId(id);
        for (const id of ids) seen.add(id);
        return true;
      } catch (err) {
        entry.reject(err);
        return false;
      }
    });
  }

  async findExternalId(externalId: string): Promise<number | undefined> {
    return this.#findExternal.get(externalId)?.seq;
  }

  readAfterSync(afterSeq: number, limit: number): StoredEvent[] {
    return this.#readAfter.all(afterSeq, limit).map((row) => this.#toEvent(row));
  }

  async readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.readAfterSync(afterSeq, limit);
  }

  positionSync(): LogPosition {
    return { epoch: this.#epoch, head: this.#head, trimmedThrough: this.#trimmedThrough };
  }

  async position(): Promise<LogPosition> {
    return this.positionSync();
  }

  onAppend(listener: (events: readonly StoredEvent[]) => void): () => void {
    return this.#listeners.add(listener);
  }

  async trim(policy: RetentionPolicy): Promise<number> {
    const db = this.db;
    let cut = 0;
    if (policy.maxEvents !== undefined) cut = Math.max(cut, this.#head - policy.maxEvents);
    if (policy.maxAgeMs !== undefined) {
      const row = db.prepare('SELECT max(seq) AS seq FROM events WHERE time < ?').get(Date.now() - policy.maxAgeMs) as {
        seq: number | null;
      };
      cut = Math.max(cut, row.seq ?? 0);
    }
    if (cut <= this.#trimmedThrough) return 0;
    // Delete in bounded chunks so a large backlog never blocks the event loop for long.
    const deleteChunk = db.prepare(
      'DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE seq <= ? ORDER BY seq LIMIT ?)',
    );
    const dropExternal = db.prepare('DELETE FROM external_ids WHERE seq <= ?');
    const saveMark = db.prepare(
      "INSERT INTO meta (key, value) VALUES ('trimmed_through', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    let removed = 0;
    for (;;) {
      const changes = db.transaction(() => {
        const n = deleteChunk.run(cut, TRIM_CHUNK).changes;
        // Ids of trimmed events are forgotten with them: resuming from one then answers unknown-id.
        if (n > 0) dropExternal.run(cut);
        saveMark.run(String(cut));
        return n;
      })();
      this.#trimmedThrough = cut;
      removed += changes;
      if (changes < TRIM_CHUNK) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return removed;
  }

  health() {
    return this.#db ? { ok: true } : { ok: false, detail: 'closed' };
  }

  async close(): Promise<void> {
    this.#commitQueued();
    this.#db?.close();
    this.#db = undefined;
    this.#inserts.clear();
    this.#saveCheckpoint = undefined;
  }

  #toEvent(row: EventRow): StoredEvent {
    return {
      seq: row.seq,
      id: formatEventId(this.#epoch, row.seq),
      topics: row.topics.split(TOPIC_SEPARATOR),
      type: row.type ?? undefined,
      data: row.data,
      time: row.time,
      ...(row.meta !== null && { meta: decodeMeta(row.meta) }),
    };
  }
}
