import pg from 'pg';
import { LogicalReplicationService, type Pgoutput, PgoutputPlugin } from 'pg-logical-replication';
import type { Logger } from 'pino';
import { SseHubError } from '../../errors.js';
import { safeUrl } from '../../log/safe-url.js';
import { qualifiedTable } from '../capture-options.js';
import type { ChangeSink, ChangeSource, RowChange } from '../change-source.js';
import { compareLsn, decodeCheckpoint, encodeCheckpoint, lsnBefore, type PgCheckpoint } from './checkpoint.js';
import { quoteIdent, quoteTable, readTableInfo, type TableInfo } from './table-info.js';
import { textMapper } from './type-mapping.js';
import { parseXidSnapshot, snapshotHolds, type XidSnapshot } from './xid-snapshot.js';

export interface PostgresSourceOptions {
  /** `postgres://user:password@host:port/database`; the role needs REPLICATION (or superuser). */
  url: string;
  /** `schema.table` (a bare name means `public.name`). */
  tables: readonly string[];
  /** Replication slot name (default `ssehub`); one slot per hub deployment. */
  slot?: string | undefined;
  /** Publication name (default `ssehub`). */
  publication?: string | undefined;
  /**
   * Tables whose updates and deletes must carry the whole old row (REPLICA IDENTITY
   * FULL): those with read rules, which decide on the row a change leaves.
   */
  fullIdentity?: readonly string[] | undefined;
  logger: Logger;
}

const ACK_INTERVAL_MS = 1_000;
/**
 * Every tick sends a status update asking for a reply: writing to the connection
 * is what reveals one PostgreSQL closed without the client noticing (seen when
 * PostgreSQL shuts down), and the reply proves it alive and reports the read
 * position. Silent for {@link DEAD_AFTER_MS}, it is dropped and reopened.
 */
const DEAD_AFTER_MS = 15_000;
const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000];
/** How often a standby node tries to take the slot over. */
const STANDBY_RETRY_MS = 1_000;
/** The longest pause between checks while a decoded commit is not visible yet. */
const VISIBLE_POLL_MAX_MS = 50;
/** At most one keepalive request per this many ms from {@link PostgresSource.requestProgress}. */
const PROGRESS_REQUEST_MS = 50;

function unavailable(message: string, cause?: unknown): SseHubError {
  return new SseHubError('CAPTURE_UNAVAILABLE', message, undefined, cause === undefined ? undefined : { cause });
}

/**
 * Change capture from PostgreSQL: a persistent logical replication slot with
 * the `pgoutput` plugin, read through `pg-logical-replication` with flow control
 * (the socket pauses while a message is being stored, so a huge transaction
 * does not pile up in memory ahead of the log).
 *
 * Positions: a transaction's begin position is its commit LSN; its checkpoint
 * records the end LSN of its commit record, the system identifier and the slot.
 * PostgreSQL resends transactions whose commit LSN is at or after the confirmed
 * position, so a transaction is stored iff its commit LSN is below the
 * checkpoint's LSN.
 */
export class PostgresSource implements ChangeSource {
  readonly tables: readonly string[];
  readonly #url: string;
  readonly #slot: string;
  readonly #publication: string;
  readonly #logger: Logger;
  readonly #needFullIdentity: ReadonlySet<string>;
  #info = new Map<string, TableInfo>();
  #system = '';
  #resumeLsn = '0/0';
  #confirmed: string | undefined;
  #acked: string | undefined;
  #service: LogicalReplicationService | undefined;
  #generation = 0;
  #closed = false;
  #loop: Promise<void> | undefined;
  #ackTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #lastHeard = 0;
  #failStream: ((err: unknown) => void) | undefined;
  /** Replication messages parsed (arrived) and handled, to tell when a keepalive's position is fully handled. */
  #arrived = 0;
  #handled = 0;
  #inTransaction = false;
  /** A keepalive's position, waiting for the messages that arrived before it to be handled. */
  #readMark: { lsn: string; arrived: number } | undefined;
  #sink: ChangeSink | undefined;
  #lastProgressRequest = 0;
  /** The position of the stored checkpoint (undefined before the first): progress reports go beyond it. */
  #stored: string | undefined;
  /** An ordinary connection for visibility checks (awaitVisible); opened on first use, dropped on error. */
  #plain: Promise<pg.Client> | undefined;
  /** The last snapshot seen: a committed xid it holds is visible (no query needed). */
  #visibleBefore: XidSnapshot | undefined;

  constructor(options: PostgresSourceOptions) {
    this.tables = options.tables.map(qualifiedTable);
    this.#needFullIdentity = new Set(options.fullIdentity?.map(qualifiedTable));
    this.#url = options.url;
    this.#slot = options.slot ?? 'ssehub';
    this.#publication = options.publication ?? 'ssehub';
    this.#logger = options.logger;
  }

  async start(checkpoint: string | undefined, sink: ChangeSink): Promise<void> {
    sink.state('connecting');
    const client = await this.#connect();
    try {
      await this.#preflight(client);
      await this.#prepareSlot(client, decodeCheckpoint(checkpoint), sink);
    } finally {
      await client.end().catch(() => {});
    }
    this.#ackTimer = setInterval(() => this.#tick(), ACK_INTERVAL_MS).unref();
    this.#loop = this.#run(sink);
  }

  confirm(checkpoint: string): void {
    const cp = decodeCheckpoint(checkpoint);
    if (!cp) return;
    this.#confirmed = cp.lsn;
    this.#resumeLsn = cp.lsn;
    this.#stored = cp.lsn;
  }

  isStored(position: string, checkpoint: string | undefined): boolean {
    const cp = decodeCheckpoint(checkpoint);
    return cp !== undefined && compareLsn(position, cp.lsn) < 0;
  }

  reached(checkpoint: string | undefined, position: string): boolean {
    const cp = decodeCheckpoint(checkpoint);
    return cp !== undefined && cp.system === this.#system && compareLsn(cp.lsn, position) >= 0;
  }

  async awaitVisible(xids: readonly number[]): Promise<void> {
    // Finished when the last snapshot was taken (committed, since it was decoded): visible already.
    const seen = this.#visibleBefore;
    if (seen && xids.every((xid) => snapshotHolds(seen, xid))) return;
    let failures = 0;
    for (let attempt = 0; ; attempt++) {
      let snapshot: XidSnapshot;
      try {
        const [row] = await this.#plainQuery<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
        snapshot = parseXidSnapshot(row?.s as string);
      } catch (err) {
        // Once more on a fresh connection: the kept one may predate a PostgreSQL restart.
        if (++failures < 2 && !this.#closed) continue;
        // The group is not appended: reconnect so the source resends it from the checkpoint
        // (without this it would wait for the next commit to learn of the failure).
        this.#failStream?.(err);
        throw err;
      }
      this.#visibleBefore = snapshot;
      if (xids.every((xid) => snapshotHolds(snapshot, xid))) return;
      if (this.#closed) throw new Error('change capture closed while waiting for a commit to become visible');
      // Committed (it was decoded) but not visible yet: a commit waiting for a synchronous standby.
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, VISIBLE_POLL_MAX_MS)));
    }
  }

  async lagBytes(checkpoint: string | undefined): Promise<number | undefined> {
    const cp = decodeCheckpoint(checkpoint);
    if (!cp) return undefined;
    const [row] = await this.#plainQuery<{ d: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS d',
      [cp.lsn],
    );
    return row ? Math.max(0, Number(row.d)) : undefined;
  }

  /** A query on the ordinary (non-replication) connection, opened on first use and dropped on error. */
  async #plainQuery<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]> {
    try {
      this.#plain ??= this.#connect();
      return (await (await this.#plain).query<T>(sql, params)).rows;
    } catch (err) {
      const client = this.#plain;
      this.#plain = undefined;
      void client?.then((c) => c.end()).catch(() => {});
      throw err;
    }
  }

  /** A status update asking PostgreSQL for a keepalive, whose position then advances the checkpoint. */
  requestProgress(): void {
    const now = Date.now();
    if (now - this.#lastProgressRequest < PROGRESS_REQUEST_MS) return;
    this.#lastProgressRequest = now;
    this.#ack(true, true);
  }

  /**
   * PostgreSQL's keepalive carries how far the WAL sender has decoded: every
   * transaction committed before it was sent before it. Once the messages that
   * arrived before the keepalive are handled (and no transaction is open), that
   * position may be stored as the checkpoint, though no captured table changed.
   */
  #reportProgress(): void {
    const mark = this.#readMark;
    if (!mark || this.#handled < mark.arrived || this.#inTransaction) return;
    this.#readMark = undefined;
    if (this.#stored !== undefined && compareLsn(mark.lsn, this.#stored) <= 0) return;
    this.#sink?.progress?.(encodeCheckpoint({ system: this.#system, slot: this.#slot, lsn: mark.lsn }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    void this.#plain?.then((c) => c.end()).catch(() => {});
    if (this.#ackTimer) clearInterval(this.#ackTimer);
    this.#ack();
    this.#wake?.();
    await this.#service?.stop().catch(() => {});
    await this.#loop;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 5_000 });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      throw unavailable(
        `Cannot reach PostgreSQL at ${safeUrl(this.#url)}: ${(err as Error).message}. Check --postgres and that the server is running and accepts this role.`,
        err,
      );
    }
    return client;
  }

  /** Every start error names its fix. */
  async #preflight(client: pg.Client): Promise<void> {
    const walLevel = (await client.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level;
    if (walLevel !== 'logical') {
      throw unavailable(
        `PostgreSQL has wal_level = ${walLevel}; change capture needs wal_level = logical. Set it in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL.`,
      );
    }
    const role = (
      await client.query<{ name: string; ok: boolean }>(
        'SELECT rolname AS name, rolreplication OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user',
      )
    ).rows[0];
    if (!role?.ok) {
      throw unavailable(
        `The PostgreSQL role "${role?.name}" lacks the replication privilege; grant it with ALTER ROLE ${quoteIdent(role?.name ?? '?')} REPLICATION.`,
      );
    }
    this.#system = (await client.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()'))
      .rows[0]?.id as string;
    for (const table of this.tables) {
      const found = await readTableInfo(client, table);
      if (!found) {
        throw unavailable(`The table ${table} does not exist; check --capture (tables are named schema.table).`);
      }
      if (found.keyColumns.length === 0 && found.identity !== 'f') {
        throw unavailable(
          `The table ${table} has no primary key, so its updates and deletes cannot be identified; add a primary key or run ALTER TABLE ${table} REPLICA IDENTITY FULL.`,
        );
      }
      if (this.#needFullIdentity.has(table) && found.identity !== 'f') {
        throw unavailable(
          `The table ${table} has a read rule, which must see the old row of every update and delete to decide who may see it; run ALTER TABLE ${table} REPLICA IDENTITY FULL.`,
        );
      }
      this.#info.set(table, found);
    }
    const list = this.tables.map(quoteTable).join(', ');
    const exists = (await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [this.#publication]))
      .rowCount;
    try {
      await client.query(
        exists
          ? `ALTER PUBLICATION ${quoteIdent(this.#publication)} SET TABLE ${list}`
          : `CREATE PUBLICATION ${quoteIdent(this.#publication)} FOR TABLE ${list}`,
      );
    } catch (err) {
      throw unavailable(
        `Cannot ${exists ? 'update' : 'create'} the publication "${this.#publication}": ${(err as Error).message}. Create it as the tables' owner: CREATE PUBLICATION ${this.#publication} FOR TABLE ${list}.`,
        err,
      );
    }
  }

  /**
   * Makes sure the slot exists and still holds the history after the checkpoint.
   * A missing or invalidated slot, or another database behind the URL, means
   * changes were lost: the sink is told, then capture restarts from a new slot.
   */
  async #prepareSlot(client: pg.Client, cp: PgCheckpoint | undefined, sink: ChangeSink): Promise<void> {
    let lost: string | undefined;
    if (cp && cp.system !== this.#system) {
      lost = `the database was replaced (system identifier ${cp.system} is now ${this.#system})`;
    }
    const slot = (
      await client.query<{ status: string | null; lsn: string | null }>(
        'SELECT wal_status AS status, confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1',
        [this.#slot],
      )
    ).rows[0];
    let slotLsn = slot?.lsn ?? undefined;
    if (slot && (slot.status === 'lost' || lost)) {
      lost ??= `the replication slot "${this.#slot}" was invalidated (it fell behind max_slot_wal_keep_size)`;
      await client.query('SELECT pg_drop_replication_slot($1)', [this.#slot]);
      slotLsn = undefined;
    } else if (!slot && cp) {
      lost ??= `the replication slot "${this.#slot}" was dropped`;
    }
    if (slotLsn === undefined) {
      const created = await client.query<{ lsn: string }>(
        "SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')",
        [this.#slot],
      );
      slotLsn = created.rows[0]?.lsn as string;
      this.#logger.info({ slot: this.#slot, lsn: slotLsn }, 'created the replication slot');
    }
    if (lost) {
      const restartAt = { system: this.#system, slot: this.#slot, lsn: slotLsn };
      await sink.lost(lost, encodeCheckpoint(restartAt));
      this.#resumeLsn = slotLsn;
      this.#stored = slotLsn;
    } else {
      this.#resumeLsn = cp?.lsn ?? slotLsn;
      this.#stored = cp?.lsn;
    }
  }

  /** Streams until closed; on any failure waits (with backoff), re-checks the slot and resumes from the last stored position. */
  async #run(sink: ChangeSink): Promise<void> {
    let attempt = 0;
    let first = true;
    while (!this.#closed) {
      let failure: unknown;
      try {
        if (!first) {
          sink.state('connecting');
          const client = await this.#connect();
          try {
            await this.#prepareSlot(client, decodeCheckpoint(await sink.checkpoint()), sink);
          } finally {
            await client.end().catch(() => {});
          }
        }
        first = false;
        failure = await this.#stream(sink, () => {
          attempt = 0;
        });
      } catch (err) {
        failure = err;
      }
      if (this.#closed) break;
      const detail = failure instanceof Error ? failure.message : 'the replication connection closed';
      // PostgreSQL lets one connection use a slot: while another node holds it, this one waits its turn.
      const standby = /replication slot .* is active for PID/.test(detail);
      sink.state(standby ? 'standby' : 'down', detail);
      if (!standby) this.#logger.warn({ err: failure }, 'change capture connection lost; reconnecting');
      const delay = standby ? STANDBY_RETRY_MS : (BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)] as number);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, delay).unref();
      });
    }
  }

  /** One replication connection; resolves with the reason it ended. */
  async #stream(sink: ChangeSink, onStart: () => void): Promise<unknown> {
    const generation = ++this.#generation;
    const service = new LogicalReplicationService(
      { connectionString: this.#url, options: '-c DateStyle=ISO -c IntervalStyle=postgres' },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
    this.#service = service;
    this.#acked = undefined;
    // Keepalives that ask for a reply get one even before the first commit here.
    this.#confirmed ??= this.#resumeLsn;
    // No logical messages: a quiet source's checkpoint advances from keepalives (#reportProgress).
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [this.#publication] });
    // Map values from PostgreSQL's text form ourselves (see type-mapping.ts): patch each relation as it is parsed.
    const parse = plugin.parse.bind(plugin);
    this.#sink = sink;
    this.#visibleBefore = undefined; // the database behind the URL may have been replaced
    this.#arrived = 0;
    this.#handled = 0;
    this.#inTransaction = false;
    this.#readMark = undefined;
    plugin.parse = (buffer: Buffer) => {
      // Called as each message arrives (before it is queued for handling): see #reportProgress.
      if (generation === this.#generation) this.#arrived++;
      const message = parse(buffer);
      if (message.tag === 'relation') {
        for (const column of message.columns) column.parser = textMapper(column.typeOid);
      }
      return message;
    };
    let failure: unknown;
    const fail = (err: unknown) => {
      failure ??= err;
      void service.stop().catch(() => {});
    };
    this.#lastHeard = Date.now();
    this.#failStream = fail;
    service.on('start', () => {
      sink.state('streaming');
      onStart();
    });
    service.on('error', fail);
    service.on('heartbeat', (lsn: string, _time: number, reply: boolean) => {
      this.#lastHeard = Date.now();
      if (reply) this.#ack(true);
      if (generation !== this.#generation || failure !== undefined) return;
      this.#readMark = { lsn, arrived: this.#arrived };
      this.#reportProgress();
    });
    service.on('data', async (_lsn: string, message: Pgoutput.Message) => {
      this.#lastHeard = Date.now();
      // A failed connection's queued messages must not reach the sink.
      if (generation !== this.#generation || failure !== undefined) return;
      try {
        switch (message.tag) {
          case 'begin':
            this.#inTransaction = true;
            // commitTime: microseconds since the Unix epoch.
            await sink.begin(message.commitLsn as string, message.xid, Number(message.commitTime) / 1000);
            break;
          case 'insert':
          case 'update':
          case 'delete':
            if (this.#inTransaction) await sink.change(this.#toChange(message));
            break;
          case 'commit': {
            this.#inTransaction = false;
            const cp = { system: this.#system, slot: this.#slot, lsn: message.commitEndLsn as string };
            await sink.commit(encodeCheckpoint(cp));
            break;
          }
          default:
            break;
        }
      } catch (err) {
        fail(err);
      } finally {
        this.#handled++;
        this.#reportProgress();
      }
    });
    try {
      await service.subscribe(plugin, this.#slot, this.#resumeLsn);
    } catch (err) {
      failure ??= err;
    }
    this.#failStream = undefined;
    await service.stop().catch(() => {});
    return failure;
  }

  #toChange(message: Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete): RowChange {
    const relation = message.relation;
    const table = `${relation.schema}.${relation.name}`;
    const keyColumns = this.#info.get(table)?.keyColumns.length
      ? (this.#info.get(table) as TableInfo).keyColumns
      : relation.columns.map((c) => c.name);
    const row = message.tag === 'delete' ? null : (message.new as Record<string, unknown>);
    const oldRow = message.tag === 'insert' ? undefined : (message.old ?? message.key ?? undefined);
    const source = (row ?? oldRow ?? {}) as Record<string, unknown>;
    const key: Record<string, unknown> = {};
    for (const column of keyColumns) key[column] = source[column];
    const change: RowChange = { table, op: message.tag, key, row: row ? { ...row } : null };
    if (oldRow) change.old = { ...oldRow };
    if (row) {
      // Unchanged TOASTed values arrive as "unchanged" (undefined here): leave them out and say so.
      const unchanged = Object.keys(row).filter((k) => row[k] === undefined);
      if (unchanged.length > 0) {
        for (const k of unchanged) delete change.row?.[k];
        change.unchanged = unchanged;
      }
    }
    return change;
  }

  /** Once a second: confirm progress, and check the replication connection is still there. */
  #tick(): void {
    const silent = Date.now() - this.#lastHeard;
    if (this.#failStream && silent > DEAD_AFTER_MS) {
      this.#failStream(new Error(`no message from PostgreSQL for ${Math.round(silent / 1000)} s`));
      return;
    }
    // Every tick asks for a keepalive: its position lets a quiet source's checkpoint advance
    // (#reportProgress), which live-table snapshots on any node wait for.
    this.#ack(true, true);
  }

  /** Tells PostgreSQL the last position stored in the log, so it may recycle WAL before it. */
  #ack(force = false, ping = false): void {
    const service = this.#service;
    const lsn = this.#confirmed;
    if (!service || lsn === undefined || (!force && lsn === this.#acked)) return;
    this.#acked = lsn;
    // The library reports lsn + 1; the flush position must be exactly the stored commit's end.
    void service.acknowledge(lsnBefore(lsn), ping).catch((err) => {
      // Not fatal (the next ack repeats the position), but WAL piles up on the server while acks fail.
      this.#acked = undefined;
      this.#logger.warn({ err, lsn }, 'change capture: acknowledging the stored position failed; will retry');
    });
  }
}
