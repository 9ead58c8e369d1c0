/**
 * A private PostgreSQL 15 cluster per test file: Debian's initdb/pg_ctl run as
 * the `postgres` user into a temporary directory, on a free port, with logical
 * decoding on. Tests can stop, restart and reconfigure it at will without
 * depending on any server settings of the machine.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../fixtures/cluster-redis.js';
import { waitUntil } from './wait.js';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  port: number;
  /** Superuser connection URL of the `postgres` database. */
  url: string;
  dataDir: string;
  /** Runs SQL as the superuser; returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Asynchronous on purpose: `pg_ctl stop` waits for walsenders, which wait for
   * their client; a hub in the test's own process must keep running meanwhile.
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and removes its files. */
  remove(): void;
  /** Drops a replication slot even while a hub consumes it (ends its walsender first). */
  dropSlot(slot: string): Promise<void>;
}

/** True when the PostgreSQL 15 server binaries and the `postgres` user exist. */
export function postgresInstalled(): boolean {
  if (!existsSync(join(BIN, 'initdb')) || !existsSync(join(BIN, 'pg_ctl'))) return false;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function asPostgres(args: string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' });
}

async function asPostgresAsync(args: string[]): Promise<void> {
  await promisify(execFile)('runuser', ['-u', 'postgres', '--', ...args]);
}

/**
 * Creates and starts a cluster. `settings` are appended to postgresql.conf
 * (e.g. `{ wal_level: 'replica' }` to test the start error).
 */
export async function startPostgres(settings: Record<string, string | number> = {}): Promise<PostgresServer> {
  const base = mkdtempSync(join(tmpdir(), 'ssehub-pg-'));
  const dataDir = join(base, 'data');
  chownSync(base, uidOf('postgres'), gidOf('postgres'));
  asPostgres([join(BIN, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const conf: Record<string, string | number> = {
    port,
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${base}'`,
    wal_level: 'logical',
    max_replication_slots: 10,
    max_wal_senders: 10,
    fsync: 'off',
    shared_buffers: "'32MB'",
    ...settings,
  };
  const lines = Object.entries(conf).map(([k, v]) => `${k} = ${v}`);
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), `${lines.join('\n')}\n`);
  chownSync(join(dataDir, 'postgresql.auto.conf'), uidOf('postgres'), gidOf('postgres'));
  const logFile = join(base, 'server.log');
  const startArgs = [join(BIN, 'pg_ctl'), '-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'];
  const stopArgs = (mode: string) => [join(BIN, 'pg_ctl'), '-D', dataDir, '-m', mode, '-w', 'stop'];
  const start = () => asPostgresAsync(startArgs);
  const stop = (mode: 'fast' | 'immediate' = 'fast') => asPostgresAsync(stopArgs(mode));
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    dataDir,
    query,
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    async dropSlot(slot: string) {
      // Dropping an active slot needs its walsender gone first; the hub reconnects quickly, so
      // end it and drop until the drop wins the race.
      await waitUntil(
        async () => {
          await query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
          return query('SELECT pg_drop_replication_slot($1)', [slot]).then(
            () => true,
            () => false,
          );
        },
        30_000,
        `dropping the slot ${slot}`,
      );
    },
    remove() {
      try {
        asPostgres(stopArgs('immediate'));
      } catch {
        // already stopped
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}
