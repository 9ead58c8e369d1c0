/**
 * The browser's idea of being online, where there is one. In Node (no
 * `navigator.onLine`, no `online` event) the network always counts as up.
 */
// @ts-nocheck

export function isOffline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine === false;
}

/** Calls `listener` when the browser comes back online; returns the unsubscribe function. */
export function onOnline(listener: () => void): () => void {
  return onWindowEvent('online', listener);
}

/** Calls `listener` when the browser goes offline; returns the unsubscribe function. */
export function onOffline(listener: () => void): () => void {
  return onWindowEvent('offline', listener);
}

function onWindowEvent(name: string, listener: () => void): () => void {
  const target = globalThis as {
    addEventListener?: (name: string, listener: () => void) => void;
    removeEventListener?: (name: string, listener: () => void) => void;
  };
  if (
    typeof target.addEventListener !== 'function' ||
    typeof (globalThis as { window?: unknown }).window !== 'object'
  ) {
    return () => {};
  }
  target.addEventListener(name, listener);
  return () => target.removeEventListener?.(name, listener);
}
