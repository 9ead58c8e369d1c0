import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Which build of better-sqlite3 this Node runs. Version 12 is compiled against
 * Node's own ABI and, on Node 24, aborts the process when a statement is
 * garbage-collected (`Assertion failed: (env) != nullptr`,
 * WiseLibs/better-sqlite3#1515, not fixed in 12). Version 13 is a Node-API
 * build shipped prebuilt, but needs Node 22 and crashes on 20. So Node 20 loads
 * 12 (dependency `better-sqlite3`) and Node 22 and newer load 13 (the alias
 * `better-sqlite3-napi`); their APIs are the same for everything we call.
 */
const major = Number(process.versions.node.split('.')[0]);
export const sqliteDriverPackage = major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

const Driver = createRequire(import.meta.url)(sqliteDriverPackage) as typeof BetterSqlite3;

/** Opens (or creates) a SQLite database file with the driver this Node can run. */
export function openSqlite(file: string, options?: BetterSqlite3.Options): BetterSqlite3.Database {
  return new Driver(file, options);
}
