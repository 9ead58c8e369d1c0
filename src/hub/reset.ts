import { encodeMessageBytes } from '../protocol/encoder.js';
import { RESET_EVENT } from '../protocol/wire.js';

export { RESET_EVENT };

/**
 * Why a stream starts (or continues) with a `reset` event instead of replaying:
 * - `unknown-id`: the Last-Event-ID is not an id this log ever gave out;
 * - `history-trimmed`: retention removed events after it;
 * - `log-replaced`: it belongs to another epoch (the log was wiped or replaced);
 * - `source-lost`: change capture lost its source's history (a dropped or invalidated
 *   replication slot, or a replaced database); written into the log on the captured
 *   tables' topics, so live and resuming streams both see it (docs/postgres.md).
 */
export type ResetReason = 'unknown-id' | 'history-trimmed' | 'log-replaced' | 'source-lost';

/**
 * A `reset` event: the client must refetch its state. Its id is the log position
 * the stream continues from, so a later resume starts there.
 */
export function resetFrame(reason: ResetReason, lastEventId: string | undefined, continueFromId: string): Buffer {
  return encodeMessageBytes({
    id: continueFromId,
    event: RESET_EVENT,
    data: JSON.stringify({ reason, lastEventId: lastEventId ?? null, id: continueFromId }),
  });
}
