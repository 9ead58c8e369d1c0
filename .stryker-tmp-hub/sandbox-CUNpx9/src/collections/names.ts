// @ts-nocheck
import { SseHubError } from '../errors.js';

/** Collection names: lower-case, start with a letter, at most 64 characters. */
export const COLLECTION_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
/** Record ids: URL-safe, 1 to 64 characters (the server generates them; see record-id.ts). */
export const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws INVALID_COLLECTION unless `name` is a valid collection name. */
export function assertCollectionName(name: string): string {
  if (!COLLECTION_NAME.test(name)) {
    throw new SseHubError(
      'INVALID_COLLECTION',
      `Collection names match ${COLLECTION_NAME.source} (lower-case letter first, then a-z, 0-9, "_" or "-"); got ${JSON.stringify(name.slice(0, 80))}`,
    );
  }
  return name;
}

/** Throws INVALID_RECORD_ID unless `id` is a valid record id. */
export function assertRecordId(id: string): string {
  if (!RECORD_ID.test(id)) {
    throw new SseHubError(
      'INVALID_RECORD_ID',
      `Record ids match ${RECORD_ID.source}; got ${JSON.stringify(id.slice(0, 80))}`,
    );
  }
  return id;
}

/** The topic every change of a collection is published to. */
export function collectionTopic(collection: string): string {
  return `collections/${collection}`;
}

/** The topic the changes of one record are (also) published to. */
export function recordTopic(collection: string, id: string): string {
  return `collections/${collection}/${id}`;
}
