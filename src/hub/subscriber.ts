import type { Ticket } from './admission.js';
import type { Connection } from './connection.js';
import type { EncodedEvent } from './encoded-event.js';
import type { CloseReason, StreamKind, StreamReport } from './hub-observer.js';

export type { CloseReason };

export type SubscriberState = 'replaying' | 'live' | 'closed';

/**
 * One client stream. While it replays history it parks live events in `pending`;
 * once live it writes each batch as one chunk. `lastSeq` is the log position up to
 * which the client is complete, so nothing is written twice across the
 * replay/live boundary.
 */
export class Subscriber implements StreamReport {
  static #nextId = 1;
  readonly id = Subscriber.#nextId++;
  /** What the stream was admitted with; replaced when the client hands over a fresh token. */
  ticket: Ticket;
  readonly connection: Connection;
  readonly openedAt: number;
  readonly kind: StreamKind;
  /** Events and bytes written so far (stream logs and metrics). */
  eventsSent = 0;
  bytesSent = 0;
  /** When the maximum connection lifetime ends the stream. */
  readonly lifetimeEndsAt: number;
  state: SubscriberState = 'replaying';
  lastSeq = 0;
  lastWriteAt: number;
  closeReason: CloseReason | undefined;
  /** The id a fresh token is posted to (token-authenticated streams only). */
  session: string | undefined;
  /** Only while replaying: a live stream (most of them, idle for hours) holds no array. */
  #pending: EncodedEvent[] | undefined;
  #pendingBytes = 0;
  readonly #maxBufferBytes: number;

  constructor(options: {
    connection: Connection;
    ticket: Ticket;
    maxBufferBytes: number;
    now: number;
    lifetimeMs: number | undefined;
    kind: StreamKind;
  }) {
    this.kind = options.kind;
    this.connection = options.connection;
    this.ticket = options.ticket;
    this.#maxBufferBytes = options.maxBufferBytes;
    this.openedAt = options.now;
    this.lastWriteAt = options.now;
    // Jitter of ±10% so clients opened together do not all reconnect together.
    this.lifetimeEndsAt =
      options.lifetimeMs === undefined
        ? Number.POSITIVE_INFINITY
        : options.now + options.lifetimeMs * (0.9 + Math.random() * 0.2);
  }

  /** Why the stream must end by `now`, if it must: its lifetime or its token ran out. */
  expiry(now: number): CloseReason | undefined {
    const tokenEnd = this.ticket.principal.expiresAt;
    if (tokenEnd !== undefined && now >= tokenEnd) return 'token-expired';
    if (now >= this.lifetimeEndsAt) return 'lifetime';
    return undefined;
  }

  /**
   * Delivers a batch of matching live events, `chunk` being their frames joined.
   * The same chunk object goes to every subscriber of the same topics.
   */
  deliver(chunk: Buffer, events: readonly EncodedEvent[], now: number): void {
    if (this.state === 'live') {
      const last = (events[events.length - 1] as EncodedEvent).event.seq;
      if (last <= this.lastSeq) return;
      if ((events[0] as EncodedEvent).event.seq <= this.lastSeq) {
        this.#writeEvents(events, now);
        return;
      }
      this.lastSeq = last;
      if (this.write(chunk, now)) this.eventsSent += events.length;
    } else if (this.state === 'replaying') {
      const pending = this.#pending ?? [];
      this.#pending = pending;
      for (const e of events) {
        pending.push(e);
        this.#pendingBytes += e.frame.length;
      }
      if (this.#pendingBytes > this.#maxBufferBytes) this.close('slow-consumer');
    }
  }

  /** Ends the replay: writes parked events newer than `lastSeq` and goes live. */
  goLive(now: number): void {
    if (this.state !== 'replaying') return;
    const pending = this.#pending;
    this.#pending = undefined;
    this.#pendingBytes = 0;
    this.state = 'live';
    if (pending && pending.length > 0) this.#writeEvents(pending, now);
  }

  #writeEvents(events: readonly EncodedEvent[], now: number): void {
    const fresh = events.filter((e) => e.event.seq > this.lastSeq);
    if (fresh.length === 0) return;
    this.lastSeq = (fresh[fresh.length - 1] as EncodedEvent).event.seq;
    const chunk = fresh.length === 1 ? (fresh[0] as EncodedEvent).frame : Buffer.concat(fresh.map((e) => e.frame));
    if (this.write(chunk, now)) this.eventsSent += fresh.length;
  }

  /**
   * Writes raw bytes unless that would push the connection's queue past its bound;
   * then the subscriber is dropped (it resumes from the log when it returns).
   * Memory per connection stays below the bound plus one chunk.
   */
  write(chunk: Buffer, now: number): boolean {
    if (this.state === 'closed') return false;
    if (!this.hasRoomFor(chunk.length)) {
      this.close('slow-consumer');
      return false;
    }
    this.lastWriteAt = now;
    this.bytesSent += chunk.length;
    this.connection.write(chunk);
    return true;
  }

  /**
   * Whether `bytes` more fit under the connection's bound. An empty queue always
   * takes one chunk, so an event larger than the bound still goes out.
   */
  hasRoomFor(bytes: number): boolean {
    const queued = this.connection.bufferedBytes;
    return queued === 0 || queued + bytes <= this.#maxBufferBytes;
  }

  /** Releases the subscriber; `abort` drops queued bytes (slow consumers, errors). */
  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    this.#pending = undefined;
    if (reason === 'slow-consumer' || reason === 'error') this.connection.destroy();
    else this.connection.end();
  }
}
