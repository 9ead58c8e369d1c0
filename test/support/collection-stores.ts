/**
 * The collection stores a collections test can run against: the embedded
 * SQLite store always, and the PostgreSQL store (`--postgres`) when the
 * PostgreSQL 15 server binaries are installed. One private cluster per test
 * file, started on first use; every hub gets a fresh database and its own
 * replication slot, so tests share nothing.
 */
import type { ServeOptions } from '../../src/server.js';
import { type PostgresServer, postgresInstalled, startPostgres } from './postgres-server.js';

export type StoreKind = 'sqlite' | 'postgres';

export const STORE_KINDS: readonly StoreKind[] = postgresInstalled() ? ['sqlite', 'postgres'] : ['sqlite'];

export interface CollectionStores {
  /** Options that put a hub's collections on `kind` (none for SQLite: the default). */
  options(kind: StoreKind): Promise<Pick<ServeOptions, 'postgres'>>;
  /** The PostgreSQL cluster (started on first use), to stop and start it. */
  cluster(): Promise<PostgresServer>;
  /** Rows of the last database handed out (PostgreSQL only). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  remove(): void;
}

export function collectionStores(): CollectionStores {
  let server: PostgresServer | undefined;
  let starting: Promise<PostgresServer> | undefined;
  let count = 0;
  let current = '';
  const cluster = async () => {
    starting ??= startPostgres();
    server = await starting;
    return server;
  };
  return {
    cluster,
    async options(kind) {
      if (kind === 'sqlite') return {};
      const pg = await cluster();
      current = `collections_${process.pid}_${++count}`;
      await pg.query(`CREATE DATABASE ${current}`);
      return { postgres: { url: pg.url.replace(/\/postgres$/, `/${current}`), slot: current, publication: current } };
    },
    async query(sql, params) {
      const pg = await cluster();
      const { default: pgModule } = await import('pg');
      const client = new pgModule.Client({ connectionString: pg.url.replace(/\/postgres$/, `/${current}`) });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    remove() {
      server?.remove();
    },
  };
}
