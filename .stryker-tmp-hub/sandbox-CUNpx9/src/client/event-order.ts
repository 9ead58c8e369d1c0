/**
 * Ordering of event ids. Ids are `<epoch>-<seq>` and opaque for resuming, but a
 * client that de-duplicates (live collections, tab hand-over) must know whether
 * an id is newer than one it already has. Ids of different epochs are unordered:
 * the log was replaced, so the newest-seen rule does not apply.
 */
// @ts-nocheck

export interface EventPosition {
  epoch: string;
  seq: number;
}

const ID = /^([0-9a-z]+)-(\d+)$/;

/** Parses an id into epoch and sequence; undefined for ids of another shape. */
export function parsePosition(id: string): EventPosition | undefined {
  const match = ID.exec(id);
  if (!match) return undefined;
  return { epoch: match[1] as string, seq: Number(match[2]) };
}

/**
 * True when `id` is strictly after `than`. An empty `than` means "nothing seen"
 * (every id is newer); ids from another epoch or of an unknown shape count as newer,
 * since they cannot be compared and dropping an event is worse than applying it twice.
 */
export function isNewer(id: string, than: string | undefined): boolean {
  if (!than) return true;
  const a = parsePosition(id);
  const b = parsePosition(than);
  if (!a || !b || a.epoch !== b.epoch) return id !== than;
  return a.seq > b.seq;
}
