// @ts-nocheck
import type { Closeable, ConnectionStatus, RawEvent } from './types.js';

/** What a stream is asked to open. */
export interface StreamRequest {
  /** Absolute URL of the SSE endpoint, without any resume position. */
  url: string;
  /** Extra request headers (the fetch transport only). */
  headers?: Record<string, string> | undefined;
  /** Resume after this id. */
  lastEventId?: string | undefined;
  /** Event types other than `message` the caller wants (EventSource needs to know them). */
  types: readonly string[];
  /** A fresh token for each connection, sent as `Authorization: Bearer` (the fetch transport only). */
  getToken?: (() => Promise<string>) | undefined;
  /** Where a fresh token for a running stream's session is posted (in-place refresh). */
  sessionUrl?: ((session: string) => string) | undefined;
}

/** Callbacks a stream reports to. */
export interface StreamHandlers {
  onEvent(event: RawEvent): void;
  onStatus(status: ConnectionStatus): void;
  /** The resume position moved (an event's id or an id-only frame). */
  onId?(id: string): void;
  /** The stream gave up for good (a 4xx answer, or the retry budget ran out). */
  onError?(error: Error): void;
  /**
   * A shared stream found another tab leading it: the caller did not see the
   * beginning of the stream and may need to fetch its initial state itself.
   */
  onFollow?(): void;
  /** A shared stream's tab became the leader (holds the connection) or a follower. */
  onRole?(role: StreamRole): void;
}

/** `direct`: this stream has its own connection; `leader`/`follower`: shared across tabs. */
export type StreamRole = 'direct' | 'leader' | 'follower';

/** An open stream that reconnects by itself until closed. */
export interface EventStream extends Closeable {
  /** The position a reconnect resumes from ('' before the first id). */
  readonly lastEventId: string;
  readonly status: ConnectionStatus;
  /** Whether this tab holds the connection (see {@link StreamRole}). */
  readonly role?: StreamRole;
}

/** Reconnect settings common to the transports. */
export interface ReconnectOptions {
  /** Largest delay between attempts (default 30 s). */
  maxDelayMs: number;
  /** Attempts after which the stream gives up and reports `offline` (default: never). */
  maxRetries: number;
  /** Delay base until the server sends `retry:` (default 1 s). */
  initialRetryMs: number;
  random?: (() => number) | undefined;
}

export const defaultReconnect: ReconnectOptions = {
  maxDelayMs: 30_000,
  maxRetries: Number.POSITIVE_INFINITY,
  initialRetryMs: 1_000,
};

/** Opens a stream with a given transport. */
export type StreamOpener = (request: StreamRequest, handlers: StreamHandlers) => EventStream;
