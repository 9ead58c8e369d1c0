// @ts-nocheck
import { request } from 'node:http';
import { type ParsedEvent, SseParser } from '../../src/protocol/parser.js';
import { waitUntil } from './wait.js';

/** A raw SSE reader over fetch for tests: records every event, comment, retry and id it sees. */
export interface RecordedStream {
  status: number;
  headers: Headers;
  /** The response body of a refused stream (the JSON error); empty for an accepted one. */
  errorBody: string;
  events: ParsedEvent[];
  comments: string[];
  retries: number[];
  ids: string[];
  closed: Promise<void>;
  /** Resolves when `predicate` holds for the recorded events (polls; rejects after `timeoutMs`). */
  waitFor(predicate: (events: ParsedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openStream(
  baseUrl: string,
  topics: readonly string[],
  options: {
    lastEventId?: string;
    query?: Record<string, string>;
    path?: string;
    /** Extra request headers (Authorization, Cookie). */
    headers?: Record<string, string>;
  } = {},
): Promise<RecordedStream> {
  const url = new URL(options.path ?? '/events', baseUrl);
  for (const topic of topics) url.searchParams.append('topic', topic);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: {
      ...options.headers,
      ...(options.lastEventId !== undefined && { 'last-event-id': options.lastEventId }),
    },
    signal: controller.signal,
  });
  const recorded: RecordedStream = {
    status: res.status,
    headers: res.headers,
    errorBody: res.ok ? '' : await res.text(),
    events: [],
    comments: [],
    retries: [],
    ids: [],
    closed: Promise.resolve(),
    waitFor: (predicate, timeoutMs = 10_000) => waitUntil(() => predicate(recorded.events), timeoutMs),
    close: () => controller.abort(),
  };
  const parser = new SseParser({
    onEvent: (e) => recorded.events.push(e),
    onComment: (c) => recorded.comments.push(c),
    onRetry: (ms) => recorded.retries.push(ms),
    onId: (id) => recorded.ids.push(id),
  });
  if (res.body && res.ok) {
    const body = res.body;
    recorded.closed = (async () => {
      try {
        for await (const chunk of body) parser.feed(chunk);
      } catch {
        // aborted or reset: the test decides what that means
      }
    })();
  }
  return recorded;
}

/**
 * POST /publish on a fresh connection (no keep-alive pool: tests restart servers on
 * the same port, and a pooled socket to the old process would fail).
 */
export function publish(
  baseUrl: string,
  body: unknown,
  init: { contentType?: string; raw?: string; headers?: Record<string, string> } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: { id?: string; error?: { code: string; message: string } };
}> {
  const payload = init.raw ?? JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/publish', baseUrl),
      {
        method: 'POST',
        agent: false,
        headers: {
          ...init.headers,
          'content-type': init.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: JSON.parse(text) });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
