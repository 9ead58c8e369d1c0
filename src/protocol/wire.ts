/**
 * The wire contract shared by the hub and its client SDK: control event names,
 * their payloads and the paths clients call. Both sides import it from here, so
 * the two cannot drift apart.
 */

/** A stream could not resume; its data is {@link ResetData}. */
export const RESET_EVENT = 'reset';
/** A live query's first event: every matching record and the position it was read at. */
export const SNAPSHOT_EVENT = 'snapshot';
/** A token-authenticated stream's session; its data is {@link SessionData}. */
export const SESSION_EVENT = 'session';

/** Event types only the hub sends; publishers may not use them. */
export const CONTROL_EVENTS: readonly string[] = [RESET_EVENT, SNAPSHOT_EVENT, SESSION_EVENT];

/** The data of a `session` event. */
export interface SessionData {
  /** Opaque and unguessable: POST a fresh token to {@link sessionPath}(session) to extend the stream. */
  session: string;
  /** When the stream's token expires (ms since the epoch); the stream ends then unless refreshed. */
  expiresAt: number;
}

/** Where a fresh token for a running stream is posted, relative to the hub's base URL. */
export function sessionPath(session: string): string {
  return `events/sessions/${encodeURIComponent(session)}`;
}

/** `POST /publish` with this Content-Type streams events, one JSON object per line, each line answered. */
export const NDJSON_TYPE = 'application/x-ndjson';

/** The answer to a `POST /publish` batch (a JSON array of events): the ids, in the events' order. */
export interface BatchPublished {
  ids: string[];
}

/**
 * One line of a streaming publish's answer, in the order of the request's lines:
 * the event's id once it is durable, or why that line was refused (nothing written for it).
 * `line` counts the request's lines from 1 (blank lines count, and get no answer).
 */
export type PublishAck =
  | { id: string; line: number; error?: undefined }
  | { error: { code: string; message: string }; line: number; id?: undefined };
