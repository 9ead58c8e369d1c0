import type { CollectionRecord, RecordData, WhereFilter } from './collection-record.js';
import { assertWhereField } from './list-query.js';

/**
 * The PostgreSQL tables of the collections store (postgres-collection-store.ts):
 * their definition, the row shape and the record queries.
 */

/** The records table; change capture must capture it and map its rows with capturedRecordEvent. */
export const RECORDS_TABLE = 'public.ssehub_collection_records';
export const SCHEMAS_TABLE = 'public.ssehub_collection_schemas';

export interface RecordRow {
  id: string;
  data: RecordData;
  version: number;
  created_at: string;
  updated_at: string;
}

export const COLUMNS = 'id, data, version, created_at::text, updated_at::text';

/** Creates the tables if missing. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${RECORDS_TABLE} (
  collection text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  data json NOT NULL,
  version integer NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE TABLE IF NOT EXISTS ${SCHEMAS_TABLE} (
  collection text COLLATE "C" PRIMARY KEY,
  schema json NOT NULL
);
`;

/** Rows in id order (`limit` rows at most); `where` compares each field's JSON text with the value's. */
export function select(
  collection: string,
  where: WhereFilter,
  afterId: string | undefined,
  limit: number,
): { text: string; values: unknown[] } {
  const values: unknown[] = [collection];
  const clauses = ['collection = $1'];
  if (afterId !== undefined) {
    values.push(afterId);
    clauses.push(`id > $${values.length}`);
  }
  for (const field of Object.keys(where).map(assertWhereField)) {
    values.push(field, JSON.stringify(where[field]));
    clauses.push(`(data -> $${values.length - 1})::text = $${values.length}`);
  }
  values.push(limit);
  return {
    text: `SELECT ${COLUMNS} FROM ${RECORDS_TABLE} WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT $${values.length}`,
    values,
  };
}

export function toRecord(row: RecordRow): CollectionRecord {
  return {
    id: row.id,
    data: row.data,
    version: row.version,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
