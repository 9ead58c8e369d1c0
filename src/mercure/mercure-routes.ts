import type { IncomingMessage, ServerResponse } from 'node:http';
import { forbidden } from '../auth/access.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { refused } from '../auth/token-verifier.js';
import { SseHubError } from '../errors.js';
import { cookieValue } from '../http/credentials.js';
import type { HttpRoute, RequestContext } from '../http/handler.js';
import { NodeConnection } from '../http/node-connection.js';
import { assertTrustedOrigin } from '../http/request-guard.js';
import { methodNotAllowed, readTextBody } from '../http/respond.js';
import type { Hub } from '../hub/hub.js';
import { assertFieldValue } from '../protocol/encoder.js';
import { MAX_TOPIC_LENGTH } from '../protocol/topic.js';
import { MERCURE_ROOT, toHubTopic } from './hub-topics.js';
import { mercureRights } from './mercure-claim.js';
import { MERCURE_ORIGIN, type MercureScope } from './mercure-view.js';
import type { MercureSubscriptions, OpenSubscription } from './subscriptions.js';
import { everyTopicMatched } from './topic-selector.js';

/** The well-known path of the Mercure hub (the spec fixes it). */
export const MERCURE_PATH = '/.well-known/mercure';
/** The cookie Mercure subscribers in browsers send their token in. */
export const MERCURE_COOKIE = 'mercureAuthorization';
/** The `Last-Event-ID` value that asks for all retained history. */
const EARLIEST = 'earliest';
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export interface MercureRouteOptions {
  authenticator: Authenticator;
  /** Subscribers without a token receive public updates (`--mercure-anonymous`). */
  anonymous: boolean;
  /** Origins allowed in `--cors` (cookie-authenticated publishes must come from one, or from the hub). */
  corsOrigins: readonly string[] | undefined;
  subscriptions: MercureSubscriptions | undefined;
}

/**
 * The Mercure protocol on ssehub: `GET /.well-known/mercure` subscribes, `POST`
 * publishes, `/.well-known/mercure/subscriptions[...]` lists active
 * subscriptions. Streams go through the hub's one admission step and fan-out;
 * this adapter only translates (docs/mercure.md).
 */
export function mercureRoutes(hub: Hub, options: MercureRouteOptions): HttpRoute {
  const maxBody = hub.settings.maxEventBytes * 2 + 16 * 1024;

  async function identify(req: IncomingMessage, required: boolean): Promise<Principal> {
    const { authenticator } = options;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const cookie = cookieValue(req.headers.cookie, MERCURE_COOKIE);
    // The spec: an Authorization header wins over the cookie.
    const token = bearer ?? cookie;
    if (token === undefined) {
      if (authenticator.enabled && required) {
        throw refused('TOKEN_MISSING', `Send a JWT as Authorization: Bearer or in the ${MERCURE_COOKIE} cookie`);
      }
      return authenticator.authenticate({});
    }
    return authenticator.verify(token);
  }

  async function subscribe(req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> {
    const { url } = context;
    const selectors = url.searchParams.getAll('topic');
    if (selectors.length === 0) {
      throw new SseHubError('MISSING_TOPIC', 'Name at least one topic selector: /.well-known/mercure?topic=...');
    }
    if (selectors.length > hub.settings.maxTopicsPerConnection) {
      throw new SseHubError(
        'TOO_MANY_TOPICS',
        `A subscription may have at most ${hub.settings.maxTopicsPerConnection} topic selectors; got ${selectors.length}`,
      );
    }
    const principal = await identify(req, !options.anonymous);
    const rights = mercureRights(principal);
    const requested =
      headerValue(req.headers['last-event-id']) ??
      url.searchParams.get('lastEventID') ??
      url.searchParams.get('lastEventId') ??
      undefined;
    const { from, headerId } = await resumePoint(hub, requested);
    const scope: MercureScope = {
      mercure: { selectors, nativeSubscribe: principal.rights.subscribe, privateSelectors: rights.subscribe },
    };
    // Mercure streams follow every hub topic: the view, keyed by (selectors, rights), decides what shows.
    const streamPrincipal: Principal = Object.freeze({
      ...principal,
      rights: Object.freeze({ ...principal.rights, subscribe: ['**'] }),
      key: `mercure|${principal.key}`,
    });
    const ticket = hub.admit(streamPrincipal, {
      topics: ['**'],
      lastEventId: from,
      clientAddress: context.clientAddress,
      scope,
    });
    let subscription: OpenSubscription | undefined;
    try {
      // Listed on every node before the stream's first byte, so a client that sees its stream open is listed.
      subscription = await options.subscriptions?.open(selectors, rights.payload);
    } catch (err) {
      ticket.cancel();
      throw err;
    }
    const connection = new NodeConnection(req, res, { 'Last-Event-ID': headerId });
    if (subscription) connection.onClose(() => subscription.close());
    await hub.startStream(ticket, connection);
  }

  async function publish(req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> {
    const type = req.headers['content-type'];
    if (type === undefined || !FORM_TYPE.test(type)) {
      throw new SseHubError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Publish to the Mercure endpoint as application/x-www-form-urlencoded; got ${type ?? 'no Content-Type'}`,
      );
    }
    // A browser sends the cookie by itself, also when another site's form posts here.
    if (req.headers.authorization === undefined && cookieValue(req.headers.cookie, MERCURE_COOKIE) !== undefined) {
      assertTrustedOrigin(req, options.corsOrigins);
    }
    const principal = await identify(req, true);
    await context.countPublish();
    const form = new URLSearchParams(await readTextBody(req, maxBody));
    const update = parseUpdate(form);
    const allowed = mercureRights(principal).publish;
    if (allowed !== 'all' && !everyTopicMatched(allowed, update.topics)) {
      throw forbidden(principal, 'The token\'s "mercure.publish" selectors do not match every topic of the update');
    }
    const hubTopics = [...new Set(update.topics.map(toHubTopic))];
    // The hub checks native publish rights: these are exactly the topics the Mercure claim allowed.
    const publisher: Principal = Object.freeze({
      ...principal,
      rights: Object.freeze({ ...principal.rights, publish: hubTopics }),
      key: `mercure-publish|${principal.key}`,
    });
    const event = await hub.publish({ topic: hubTopics, type: update.type, data: update.data }, publisher, {
      root: MERCURE_ROOT,
      meta: {
        origin: MERCURE_ORIGIN,
        ...(update.private && { private: true as const }),
        externalId: update.id,
        retry: update.retry,
      },
    });
    const id = update.id ?? event.id;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(id) });
    res.end(id);
  }

  return async (req, res, context) => {
    const { pathname } = context.url;
    if (pathname === MERCURE_PATH) {
      if (req.method === 'GET') await subscribe(req, res, context);
      else if (req.method === 'POST') await publish(req, res, context);
      else throw methodNotAllowed('GET, POST');
      return true;
    }
    if (pathname.startsWith(`${MERCURE_PATH}/subscriptions`) && options.subscriptions) {
      if (req.method !== 'GET') throw methodNotAllowed('GET');
      const principal = await identify(req, true);
      await options.subscriptions.respond(res, pathname.slice(MERCURE_PATH.length), mercureRights(principal));
      return true;
    }
    return false;
  };
}

interface Update {
  topics: string[];
  data: string;
  id: string | undefined;
  type: string | undefined;
  retry: number | undefined;
  private: boolean;
}

function parseUpdate(form: URLSearchParams): Update {
  const topics = form.getAll('topic');
  if (topics.length === 0) throw new SseHubError('MISSING_TOPIC', 'An update needs at least one "topic" field');
  for (const topic of topics) {
    if (topic === '' || toHubTopic(topic).length > MAX_TOPIC_LENGTH) {
      throw new SseHubError(
        'INVALID_TOPIC',
        `Mercure topics must be non-empty and short enough to be stored in ${MAX_TOPIC_LENGTH} characters once encoded (about ${Math.floor(((MAX_TOPIC_LENGTH - MERCURE_ROOT.length - 1) * 3) / 4)} bytes)`,
      );
    }
  }
  const id = form.get('id') ?? undefined;
  if (id !== undefined) {
    if (id === '' || id === EARLIEST || id.startsWith('#')) {
      throw new SseHubError('INVALID_FIELD', `The "id" must be non-empty, not "${EARLIEST}" and not start with "#"`, {
        field: 'id',
      });
    }
    assertFieldValue('id', id);
  }
  const retryText = form.get('retry') ?? undefined;
  let retry: number | undefined;
  if (retryText !== undefined) {
    retry = Number(retryText);
    if (!/^\d{1,9}$/.test(retryText)) {
      throw new SseHubError('INVALID_FIELD', 'The "retry" field must be a non-negative integer (milliseconds)', {
        field: 'retry',
      });
    }
  }
  return {
    topics,
    data: form.get('data') ?? '',
    id,
    type: form.get('type') || undefined,
    retry,
    private: form.has('private'),
  };
}

/**
 * Where a Mercure stream resumes: `earliest` is the start of retained history, a
 * publisher's id maps to the position it was stored at, a hub id is used as is.
 * `headerId` is what the `Last-Event-ID` response header reports: the id resumed
 * from, or the newest event's when the stream starts fresh (also when the id is
 * unknown or too old: the stream then begins with a `reset`).
 */
async function resumePoint(
  hub: Hub,
  requested: string | undefined,
): Promise<{ from: string | undefined; headerId: string }> {
  const bounds = await hub.historyBounds();
  if (requested === undefined || requested === '') return { from: undefined, headerId: bounds.head };
  if (requested === EARLIEST) return { from: bounds.earliest, headerId: EARLIEST };
  const from = (await hub.eventIdOf(requested)) ?? requested;
  const problem = await hub.resumeProblem(from);
  return { from, headerId: problem ? bounds.head : requested };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
