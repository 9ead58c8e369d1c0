// @ts-nocheck
import { isOffline, onOffline, onOnline } from './network-state.js';
import { ReconnectingStream } from './reconnecting-stream.js';
import type { ReconnectOptions, StreamHandlers, StreamRequest } from './stream.js';

/** The constructor of a WHATWG EventSource (the browser's, or a polyfill). */
export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSource;

const CLOSED = 2;

/**
 * A stream on the native EventSource. The browser reconnects by itself after a
 * network error (sending `Last-Event-ID`); when it gives up instead (an HTTP error
 * such as 503 while the hub restarts moves it from CONNECTING to CLOSED), this
 * class opens a new EventSource after a backoff, passing the last id as the
 * `lastEventId` query parameter since a new EventSource cannot set headers.
 * EventSource only reports named events it was told about, hence `types`.
 */
export class EventSourceStream extends ReconnectingStream {
  readonly #EventSource: EventSourceConstructor;
  #source: EventSource | undefined;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #stopListening: Array<() => void>;

  constructor(
    request: StreamRequest,
    handlers: StreamHandlers,
    EventSourceImpl: EventSourceConstructor,
    options: ReconnectOptions,
  ) {
    super(request, handlers, options);
    this.#EventSource = EventSourceImpl;
    this.#stopListening = [onOnline(() => this.#onOnline()), onOffline(() => this.setStatus('offline'))];
    if (isOffline()) this.setStatus('offline');
    else this.#open();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.#timer);
    this.#source?.close();
    for (const stop of this.#stopListening) stop();
  }

  #open(): void {
    this.#timer = undefined;
    if (this.closed) return;
    const url = new URL(this.request.url);
    if (this.resumeId !== '') url.searchParams.set('lastEventId', this.resumeId);
    const source = new this.#EventSource(url.toString());
    this.#source = source;
    source.onopen = () => {
      this.#failures = 0;
      this.backoff.reset();
      this.setStatus('live');
    };
    source.onerror = () => {
      if (this.closed || source !== this.#source) return;
      if (source.readyState === CLOSED) this.#scheduleReopen();
      else this.setStatus(isOffline() ? 'offline' : 'reconnecting');
    };
    const listener = (type: string) => (event: MessageEvent) => {
      if (this.closed || source !== this.#source) return;
      if (event.lastEventId !== '') this.resumeId = event.lastEventId;
      this.handlers.onId?.(event.lastEventId);
      this.handlers.onEvent({ id: event.lastEventId, type, data: String(event.data) });
    };
    for (const type of new Set(['message', ...this.request.types])) {
      source.addEventListener(type, listener(type) as EventListener);
    }
  }

  #scheduleReopen(): void {
    this.#source?.close();
    this.#source = undefined;
    if (this.outOfRetries(++this.#failures)) return;
    this.setStatus(isOffline() ? 'offline' : 'reconnecting');
    if (!isOffline()) this.#timer = setTimeout(() => this.#open(), this.backoff.next());
  }

  #onOnline(): void {
    if (this.closed) return;
    if (this.#source === undefined) {
      clearTimeout(this.#timer);
      this.#open();
    } else if (this.status === 'offline') {
      this.setStatus(this.#source.readyState === 1 ? 'live' : 'reconnecting');
    }
  }
}
