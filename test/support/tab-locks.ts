/**
 * The Web Locks API as SharedStream uses it (exclusive locks, waiting in line,
 * abort while waiting), for tabs simulated in one Node process: Node 20 has
 * BroadcastChannel but not `navigator.locks`. Each lock is held until the
 * callback's promise settles, then the next request in line gets it.
 */
export class TabLocks {
  readonly #held = new Set<string>();
  readonly #queues = new Map<string, (() => void)[]>();

  readonly request = (
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: { name: string }) => unknown,
  ): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) return reject(signal.reason);
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#held.add(name);
        Promise.resolve()
          .then(() => callback({ name }))
          .then(resolve, reject)
          .finally(() => this.#release(name));
      };
      const onAbort = () => {
        const queue = this.#queues.get(name) ?? [];
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.#held.has(name)) {
        const queue = this.#queues.get(name) ?? [];
        queue.push(grant);
        this.#queues.set(name, queue);
      } else grant();
    });

  #release(name: string): void {
    this.#held.delete(name);
    const next = this.#queues.get(name)?.shift();
    next?.();
  }
}
