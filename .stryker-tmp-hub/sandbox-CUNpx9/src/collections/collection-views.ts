// @ts-nocheck
import type { Principal } from '../auth/principal.js';
import { patternsOverlap } from '../auth/rights.js';
import type { EventView, StreamRequest, ViewProvider } from '../hub/admission.js';
import { type EncodedEvent, encodeEvent } from '../hub/encoded-event.js';
import { CollectionAccess, type ReadFilter } from './collection-access.js';
import { type ChangeEventData, type CollectionRecord, matchesWhere, type WhereFilter } from './collection-record.js';
import type { LiveScope } from './live-stream.js';

const CHANGE_TOPICS = 'collections/**';
const CHANGE_PREFIX = 'collections/';

/**
 * The views collections give the hub, so that what a stream receives is decided
 * on the server: a live query sees changes through (read rule ∧ `where`), and
 * `/events` streams that can reach `collections/...` see change events through
 * each collection's read rule (other events pass unchanged). A change that moves
 * a record into a view arrives as an `insert`, out of it as a `delete`, under the
 * same event id. Streams that need no filtering (open or admin principal, no
 * `where`) get no view and keep the shared, unfiltered fan-out.
 *
 * View keys depend only on what decides the result (principal key, collection,
 * `where`), so the hub evaluates a change once per key, however many streams share it.
 */
export function collectionViews(access: CollectionAccess): ViewProvider {
  return (principal: Principal, request: StreamRequest): EventView | undefined => {
    const scope = liveScopeOf(request.scope);
    if (scope) return liveView(access, principal, scope);
    if (CollectionAccess.bypasses(principal)) return undefined;
    // Only streams that can receive change events at all need the (unshared) filtered path.
    const reaches = (patterns: readonly string[]) => patterns.some((p) => patternsOverlap(p, CHANGE_TOPICS));
    if (!reaches(request.topics) || !reaches(principal.rights.subscribe)) return undefined;
    return eventsView(access, principal);
  };
}

function liveView(access: CollectionAccess, principal: Principal, scope: LiveScope): EventView | undefined {
  const readable = access.readFilter(principal, scope.collection);
  const where = normalizeWhere(scope.where);
  const filtered = Object.keys(where).length > 0;
  if (!readable && !filtered) return undefined;
  const visible = (record: CollectionRecord) =>
    (!filtered || matchesWhere(record.data, where)) && (!readable || readable(record));
  return {
    // Principals the read rule cannot tell apart see the same: one key (and one evaluation) for them.
    key: `live|${access.readKey(principal, scope.collection)}|${scope.collection}|${JSON.stringify(where)}`,
    apply: (event) => {
      const change = changeOf(event);
      return change?.collection === scope.collection ? present(event, change, visible) : undefined;
    },
  };
}

function eventsView(access: CollectionAccess, principal: Principal): EventView {
  const filters = new Map<string, ReadFilter>();
  const filterOf = (collection: string): ReadFilter => {
    let filter = filters.get(collection);
    if (!filter) {
      filter = access.readFilter(principal, collection) ?? (() => true);
      filters.set(collection, filter);
    }
    return filter;
  };
  return {
    // The result depends on the event and the principal only, not on the requested patterns.
    key: `events|${principal.key}`,
    apply: (event) => {
      if (!event.event.topics.some((t) => t.startsWith(CHANGE_PREFIX))) return event;
      const change = changeOf(event);
      // Under the reserved prefix only change events are written; anything else is not shown.
      return change ? present(event, change, filterOf(change.collection)) : undefined;
    },
  };
}

/**
 * A change as a stream with this visibility sees it: visible before and after,
 * unchanged; only after, an `insert`; only before, a `delete` of the record as
 * it was last visible; neither, hidden.
 */
function present(
  event: EncodedEvent,
  change: ChangeEventData,
  visible: (record: CollectionRecord) => boolean,
): EncodedEvent | undefined {
  switch (change.op) {
    case 'insert':
      return visible(change.record) ? event : undefined;
    case 'delete':
      return visible(change.record) ? event : undefined;
    case 'update': {
      const after = visible(change.record);
      // Events written before `previous` existed: assume the record may have been
      // visible, so a reader that had it drops it; the delete then names only the id.
      const before = change.previous === undefined ? true : visible(change.previous);
      if (after && before) return event;
      if (after) {
        return reencode(event, { op: 'insert', collection: change.collection, id: change.id, record: change.record });
      }
      if (before) {
        const data: Omit<ChangeEventData, 'record'> & { record?: CollectionRecord } = {
          op: 'delete',
          collection: change.collection,
          id: change.id,
          ...(change.previous && { record: change.previous }),
        };
        return reencode(event, data);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The same event (id, seq, topics) with another type and data, framed once for every stream of the view. */
function reencode(event: EncodedEvent, data: { op: string; [field: string]: unknown }): EncodedEvent {
  return encodeEvent({ ...event.event, type: data.op, data: JSON.stringify(data) });
}

/** Parsed change data by encoded event: parsed once per event, whatever the number of views. */
const parsed = new WeakMap<EncodedEvent, ChangeEventData | null>();

function changeOf(event: EncodedEvent): ChangeEventData | undefined {
  let change = parsed.get(event);
  if (change === undefined) {
    change = null;
    try {
      const data = JSON.parse(event.event.data) as ChangeEventData;
      if (typeof data?.collection === 'string' && typeof data.id === 'string' && typeof data.record === 'object') {
        change = data;
      }
    } catch {
      // not a change event: hidden by the caller
    }
    parsed.set(event, change);
  }
  return change ?? undefined;
}

function liveScopeOf(scope: unknown): LiveScope | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  const { collection, where } = scope as Partial<LiveScope>;
  return typeof collection === 'string' && typeof where === 'object' && where !== null
    ? { collection, where }
    : undefined;
}

/** Field order does not change a filter: `where.a=1&where.b=2` and `where.b=2&where.a=1` share a key. */
function normalizeWhere(where: WhereFilter): WhereFilter {
  return Object.fromEntries(Object.entries(where).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
