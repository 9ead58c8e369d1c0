/**
 * The WAL position a collection snapshot waits for change capture to store:
 * the end of the last WAL record inserted, so every commit that finished
 * before the snapshot ends at or before it.
 *
 * `pg_current_wal_insert_lsn()` is where the next record will start. When the
 * last record ended exactly at a page end, that is past the next page's header,
 * and capture's checkpoint (which a quiet database advances to the end of the
 * last record decoded, from keepalives) would not reach it until some other
 * record is written: the header is taken off then.
 */
export const WAL_POSITION_SQL = `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS at,
  current_setting('wal_block_size') AS page, pg_size_bytes(current_setting('wal_segment_size'))::text AS segment`;

export interface WalPositionRow {
  at: string;
  page: string;
  segment: string;
}

/** Page header sizes on 64-bit servers: the first page of a segment has the long one. */
const SHORT_HEADER = 24n;
const LONG_HEADER = 40n;

/** The row of {@link WAL_POSITION_SQL} as an LSN (`X/Y`), header taken off at a page start. */
export function lastRecordEnd(row: WalPositionRow): string {
  let at = BigInt(row.at);
  if (at % BigInt(row.segment) === LONG_HEADER) at -= LONG_HEADER;
  else if (at % BigInt(row.page) === SHORT_HEADER) at -= SHORT_HEADER;
  return `${(at >> 32n).toString(16).toUpperCase()}/${(at & 0xffffffffn).toString(16).toUpperCase()}`;
}
