import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { SseHubError } from '../errors.js';
import type { Hub } from '../hub/hub.js';
import { MERCURE_ROOT, toHubTopic } from './hub-topics.js';
import type { MercureRights } from './mercure-claim.js';
import { MERCURE_ORIGIN } from './mercure-view.js';
import type { SubscriptionRecord, SubscriptionStore } from './subscription-store.js';
import { anySelectorMatches } from './topic-selector.js';

const JSONLD_CONTEXT = 'https://mercure.rocks/';
const SUBSCRIPTIONS_PATH = '/.well-known/mercure/subscriptions';

/** One open Mercure stream's subscriptions (one per topic selector). */
export interface OpenSubscription {
  close(): void;
}

/**
 * Active subscriptions (`--mercure-subscriptions`): a subscription event
 * (private, JSON-LD) when a stream opens and when it closes, and the
 * subscriptions API listing what is active. The list lives in a
 * {@link SubscriptionStore}: in memory on one node, in Redis for a cluster,
 * so every node answers the API with the same list.
 */
export class MercureSubscriptions {
  readonly #hub: Hub;
  readonly #store: SubscriptionStore;
  readonly #logger: Logger;

  constructor(hub: Hub, store: SubscriptionStore, logger: Logger) {
    this.#hub = hub;
    this.#store = store;
    this.#logger = logger;
  }

  /** Registers a stream's subscriptions and announces them; resolves once every node lists them. */
  async open(selectors: readonly string[], payload: unknown): Promise<OpenSubscription> {
    const subscriber = `urn:uuid:${randomUUID()}`;
    const records = [...new Set(selectors)].map(
      (topic): SubscriptionRecord => ({
        id: `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(topic)}/${encodeURIComponent(subscriber)}`,
        type: 'Subscription',
        topic,
        subscriber,
        active: true,
        ...(payload !== undefined && { payload }),
      }),
    );
    await this.#store.add(records);
    await this.#announce(records);
    let closed = false;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        const inactive = records.map((r) => ({ ...r, active: false }));
        this.#store
          .remove(records)
          // A hub shutting down ends every stream: no events then (the log is closing too).
          .then(() => (this.#hub.closing ? undefined : this.#announce(inactive)))
          .catch((err) => this.#logger.warn({ err }, 'could not record the end of a Mercure subscription'));
      },
    };
  }

  async #announce(records: readonly SubscriptionRecord[]): Promise<void> {
    for (const record of records) {
      await this.#hub.publish(
        {
          topic: toHubTopic(record.id),
          type: undefined,
          data: JSON.stringify({ '@context': JSONLD_CONTEXT, ...record }),
        },
        undefined,
        { root: MERCURE_ROOT, meta: { origin: MERCURE_ORIGIN, private: true } },
      );
    }
  }

  /**
   * `GET /.well-known/mercure/subscriptions[/{topic}[/{subscriber}]]` (`path`
   * starts at `/subscriptions`). The token's `mercure.subscribe` selectors must
   * match the requested URL path, as for the reference hub.
   */
  async respond(res: ServerResponse, path: string, rights: MercureRights): Promise<void> {
    const url = `/.well-known/mercure${path}`;
    if (rights.subscribe !== 'all' && !anySelectorMatches(rights.subscribe, [url])) {
      throw new SseHubError('FORBIDDEN', 'The token\'s "mercure.subscribe" selectors do not match this URL');
    }
    const segments = path.split('/').slice(2);
    if (segments.length > 2 || segments.some((s) => s === '')) {
      throw new SseHubError('NOT_FOUND', `No route for GET ${url}`);
    }
    const [topic, subscriber] = segments.map(decodeSegment);
    const lastEventID = (await this.#hub.historyBounds()).head;
    const all = await this.#store.list();
    const matching = all
      .filter(
        (r) => (topic === undefined || r.topic === topic) && (subscriber === undefined || r.subscriber === subscriber),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const body =
      subscriber !== undefined
        ? matching[0] && { '@context': JSONLD_CONTEXT, ...matching[0], lastEventID }
        : { '@context': JSONLD_CONTEXT, id: url, type: 'Subscriptions', lastEventID, subscriptions: matching };
    if (!body) throw new SseHubError('NOT_FOUND', 'No active subscription has this topic and subscriber');
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': 'application/ld+json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new SseHubError('BAD_REQUEST', 'A path segment is not valid percent-encoding');
  }
}
