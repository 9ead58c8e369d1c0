// @ts-nocheck
import { SseParser } from '../protocol/parser.js';
import { errorFromResponse, HubClientError } from './client-error.js';
import type { RawEvent } from './types.js';

/**
 * Opens a stream, returns its first event of type `type` and closes the stream.
 * A tab that follows another tab's stream uses it to fetch the initial snapshot
 * of a live collection without keeping a connection open.
 */
export async function fetchFirstEvent(
  fetchImpl: typeof fetch,
  url: string,
  type: string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<RawEvent> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, {
      headers: { Accept: 'text/event-stream', ...headers },
      signal: abort.signal,
      cache: 'no-store',
    });
    if (!response.ok) throw await errorFromResponse(response);
    if (!response.body) throw new HubClientError('NOT_A_STREAM', 'The response has no body', response.status);
    let found: RawEvent | undefined;
    const parser = new SseParser({
      onEvent: (event) => {
        if (!found && event.type === type) found = { id: event.lastEventId, type, data: event.data };
      },
    });
    const reader = response.body.getReader();
    while (!found) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
    if (!found) throw new HubClientError('NETWORK', `The stream ended before a ${type} event`, 0);
    return found;
  } catch (err) {
    if (err instanceof HubClientError) throw err;
    throw new HubClientError('NETWORK', `Cannot read ${url}: ${(err as Error).message}`, 0, undefined, { cause: err });
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
