import type pg from 'pg';

/** What capture and snapshots need to know of a captured table. */
export interface TableInfo {
  /** Primary-key columns in key order; empty without one (REPLICA IDENTITY FULL: the whole row is the key). */
  keyColumns: string[];
  /** `f` for REPLICA IDENTITY FULL (pg_class.relreplident). */
  identity: string;
}

/** The table's key columns and replica identity; undefined when there is no such table. */
// The key comes back as JSON: clients with their own type parsers (snapshot reads) still get an array.
export async function readTableInfo(client: pg.ClientBase, table: string): Promise<TableInfo | undefined> {
  const dot = table.indexOf('.');
  const found = (
    await client.query<{ identity: string; key: string[] | null }>(
      `SELECT c.relreplident AS identity,
         (SELECT to_json(array_agg(a.attname::text ORDER BY array_position(i.indkey, a.attnum)))
            FROM pg_index i JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
           WHERE i.indrelid = c.oid AND i.indisprimary) AS key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [table.slice(0, dot), table.slice(dot + 1)],
    )
  ).rows[0];
  return found && { keyColumns: found.key ?? [], identity: found.identity };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` quoted for SQL. */
export function quoteTable(table: string): string {
  return table.split('.').map(quoteIdent).join('.');
}
