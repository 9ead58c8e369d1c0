// @ts-nocheck
import type { AppendListener, StoredEvent } from './event-log.js';

/** The set of live-feed listeners a log adapter notifies after each append. */
export class AppendListeners {
  #listeners = new Set<AppendListener>();

  add(listener: AppendListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) listener(events);
  }
}
