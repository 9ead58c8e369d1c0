import { SseParser } from '../protocol/parser.js';
import { SESSION_EVENT } from '../protocol/wire.js';
import { errorFromResponse, HubClientError } from './client-error.js';
import { isOffline, onOnline } from './network-state.js';
import { ReconnectingStream } from './reconnecting-stream.js';
import { SessionRefresher } from './session-refresher.js';
import type { ReconnectOptions, StreamHandlers, StreamRequest } from './stream.js';

/**
 * A stream over `fetch` and a ReadableStream, parsed by the spec-exact SSE parser.
 * Works in Node 20 (which has no EventSource) and in browsers when headers such as
 * Authorization are needed. Reconnects by itself with exponential backoff and full
 * jitter (base: the server's `retry:`), resuming with `Last-Event-ID`.
 */
export class FetchStream extends ReconnectingStream {
  readonly #fetch: typeof fetch;
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  readonly #stopOnline: () => void;
  readonly #refresher: SessionRefresher | undefined;

  constructor(request: StreamRequest, handlers: StreamHandlers, fetchImpl: typeof fetch, options: ReconnectOptions) {
    super(request, handlers, options);
    this.#fetch = fetchImpl;
    this.#stopOnline = onOnline(() => this.#wake?.());
    const { getToken, sessionUrl } = request;
    this.#refresher =
      getToken && sessionUrl ? new SessionRefresher({ fetch: fetchImpl, getToken, sessionUrl }) : undefined;
    void this.#run();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#refresher?.stop();
    this.#stopOnline();
    this.#abort?.abort();
    this.#wake?.();
  }

  async #run(): Promise<void> {
    let failures = 0;
    for (let first = true; !this.closed; first = false) {
      if (isOffline()) {
        this.setStatus('offline');
        await this.#sleep(Number.POSITIVE_INFINITY);
        if (this.closed) return;
      }
      this.setStatus(first ? 'connecting' : 'reconnecting');
      // A busy or rate-limiting hub says when to come back (Retry-After); never sooner than that.
      let serverDelayMs = 0;
      try {
        const received = await this.#connectOnce();
        if (received) {
          failures = 0;
          this.backoff.reset();
        }
      } catch (err) {
        if (this.closed) return;
        if (err instanceof HubClientError && isFatal(err.status)) {
          this.giveUp(err);
          return;
        }
        if (err instanceof HubClientError) serverDelayMs = err.retryAfterMs ?? 0;
      }
      if (this.closed) return;
      if (this.outOfRetries(++failures)) return;
      this.setStatus(isOffline() ? 'offline' : 'reconnecting');
      await this.#sleep(Math.max(this.backoff.next(), Math.min(serverDelayMs, this.options.maxDelayMs)));
    }
  }

  /** One connection, read to its end; true when the server answered with a stream. */
  async #connectOnce(): Promise<boolean> {
    const abort = new AbortController();
    this.#abort = abort;
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...this.request.headers };
    if (this.resumeId !== '') headers['Last-Event-ID'] = this.resumeId;
    let response: Response;
    try {
      if (this.request.getToken) headers.Authorization = `Bearer ${await this.request.getToken()}`;
      response = await this.#fetch(this.request.url, { headers, signal: abort.signal, cache: 'no-store' });
    } catch (err) {
      throw new HubClientError('NETWORK', `Cannot reach ${this.request.url}: ${(err as Error).message}`, 0, undefined, {
        cause: err,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || !response.body) {
      await response.body?.cancel();
      throw new HubClientError('NOT_A_STREAM', `Expected text/event-stream, got ${type || 'no body'}`, response.status);
    }
    this.setStatus('live');
    const parser = new SseParser(
      {
        onEvent: (event) => {
          if (this.closed) return;
          if (event.type === SESSION_EVENT) {
            this.#refresher?.onSessionEvent(event.data);
            return;
          }
          this.handlers.onEvent({ id: event.lastEventId, type: event.type, data: event.data });
        },
        onId: (id) => {
          this.resumeId = id;
          this.handlers.onId?.(id);
        },
        onRetry: (ms) => {
          this.backoff.baseMs = Math.max(ms, 1);
        },
      },
      this.resumeId,
    );
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.closed) break;
        parser.feed(value);
      }
    } catch {
      // the connection broke; the caller reconnects
    } finally {
      parser.end();
      abort.abort();
    }
    return true;
  }

  /** Waits `ms`, or until closed or the browser comes back online. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.#wake = done;
    });
  }
}

/** Client errors other than timeouts and rate limits will not heal by retrying. */
function isFatal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
