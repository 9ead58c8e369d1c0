import { SseHubError } from '../errors.js';
import type { EventLog, StoredEvent } from '../log/event-log.js';
import type { ChangeEventData, ChangeOp } from './collection-record.js';
import { recordTopic } from './names.js';

interface Waiter {
  op: ChangeOp;
  version: number;
  resolve(event: StoredEvent): void;
}

/**
 * Finds the change event of a write in the log's live feed. A store whose
 * change events reach the log later, through change capture (possibly on
 * another node), registers the write it committed — record topic, op, version,
 * which name exactly one change — before its COMMIT, so the feed cannot deliver
 * the event before someone waits for it.
 *
 * Only events on a topic someone waits for are parsed: with no write pending,
 * the feed costs a map lookup per event.
 */
export class ChangeWaiter {
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #unsubscribe: () => void;
  readonly #timeoutMs: number;

  constructor(log: EventLog, timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#unsubscribe = log.onAppend((events) => {
      for (const event of events) this.#match(event);
    });
  }

  /**
   * Starts waiting for the event of this write; call before the write commits.
   * The promise rejects with CAPTURE_UNAVAILABLE after the timeout (the write
   * itself is committed then: its event will still reach the log).
   */
  expect(
    collection: string,
    id: string,
    op: ChangeOp,
    version: number,
  ): { event: Promise<StoredEvent>; cancel(): void } {
    const topic = recordTopic(collection, id);
    let cancel = () => {};
    const event = new Promise<StoredEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        cancel();
        reject(
          new SseHubError(
            'CAPTURE_UNAVAILABLE',
            `The ${op} of record "${id}" in "${collection}" committed in PostgreSQL, but its change event did not reach the log within ${Math.round(this.#timeoutMs / 1000)} s: change capture is down or behind (see /healthz). The change event will follow when capture resumes; do not repeat the write.`,
            { collection, id, version },
          ),
        );
      }, this.#timeoutMs);
      const waiter: Waiter = {
        op,
        version,
        resolve: (stored) => {
          clearTimeout(timer);
          resolve(stored);
        },
      };
      cancel = () => {
        clearTimeout(timer);
        this.#remove(topic, waiter);
      };
      const list = this.#waiters.get(topic);
      if (list) list.push(waiter);
      else this.#waiters.set(topic, [waiter]);
    });
    return { event, cancel: () => cancel() };
  }

  close(): void {
    this.#unsubscribe();
  }

  #match(event: StoredEvent): void {
    const topic = event.topics[1];
    const list = topic === undefined ? undefined : this.#waiters.get(topic);
    if (!list || topic === undefined) return;
    let change: ChangeEventData;
    try {
      change = JSON.parse(event.data) as ChangeEventData;
    } catch {
      return;
    }
    for (const waiter of list) {
      if (waiter.op === event.type && waiter.version === change.record?.version) {
        this.#remove(topic, waiter);
        waiter.resolve(event);
        return;
      }
    }
  }

  #remove(topic: string, waiter: Waiter): void {
    const list = this.#waiters.get(topic);
    if (!list) return;
    const rest = list.filter((w) => w !== waiter);
    if (rest.length > 0) this.#waiters.set(topic, rest);
    else this.#waiters.delete(topic);
  }
}
