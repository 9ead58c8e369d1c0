// @ts-nocheck
import { isNewer } from './event-order.js';
import type { EventStream, StreamHandlers, StreamOpener, StreamRequest, StreamRole } from './stream.js';
import type { ConnectionStatus, RawEvent } from './types.js';

/** The two browser APIs tab sharing needs. */
export interface TabSharingApis {
  locks: LockManager;
  BroadcastChannel: typeof BroadcastChannel;
}

/** What the tabs of one shared stream tell each other. */
type Message =
  | { kind: 'event'; event: RawEvent }
  | { kind: 'id'; id: string }
  | { kind: 'status'; status: ConnectionStatus }
  | { kind: 'hello' }
  | { kind: 'state'; status: ConnectionStatus; lastEventId: string };

/** The brower APIs for tab sharing, when this environment has both. */
export function tabSharingApis(): TabSharingApis | undefined {
  const g = globalThis as { navigator?: { locks?: LockManager }; BroadcastChannel?: typeof BroadcastChannel };
  const locks = g.navigator?.locks;
  if (!locks || typeof locks.request !== 'function' || typeof g.BroadcastChannel !== 'function') return undefined;
  if (typeof (globalThis as { document?: unknown }).document !== 'object') return undefined;
  return { locks, BroadcastChannel: g.BroadcastChannel };
}

/**
 * One stream shared by all tabs of an origin that want the same URL. Browsers
 * allow six HTTP/1.1 connections per origin, so without sharing the seventh tab
 * stalls. Every tab asks for a Web Lock named after the stream; the holder (the
 * leader) opens the real stream and relays what it receives on a
 * BroadcastChannel; the others (followers) listen. When the leader's tab closes,
 * its lock is released and the next tab in line takes over, resuming from the
 * last id it saw, so nothing is lost; events it already had are dropped by id.
 */
export class SharedStream implements EventStream {
  readonly #channel: BroadcastChannel;
  readonly #handlers: StreamHandlers;
  readonly #release = new AbortController();
  #releaseHeld: (() => void) | undefined;
  #leaderStream: EventStream | undefined;
  #isLeader = false;
  #followed = false;
  #closed = false;
  /** Where this tab resumes from if it becomes the leader. */
  #lastEventId: string;
  /** The last event handed to the caller: relayed events up to it are duplicates. */
  #lastDelivered: string;
  #status: ConnectionStatus = 'connecting';

  constructor(key: string, request: StreamRequest, handlers: StreamHandlers, open: StreamOpener, apis: TabSharingApis) {
    this.#handlers = handlers;
    this.#lastEventId = request.lastEventId ?? '';
    this.#lastDelivered = this.#lastEventId;
    const name = `ssehub:${key}`;
    this.#channel = new apis.BroadcastChannel(name);
    this.#channel.onmessage = (message: MessageEvent<Message>) => this.#receive(message.data);
    apis.locks
      .request(name, { signal: this.#release.signal }, () => this.#lead(request, open))
      .catch(() => {
        // AbortError: closed while waiting in line for the lock
      });
    this.#post({ kind: 'hello' });
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** `leader` while this tab holds the lock and runs the real stream. */
  get role(): StreamRole {
    return this.#isLeader ? 'leader' : 'follower';
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release.abort();
    this.#leaderStream?.close();
    this.#releaseHeld?.();
    this.#channel.close();
  }

  /** Runs while this tab holds the lock; the lock is released when the promise settles. */
  #lead(request: StreamRequest, open: StreamOpener): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#isLeader = true;
    this.#handlers.onRole?.('leader');
    const held = new Promise<void>((resolve) => {
      this.#releaseHeld = resolve;
    });
    this.#leaderStream = open(
      { ...request, lastEventId: this.#lastEventId },
      {
        onEvent: (event) => {
          this.#post({ kind: 'event', event });
          this.#deliver(event);
        },
        onId: (id) => {
          if (id !== '') this.#lastEventId = id;
          this.#post({ kind: 'id', id });
        },
        onStatus: (status) => {
          this.#post({ kind: 'status', status });
          this.#setStatus(status);
        },
        onError: (error) => this.#handlers.onError?.(error),
      },
    );
    this.#post({ kind: 'state', status: this.#leaderStream.status, lastEventId: this.#lastEventId });
    return held;
  }

  #receive(message: Message): void {
    if (this.#closed) return;
    if (this.#isLeader) {
      if (message.kind === 'hello') {
        this.#post({ kind: 'state', status: this.#status, lastEventId: this.#lastEventId });
      }
      return;
    }
    switch (message.kind) {
      case 'event':
        this.#deliver(message.event);
        break;
      case 'id':
        this.#advance(message.id);
        break;
      case 'status':
        this.#setStatus(message.status);
        break;
      case 'state':
        this.#advance(message.lastEventId);
        this.#setStatus(message.status);
        if (!this.#followed) {
          this.#followed = true;
          this.#handlers.onFollow?.();
        }
        break;
      case 'hello':
        break;
    }
  }

  #deliver(event: RawEvent): void {
    if (event.id !== '' && !this.#isLeader) {
      if (!isNewer(event.id, this.#lastDelivered)) return;
    }
    if (event.id !== '') {
      this.#lastDelivered = event.id;
      this.#advance(event.id);
    }
    this.#handlers.onEvent(event);
  }

  #advance(id: string): void {
    if (id !== '' && isNewer(id, this.#lastEventId)) this.#lastEventId = id;
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#handlers.onStatus(status);
  }

  #post(message: Message): void {
    if (!this.#closed) this.#channel.postMessage(message);
  }
}
