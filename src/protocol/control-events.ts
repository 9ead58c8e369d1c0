/**
 * Event types the hub itself sends to steer clients: `reset` (refetch your state),
 * `snapshot` (the first frame of a live collection) and `session` (reserved for the
 * auth work). Every SDK subscriber acts on them, so a publisher must not be able to
 * send them: publish refuses these types with RESERVED_TYPE, as it refuses topics
 * under `collections/`. Change-event types (`insert`, `update`, `delete`) are not
 * reserved: they only steer clients on the reserved `collections/` topics.
 */
/** The SSE event type of the first frame of a live collection stream. */
export const SNAPSHOT_EVENT = 'snapshot';

export const CONTROL_EVENT_TYPES: ReadonlySet<string> = new Set(['reset', SNAPSHOT_EVENT, 'session']);

export function isControlEventType(type: string): boolean {
  return CONTROL_EVENT_TYPES.has(type);
}
