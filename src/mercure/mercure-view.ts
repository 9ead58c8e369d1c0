import type { Principal } from '../auth/principal.js';
import { permitMatcher } from '../auth/rights.js';
import type { EventView, StreamRequest, ViewProvider } from '../hub/admission.js';
import type { EncodedEvent } from '../hub/encoded-event.js';
import type { StoredEvent } from '../log/event-log.js';
import { encodeMessageBytes } from '../protocol/encoder.js';
import { fromHubTopic } from './hub-topics.js';
import { mercureRights } from './mercure-claim.js';
import { compileSelector, type SelectorMatcher } from './topic-selector.js';

export const MERCURE_ORIGIN = 'mercure';

/** What a Mercure stream asked for, handed to admission as the request's scope. */
export interface MercureScope {
  readonly mercure: {
    /** The `topic` selectors of the subscribe request. */
    readonly selectors: readonly string[];
    /** Native subscribe rights of the identity: native events reach the stream only where these permit. */
    readonly nativeSubscribe: readonly string[];
    /** Selectors of the token's `mercure.subscribe` claim, for private updates; `all` in open mode. */
    readonly privateSelectors: readonly string[] | 'all';
  };
}

export function mercureScopeOf(scope: unknown): MercureScope['mercure'] | undefined {
  if (typeof scope !== 'object' || scope === null || !('mercure' in scope)) return undefined;
  return (scope as MercureScope).mercure;
}

/**
 * The views Mercure gives the hub. A Mercure stream (subscribed to every hub
 * topic) sees the updates one of its selectors matches: public ones, private
 * ones only where the token's `mercure.subscribe` selectors match a topic, and
 * native events where its native rights permit; each framed with the
 * publisher's id (or the hub id) and retry. Native streams of an authenticated
 * hub do not see private Mercure updates unless their token's `mercure` claim
 * would let them. Keys depend only on what decides the result, so the hub
 * filters each event once per (selector set, rights) key.
 */
export function mercureViews(options: { authEnabled: boolean }): ViewProvider {
  return (principal: Principal, request: StreamRequest): EventView | undefined => {
    const scope = mercureScopeOf(request.scope);
    if (scope) return mercureStreamView(scope);
    if (!options.authEnabled || principal.kind === 'open') return undefined;
    return privacyView(mercureRights(principal).subscribe);
  };
}

function mercureStreamView(scope: MercureScope['mercure']): EventView {
  const selectors = [...new Set(scope.selectors)].sort();
  const wanted = anyOf(selectors.map(compileSelector));
  const privates = scope.privateSelectors === 'all' ? () => true : anyOf(scope.privateSelectors.map(compileSelector));
  const native = permitMatcher(scope.nativeSubscribe);
  return {
    key: `mercure|${JSON.stringify(selectors)}|${JSON.stringify(scope.privateSelectors)}|${JSON.stringify([...scope.nativeSubscribe].sort())}`,
    apply: (encoded) => {
      const { event } = encoded;
      const topics = event.topics.map(fromHubTopic);
      if (event.meta?.origin !== MERCURE_ORIGIN) {
        // A native event: as the native API would decide, then by the selectors.
        const visible = event.topics.some((t, i) => (native === undefined || native(t)) && wanted(topics[i] as string));
        return visible ? encoded : undefined;
      }
      // As in the spec: one topic matches a selector and (private) one topic, maybe another, is authorized.
      const visible = topics.some((t) => wanted(t)) && (!event.meta.private || topics.some((t) => privates(t)));
      return visible ? mercureFrame(encoded) : undefined;
    },
  };
}

function privacyView(privateSelectors: readonly string[] | 'all'): EventView | undefined {
  if (privateSelectors === 'all') return undefined;
  const privates = anyOf(privateSelectors.map(compileSelector));
  return {
    key: `mercure-private|${JSON.stringify(privateSelectors)}`,
    apply: (encoded) => {
      const { meta, topics } = encoded.event;
      if (!meta?.private) return encoded;
      return topics.some((t) => privates(fromHubTopic(t))) ? encoded : undefined;
    },
  };
}

/** Mercure frames per event, made once whatever the number of views showing it. */
const framed = new WeakMap<EncodedEvent, EncodedEvent>();

/** The event as Mercure subscribers see it: the publisher's id (or the hub's) and its retry. */
function mercureFrame(encoded: EncodedEvent): EncodedEvent {
  const { meta } = encoded.event;
  if (meta?.externalId === undefined && meta?.retry === undefined) return encoded;
  let frame = framed.get(encoded);
  if (!frame) {
    const event: StoredEvent = encoded.event;
    frame = {
      event,
      frame: encodeMessageBytes({
        id: meta.externalId ?? event.id,
        event: event.type,
        data: event.data,
        retry: meta.retry,
      }),
    };
    framed.set(encoded, frame);
  }
  return frame;
}

function anyOf(matchers: readonly SelectorMatcher[]): SelectorMatcher {
  if (matchers.length === 0) return () => false;
  if (matchers.length === 1) return matchers[0] as SelectorMatcher;
  return (topic) => matchers.some((m) => m(topic));
}
