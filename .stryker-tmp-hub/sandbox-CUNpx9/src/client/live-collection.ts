// @ts-nocheck
import { Backoff } from './backoff.js';
import { isNewer } from './event-order.js';
import { type ChangeEventData, type HubRecord, matchesWhere, type SnapshotData, type Where } from './records.js';
import type { EventStream, StreamHandlers, StreamRole } from './stream.js';
import type { ConnectionStatus, RawEvent, ResetInfo } from './types.js';

/** Event types of a live collection stream. */
export const LIVE_COLLECTION_TYPES = ['snapshot', 'insert', 'update', 'delete', 'reset'] as const;

/** What a LiveCollection needs from the client. */
export interface LiveCollectionDeps {
  /** Opens the live stream (shared across tabs or not). */
  open(handlers: StreamHandlers): EventStream;
  /** Fetches a fresh `snapshot` event with a short-lived request. */
  fetchSnapshot(): Promise<RawEvent>;
  where?: Where | undefined;
  onReset?: ((info: ResetInfo) => void) | undefined;
  onError?: ((error: Error) => void) | undefined;
}

/**
 * The records of a collection kept current: a snapshot, then every change after
 * it. The hub applies `where` and the read rule itself (a record updated out of
 * view arrives as a delete, into view as an insert); the client keeps its cheap
 * `where` check as a safety net for older hubs. A change whose id is not newer than the position
 * already held is ignored, so a replay after a reconnect or a tab hand-over never
 * applies twice. `records` is sorted by id and keeps its identity until something
 * changes (ready for React's useSyncExternalStore).
 */
export class LiveCollection<T = Record<string, unknown>> {
  readonly #deps: LiveCollectionDeps;
  readonly #byId = new Map<string, HubRecord<T>>();
  readonly #listeners = new Set<() => void>();
  readonly #stream: EventStream;
  #sorted: readonly HubRecord<T>[] = [];
  #position = '';
  #ready = false;
  #awaitingSnapshot = false;
  #pending: RawEvent[] = [];
  #status: ConnectionStatus = 'connecting';
  #error: Error | undefined;
  #closed = false;
  #refetch: Promise<void> | undefined;

  constructor(deps: LiveCollectionDeps) {
    this.#deps = deps;
    this.#stream = deps.open({
      onEvent: (event) => this.#onEvent(event),
      onStatus: (status) => this.#setStatus(status),
      onError: (error) => {
        this.#error = error;
        this.#deps.onError?.(error);
        this.#notify();
      },
      onRole: () => this.#notify(),
      onFollow: () => {
        if (!this.#ready) this.#refetchSnapshot();
      },
    });
  }

  /** The current records, sorted by id. */
  get records(): readonly HubRecord<T>[] {
    return this.#sorted;
  }

  /** True once a snapshot has been applied. */
  get ready(): boolean {
    return this.#ready;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** `leader` when this tab holds the stream shared with other tabs, `follower` when another does, else `direct`. */
  get role(): StreamRole {
    return this.#stream.role ?? 'direct';
  }

  /** The log position the records reflect. */
  get position(): string {
    return this.#position;
  }

  /** Set when the stream gave up (e.g. the collection name is invalid). */
  get error(): Error | undefined {
    return this.#error;
  }

  /** One record by id, if it is in the filtered set. */
  get(id: string): HubRecord<T> | undefined {
    return this.#byId.get(id);
  }

  /** Calls `listener` after every change of records or status; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.close();
    this.#listeners.clear();
  }

  #onEvent(event: RawEvent): void {
    if (this.#closed) return;
    switch (event.type) {
      case 'snapshot':
        this.#applySnapshot(event);
        return;
      case 'reset':
        this.#onReset(event);
        return;
      case 'insert':
      case 'update':
      case 'delete':
        if (!this.#ready || this.#awaitingSnapshot) this.#pending.push(event);
        else if (this.#applyChange(event)) this.#commit();
        return;
      default:
        return;
    }
  }

  #applySnapshot(event: RawEvent): void {
    if (this.#ready && event.id !== '' && !isNewer(event.id, this.#position) && event.id !== this.#position) return;
    const snapshot = JSON.parse(event.data) as SnapshotData<T>;
    this.#byId.clear();
    for (const record of snapshot.records) {
      if (matchesWhere(record, this.#deps.where)) this.#byId.set(record.id, record);
    }
    this.#position = event.id || snapshot.position;
    this.#ready = true;
    this.#awaitingSnapshot = false;
    const pending = this.#pending;
    this.#pending = [];
    for (const change of pending) this.#applyChange(change);
    this.#commit();
  }

  /** Applies one change if it is newer than the position held; true when it was. */
  #applyChange(event: RawEvent): boolean {
    if (event.id !== '' && !isNewer(event.id, this.#position)) return false;
    const change = JSON.parse(event.data) as ChangeEventData<T>;
    if (event.id !== '') this.#position = event.id;
    const id = change.id ?? change.record?.id;
    if (change.op === 'delete' || event.type === 'delete') this.#byId.delete(id);
    else if (matchesWhere(change.record, this.#deps.where)) this.#byId.set(id, change.record);
    else this.#byId.delete(id);
    return true;
  }

  #onReset(event: RawEvent): void {
    let info: ResetInfo;
    try {
      info = JSON.parse(event.data) as ResetInfo;
    } catch {
      info = { reason: 'unknown', lastEventId: null, id: event.id };
    }
    this.#deps.onReset?.(info);
    this.#refetchSnapshot();
  }

  /** Gets a fresh snapshot with a short request; changes arriving meanwhile wait in `pending`. */
  #refetchSnapshot(): void {
    this.#awaitingSnapshot = true;
    this.#refetch ??= (async () => {
      const backoff = new Backoff({ baseMs: 500, capMs: 10_000 });
      while (!this.#closed && this.#awaitingSnapshot) {
        try {
          const snapshot = await this.#deps.fetchSnapshot();
          // The stream may have brought a snapshot of its own meanwhile. If not, apply
          // this one even when its id does not compare (a reset may change the epoch):
          // while we wait nothing newer has been applied.
          if (this.#closed || !this.#awaitingSnapshot) return;
          this.#ready = false;
          this.#applySnapshot(snapshot);
        } catch {
          await new Promise((resolve) => setTimeout(resolve, backoff.next()));
        }
      }
    })().finally(() => {
      this.#refetch = undefined;
    });
  }

  #commit(): void {
    this.#sorted = [...this.#byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#notify();
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
