import type { ServerResponse } from 'node:http';

/**
 * node:http keeps a response's header map (one `[name, value]` array per header,
 * under the `kOutHeaders` symbol) and the rendered header text (`_header`, unique
 * per response because of its Date line) for the response's whole life. For an
 * event stream that is about 1.7 KB of an idle stream's ~10 KB, held for hours
 * after the headers went out. Once they are on the wire neither is read again
 * except `_header` for its truthiness (`headersSent`), so both are swapped for
 * shared values. Only done when the internals look as expected; otherwise the
 * response is left alone (costing memory, not correctness).
 */
const SENT = 'sent';
let outHeaders: symbol | null | undefined;

export function releaseSentHeaders(res: ServerResponse): void {
  const internal = res as ServerResponse & { _header?: unknown; _headerSent?: unknown };
  if (internal._headerSent !== true || typeof internal._header !== 'string') return;
  if (outHeaders === undefined) {
    outHeaders = Object.getOwnPropertySymbols(res).find((s) => s.description === 'kOutHeaders') ?? null;
  }
  internal._header = SENT;
  if (outHeaders !== null && outHeaders in res) (res as unknown as Record<symbol, unknown>)[outHeaders] = null;
}
