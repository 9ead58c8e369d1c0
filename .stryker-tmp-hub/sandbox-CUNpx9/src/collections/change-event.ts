// @ts-nocheck
import type { EventInput } from '../log/event-log.js';
import type { ChangeEventData, ChangeOp, CollectionRecord } from './collection-record.js';
import { collectionTopic, recordTopic } from './names.js';

/** The log entry announcing one write: type = op, data = {@link ChangeEventData} as JSON. */
export function changeEventInput(
  op: ChangeOp,
  collection: string,
  record: CollectionRecord,
  previous?: CollectionRecord,
): EventInput {
  const data: ChangeEventData = { op, collection, id: record.id, record, ...(previous && { previous }) };
  return {
    topics: [collectionTopic(collection), recordTopic(collection, record.id)],
    type: op,
    data: JSON.stringify(data),
  };
}
