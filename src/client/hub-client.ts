import { type BatchPublished, sessionPath } from '../protocol/wire.js';
import { errorFromResponse, HubClientError } from './client-error.js';
import { type EventSourceConstructor, EventSourceStream } from './event-source-stream.js';
import { FetchStream } from './fetch-stream.js';
import { fetchFirstEvent } from './first-event.js';
import { toHubEvent } from './hub-event.js';
import { LIVE_COLLECTION_TYPES, LiveCollection } from './live-collection.js';
import { appendWhere, type HubRecord, type ListOptions, type RecordPage, type Where } from './records.js';
import { SharedStream, type TabSharingApis, tabSharingApis } from './shared-stream.js';
import {
  defaultReconnect,
  type EventStream,
  type ReconnectOptions,
  type StreamHandlers,
  type StreamOpener,
  type StreamRequest,
} from './stream.js';
import type { ConnectionStatus, HubEvent, ResetInfo, TransportKind } from './types.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Base URL of the hub, e.g. `https://hub.example.com` (relative to the page in a browser); defaults to the page's origin. */
  url?: string;
  /** Headers for every request (e.g. Authorization). Streams then use the fetch transport. */
  headers?: Record<string, string>;
  /**
   * Returns a valid token for each request and connection (sent as `Authorization:
   * Bearer`). Streams then use the fetch transport and are handed a fresh token
   * ahead of `exp` without reconnecting (docs/client.md).
   */
  getToken?: () => string | Promise<string>;
  /** `auto` (default): EventSource in browsers when possible, fetch otherwise. */
  transport?: TransportKind;
  /** Share one stream per URL among all tabs of the origin (default: true where Web Locks and BroadcastChannel exist). */
  shareAcrossTabs?: boolean;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** An EventSource implementation (default: the global one, if any). */
  EventSource?: EventSourceConstructor;
  /** Reconnect tuning: `maxDelayMs` (30 s), `maxRetries` (never give up), `initialRetryMs` (1 s, until the server's `retry:`). */
  reconnect?: Partial<ReconnectOptions>;
}

/** Callbacks and options of {@link HubClient.subscribe}. */
export interface SubscribeOptions {
  onEvent?: (event: HubEvent) => void;
  /** The hub could not resume: refetch whatever state you derive from the events. */
  onReset?: (info: ResetInfo) => void;
  onStatus?: (status: ConnectionStatus) => void;
  /** The stream gave up for good (a 4xx answer such as INVALID_TOPIC, or the retry budget ran out). */
  onError?: (error: Error) => void;
  /**
   * Event types to receive besides `message`. The native EventSource reports only
   * named types it was told about, so `auto` uses it only when this is given.
   */
  types?: readonly string[];
  /** Resume after this id. */
  lastEventId?: string;
}

/** An open subscription. */
export interface Subscription {
  readonly status: ConnectionStatus;
  /** Where the subscription would resume from. */
  readonly lastEventId: string;
  close(): void;
}

/** Names of live tables in {@link HubClient.liveCollection}: `db/orders`. */
const LIVE_TABLE_PREFIX = 'db/';

/** Options of {@link HubClient.liveCollection}. */
export interface LiveCollectionOptions {
  where?: Where;
  onReset?: (info: ResetInfo) => void;
  onError?: (error: Error) => void;
}

/**
 * A client of one hub: subscriptions, live collections, publishing and the
 * records API. Runs in browsers and in Node 20 (with the fetch transport).
 */
export class HubClient {
  readonly baseUrl: string;
  readonly #headers: Record<string, string> | undefined;
  readonly #transport: TransportKind;
  readonly #sharing: TabSharingApis | undefined;
  readonly #fetch: typeof fetch;
  readonly #EventSource: EventSourceConstructor | undefined;
  readonly #reconnect: ReconnectOptions;
  readonly #getToken: (() => Promise<string>) | undefined;

  constructor(options: ClientOptions = {}) {
    const page = (globalThis as { location?: { href?: string } }).location?.href;
    const base = options.url ?? page;
    if (!base) throw new HubClientError('INVALID_CONFIG', 'createClient needs { url } outside a browser page', 0);
    // In a page, `url` may be relative (`/hub`); without `url` the hub is the page's origin.
    this.baseUrl = options.url === undefined ? new URL('/', base).toString() : new URL(base, page).toString();
    this.#headers = options.headers && Object.keys(options.headers).length > 0 ? { ...options.headers } : undefined;
    this.#transport = options.transport ?? 'auto';
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new HubClientError('INVALID_CONFIG', 'No fetch implementation', 0);
    this.#fetch = fetchImpl.bind(globalThis);
    this.#EventSource =
      options.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource ?? undefined;
    this.#sharing = options.shareAcrossTabs === false ? undefined : tabSharingApis();
    if (options.shareAcrossTabs === true && !this.#sharing) {
      throw new HubClientError('INVALID_CONFIG', 'shareAcrossTabs needs Web Locks and BroadcastChannel', 0);
    }
    this.#reconnect = { ...defaultReconnect, ...options.reconnect };
    const getToken = options.getToken;
    this.#getToken = getToken && (async () => getToken());
  }

  /** Follows one or more topics (`*` matches one segment, `**` the rest). */
  subscribe(topics: string | readonly string[], options: SubscribeOptions = {}): Subscription {
    const url = this.#url('events');
    const list = typeof topics === 'string' ? [topics] : [...topics];
    for (const topic of [...list].sort()) url.searchParams.append('topic', topic);
    const typesKnown = options.types !== undefined;
    const types = [...new Set(['reset', ...(options.types ?? [])])];
    const stream = this.#open({ url: url.toString(), types, lastEventId: options.lastEventId }, typesKnown, {
      onEvent: (raw) => {
        if (raw.type === 'reset') {
          options.onReset?.(parseReset(raw.data, raw.id));
          return;
        }
        options.onEvent?.(toHubEvent(raw));
      },
      onStatus: (status) => options.onStatus?.(status),
      onError: (error) => options.onError?.(error),
    });
    return {
      get status() {
        return stream.status;
      },
      get lastEventId() {
        return stream.lastEventId;
      },
      close: () => stream.close(),
    };
  }

  /**
   * The records of a collection, kept current from its live stream. Close it when done.
   * `db/<table>` follows a captured database table instead (`/db/<table>/live`, docs/postgres.md):
   * its records are `{id: <primary key>, data: <row>}`.
   */
  liveCollection<T = Record<string, unknown>>(name: string, options: LiveCollectionOptions = {}): LiveCollection<T> {
    const path = name.startsWith(LIVE_TABLE_PREFIX)
      ? `${LIVE_TABLE_PREFIX}${encodeURIComponent(name.slice(LIVE_TABLE_PREFIX.length))}/live`
      : `collections/${encodeURIComponent(name)}/live`;
    const url = this.#url(path);
    appendWhere(url, options.where);
    url.searchParams.sort();
    const request = { url: url.toString(), types: LIVE_COLLECTION_TYPES };
    return new LiveCollection<T>({
      open: (handlers) => this.#open(request, true, handlers),
      fetchSnapshot: async () => fetchFirstEvent(this.#fetch, request.url, 'snapshot', await this.#authHeaders()),
      where: options.where,
      onReset: options.onReset,
      onError: options.onError,
    });
  }

  /** Publishes one event; resolves with its id. Non-string data is sent as JSON. */
  async publish(topic: string | readonly string[], data: unknown, type?: string): Promise<string> {
    const body = await this.#request<{ id: string }>('POST', 'publish', { topic, data, ...(type ? { type } : {}) });
    return body.id;
  }

  /**
   * Publishes many events in one request, all durable or none (the hub refuses
   * the whole batch if any event is invalid or not permitted); resolves with
   * their ids in order. At most `maxBatchEvents` (1,000 by default) per call.
   */
  async publishBatch(
    events: readonly { topic: string | readonly string[]; data: unknown; type?: string | undefined }[],
  ): Promise<string[]> {
    const body = await this.#request<BatchPublished>('POST', 'publish', events);
    return body.ids;
  }

  /** Lists records, one page at a time. */
  list<T = Record<string, unknown>>(collection: string, options: ListOptions = {}): Promise<RecordPage<T>> {
    const url = this.#url(this.#recordsPath(collection));
    if (options.limit !== undefined) url.searchParams.set('limit', String(options.limit));
    if (options.cursor) url.searchParams.set('cursor', options.cursor);
    appendWhere(url, options.where);
    return this.#request('GET', url);
  }

  /** Every record matching `where`, following cursors. */
  async listAll<T = Record<string, unknown>>(collection: string, where?: Where): Promise<HubRecord<T>[]> {
    const all: HubRecord<T>[] = [];
    let cursor: string | null | undefined;
    do {
      const page: RecordPage<T> = await this.list<T>(collection, { cursor, limit: 500, ...(where ? { where } : {}) });
      all.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  get<T = Record<string, unknown>>(collection: string, id: string): Promise<HubRecord<T>> {
    return this.#request('GET', this.#recordsPath(collection, id));
  }

  create<T = Record<string, unknown>>(collection: string, data: T): Promise<HubRecord<T>> {
    return this.#request('POST', this.#recordsPath(collection), data);
  }

  /** Shallow-merges `patch` into the record's data (PATCH). */
  update<T = Record<string, unknown>>(collection: string, id: string, patch: Partial<T>): Promise<HubRecord<T>> {
    return this.#request('PATCH', this.#recordsPath(collection, id), patch);
  }

  /** Replaces the record's data (PUT). */
  replace<T = Record<string, unknown>>(collection: string, id: string, data: T): Promise<HubRecord<T>> {
    return this.#request('PUT', this.#recordsPath(collection, id), data);
  }

  remove(collection: string, id: string): Promise<{ id: string; deleted: true }> {
    return this.#request('DELETE', this.#recordsPath(collection, id));
  }

  #recordsPath(collection: string, id?: string): string {
    const base = `collections/${encodeURIComponent(collection)}/records`;
    return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
  }

  #url(path: string): URL {
    return new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
  }

  async #request<R>(method: string, path: string | URL, body?: unknown): Promise<R> {
    const url = typeof path === 'string' ? this.#url(path) : path;
    let response: Response;
    try {
      const headers: Record<string, string> = { Accept: 'application/json', ...(await this.#authHeaders()) };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      response = await this.#fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new HubClientError('NETWORK', `Cannot reach ${url.origin}: ${(err as Error).message}`, 0, undefined, {
        cause: err,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as R;
  }

  /** The configured headers plus, with `getToken`, a fresh Authorization header. */
  async #authHeaders(): Promise<Record<string, string> | undefined> {
    if (!this.#getToken) return this.#headers;
    return { ...this.#headers, Authorization: `Bearer ${await this.#getToken()}` };
  }

  /** Opens a stream with the chosen transport, shared across tabs where possible. */
  #open(request: Omit<StreamRequest, 'headers'>, typesKnown: boolean, handlers: StreamHandlers): EventStream {
    const full: StreamRequest = {
      ...request,
      headers: this.#headers,
      getToken: this.#getToken,
      sessionUrl: (session) => this.#url(sessionPath(session)).toString(),
    };
    const direct = this.#opener(typesKnown);
    if (!this.#sharing) return direct(full, handlers);
    const key = this.#headers ? `${full.url}#${hash(JSON.stringify(this.#headers))}` : full.url;
    return new SharedStream(key, full, handlers, direct, this.#sharing);
  }

  #opener(typesKnown: boolean): StreamOpener {
    const ES = this.#EventSource;
    const useEventSource =
      this.#transport === 'eventsource' ||
      (this.#transport === 'auto' && ES && !this.#headers && !this.#getToken && typesKnown);
    if (useEventSource) {
      if (!ES) throw new HubClientError('INVALID_CONFIG', 'No EventSource in this environment; use transport fetch', 0);
      return (request, handlers) => new EventSourceStream(request, handlers, ES, this.#reconnect);
    }
    return (request, handlers) => new FetchStream(request, handlers, this.#fetch, this.#reconnect);
  }
}

/** Creates a client of the hub at `url`. */
export function createClient(options: ClientOptions = {}): HubClient {
  return new HubClient(options);
}

function parseReset(data: string, id: string): ResetInfo {
  try {
    return JSON.parse(data) as ResetInfo;
  } catch {
    return { reason: 'unknown', lastEventId: null, id };
  }
}

/** FNV-1a, so tabs with different credentials do not share a stream, without putting them in a lock name. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
