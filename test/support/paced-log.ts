import type {
  AppendListener,
  EventInput,
  EventLog,
  LogHealth,
  LogPosition,
  RetentionPolicy,
  StoredEvent,
} from '../../src/log/event-log.js';

/**
 * A test seam around a real log adapter: every `readAfter` first yields to the
 * event loop and runs `beforeRead` (which may publish), so a replay really is
 * interleaved with live appends, as it is on Redis, instead of running in one
 * synchronous stretch as SQLite's does. It can also swap the inner log for a new
 * one, which is how a shared log reports a new epoch (its storage was lost).
 */
export class PacedLog implements EventLog {
  #inner: EventLog;
  readonly #append = new Set<AppendListener>();
  readonly #epoch = new Set<(position: LogPosition) => void>();
  #offInner: (() => void) | undefined;
  /** Runs before each page is read (after a turn of the event loop). */
  beforeRead: ((afterSeq: number, call: number) => void | Promise<void>) | undefined;
  /** How many pages were read from the log (a replay served from memory reads none). */
  reads = 0;

  constructor(inner: EventLog) {
    this.#inner = inner;
  }

  async open(): Promise<void> {
    await this.#inner.open();
    this.#follow();
  }

  #follow(): void {
    this.#offInner?.();
    this.#offInner = this.#inner.onAppend((events) => {
      for (const listener of this.#append) listener(events);
    });
  }

  append(inputs: readonly EventInput[]): Promise<StoredEvent[]> {
    return this.#inner.append(inputs);
  }

  async readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const call = ++this.reads;
    await new Promise((resolve) => setImmediate(resolve));
    await this.beforeRead?.(afterSeq, call);
    return this.#inner.readAfter(afterSeq, limit);
  }

  findExternalId(externalId: string): Promise<number | undefined> {
    return this.#inner.findExternalId(externalId);
  }

  position(): Promise<LogPosition> {
    return this.#inner.position();
  }

  onAppend(listener: AppendListener): () => void {
    this.#append.add(listener);
    return () => this.#append.delete(listener);
  }

  onEpochChange(listener: (position: LogPosition) => void): () => void {
    this.#epoch.add(listener);
    return () => this.#epoch.delete(listener);
  }

  /** The storage is replaced by `next` (a new epoch): listeners hear of it, as from Redis. */
  async replace(next: EventLog): Promise<LogPosition> {
    await next.open();
    this.#inner = next;
    this.#follow();
    const position = await next.position();
    for (const listener of this.#epoch) listener(position);
    return position;
  }

  trim(policy: RetentionPolicy): Promise<number> {
    return this.#inner.trim(policy);
  }

  health(): LogHealth {
    return this.#inner.health();
  }

  async close(): Promise<void> {
    this.#offInner?.();
    await this.#inner.close();
  }
}
