import type { EventView, ViewProvider } from './admission.js';

/**
 * Several plug-ins' views as one, applied in the order they were plugged in
 * (collections rewrite change events first; a protocol adapter then hides or
 * re-frames what its clients see). A stream none of them has a view for keeps
 * the shared, unfiltered fan-out; with one view it gets that view unchanged.
 */
export function composeViews(first: ViewProvider | undefined, next: ViewProvider): ViewProvider {
  if (!first) return next;
  return (principal, request) => {
    const a = first(principal, request);
    const b = next(principal, request);
    if (!a) return b;
    if (!b) return a;
    return chain(a, b);
  };
}

function chain(a: EventView, b: EventView): EventView {
  return {
    key: `${a.key}>${b.key}`,
    apply: (event) => {
      const shown = a.apply(event);
      return shown && b.apply(shown);
    },
  };
}
