import { SseHubError } from '../errors.js';
import type { CollectionRecord } from './collection-record.js';
import type { RecordPage, SnapshotLimits } from './collection-store.js';

/**
 * What every {@link CollectionStore} does the same way, whatever holds the
 * records: a write's target record and version checks, a snapshot's size
 * check, and list pages.
 */

/** A page from `limit + 1` records read in id order: the extra one only says another page follows. */
export function pageOf(records: readonly CollectionRecord[], limit: number): RecordPage {
  const page = records.slice(0, limit);
  return { records: page, lastId: records.length > limit ? page[page.length - 1]?.id : undefined };
}

/** RECORD_NOT_FOUND without a current version, VERSION_CONFLICT when `expectedVersion` is stale. */
export function assertWritable(
  collection: string,
  id: string,
  currentVersion: number | undefined,
  expectedVersion: number | undefined,
): void {
  if (currentVersion === undefined) {
    throw new SseHubError('RECORD_NOT_FOUND', `No record "${id}" in collection "${collection}"`);
  }
  if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
    throw new SseHubError(
      'VERSION_CONFLICT',
      `Record "${id}" is at version ${currentVersion}, not ${expectedVersion} (If-Match); reload it and retry`,
      { currentVersion },
    );
  }
}

/** SNAPSHOT_TOO_LARGE rather than part of the set: `count` records of about `bytes` bytes matched. */
export function assertSnapshotLimits(collection: string, limits: SnapshotLimits, count: number, bytes: number): void {
  if (count > limits.maxRecords) {
    throw new SseHubError(
      'SNAPSHOT_TOO_LARGE',
      `More than ${limits.maxRecords} records match in "${collection}"; narrow the live query with where.<field>= filters or page through GET /collections/${collection}/records`,
      { maxRecords: limits.maxRecords },
    );
  }
  if (bytes > limits.maxBytes) {
    throw new SseHubError(
      'SNAPSHOT_TOO_LARGE',
      `The matching records of "${collection}" hold about ${bytes} bytes; a live snapshot is limited to ${limits.maxBytes} bytes. Narrow the query with where.<field>= filters.`,
      { maxBytes: limits.maxBytes },
    );
  }
}
