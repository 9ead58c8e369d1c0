import type { Principal } from '../auth/principal.js';
import { patternsOverlap } from '../auth/rights.js';
import {
  CAPTURE_ROOT,
  type CapturedChange,
  keySegment,
  parseCapturedChange,
  tableTopicName,
} from '../capture/change-events.js';
import { TableAccess } from '../capture/table-access.js';
import type { WhereFilter } from '../collections/collection-record.js';
import type { EventView, StreamRequest, ViewProvider } from '../hub/admission.js';
import { type EncodedEvent, encodeEvent } from '../hub/encoded-event.js';
import { RESET_EVENT } from '../protocol/wire.js';
import { type RowVisibility, type ShownChange, showChange } from './present-change.js';

const CAPTURED_TOPICS = `${CAPTURE_ROOT}/**`;
const CAPTURED_PREFIX = `${CAPTURE_ROOT}/`;

/** What a live-table query hands to admission: the view provider reads it. */
export interface LiveTableScope {
  /** `schema.table`. */
  readonly liveTable: string;
  readonly where: WhereFilter;
}

/**
 * The views captured tables give the hub. A live-table stream sees its table's
 * changes as a live collection's (`{op, collection, id, record: {id, data}}`, the
 * format `liveCollection` in the client SDK applies) through `where` ∧ the read
 * rule. `/events` streams that can reach `db/...` see each change of a table with
 * a read rule only if the rule lets them see the row (an update into or out of
 * view arrives as an insert or a delete, under the same id). Other streams, and
 * principals that bypass rules, keep the shared unfiltered fan-out.
 */
export function tableViews(access: TableAccess): ViewProvider {
  return (principal: Principal, request: StreamRequest): EventView | undefined => {
    const scope = liveTableScopeOf(request.scope);
    if (scope) return liveTableView(access, principal, scope);
    if (access.ruled.length === 0 || TableAccess.bypasses(principal)) return undefined;
    const reaches = (patterns: readonly string[]) => patterns.some((p) => patternsOverlap(p, CAPTURED_TOPICS));
    if (!reaches(request.topics) || !reaches(principal.rights.subscribe)) return undefined;
    return eventsView(access, principal);
  };
}

function liveTableView(access: TableAccess, principal: Principal, scope: LiveTableScope): EventView {
  const visible = visibility(access, principal, scope.liveTable, scope.where);
  const where = Object.fromEntries(Object.entries(scope.where).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const collection = `${CAPTURE_ROOT}/${tableTopicName(scope.liveTable)}`;
  return {
    key: `live-table|${access.readKey(principal, scope.liveTable)}|${scope.liveTable}|${JSON.stringify(where)}`,
    apply: (event) => {
      if (event.event.type === RESET_EVENT) return event;
      const change = changeOf(event);
      if (change?.table !== scope.liveTable) return undefined;
      const shown = showChange(change, visible);
      if (!shown) return undefined;
      const id = keySegment(shown.key);
      return reencode(event, shown.op, { op: shown.op, collection, id, record: { id, data: shown.row } });
    },
  };
}

function eventsView(access: TableAccess, principal: Principal): EventView {
  const filters = new Map<string, RowVisibility | undefined>();
  const filterOf = (table: string): RowVisibility | undefined => {
    if (!filters.has(table)) filters.set(table, visibility(access, principal, table, {}));
    return filters.get(table);
  };
  return {
    key: `events-db|${principal.key}`,
    apply: (event) => {
      if (!event.event.topics.some((t) => t.startsWith(CAPTURED_PREFIX))) return event;
      if (event.event.type === RESET_EVENT) return event;
      const change = changeOf(event);
      // Under the reserved root only change events and resets are written; anything else is not shown.
      if (!change) return undefined;
      const visible = filterOf(change.table);
      if (!visible) return event;
      const shown = showChange(change, visible);
      if (!shown) return undefined;
      return shown.rewritten ? reencode(event, shown.op, capturedData(change, shown)) : event;
    },
  };
}

/** Read rule ∧ `where`; undefined when the reader sees every row. */
export function visibility(
  access: TableAccess,
  principal: Principal,
  table: string,
  where: WhereFilter,
): RowVisibility | undefined {
  const rule = access.readFilter(principal, table);
  const fields = Object.entries(where);
  if (!rule && fields.length === 0) return undefined;
  return (row, complete) =>
    fields.every(([column, value]) =>
      Object.hasOwn(row, column) ? JSON.stringify(row[column]) === JSON.stringify(value) : !complete,
    ) &&
    (!rule || rule(row));
}

/** A captured change rewritten into an insert or a delete: the old row goes only with a delete (it was visible). */
function capturedData(change: CapturedChange, shown: ShownChange): Record<string, unknown> {
  const { old: _old, unchanged: _unchanged, ...rest } = change;
  return shown.op === 'delete'
    ? { ...rest, op: 'delete', key: shown.key, row: null, old: shown.row }
    : { ...rest, op: shown.op, row: shown.row, ...(change.unchanged && { unchanged: change.unchanged }) };
}

/** The same event (id, seq, topics) with another type and data, framed once for every stream of the view. */
function reencode(event: EncodedEvent, type: string, data: Record<string, unknown>): EncodedEvent {
  return encodeEvent({ ...event.event, type, data: JSON.stringify(data) });
}

/** Parsed change by encoded event: parsed once per event, whatever the number of views. */
const parsed = new WeakMap<EncodedEvent, CapturedChange | null>();

function changeOf(event: EncodedEvent): CapturedChange | undefined {
  let change = parsed.get(event);
  if (change === undefined) {
    change = parseCapturedChange(event.event.type, event.event.data) ?? null;
    parsed.set(event, change);
  }
  return change ?? undefined;
}

function liveTableScopeOf(scope: unknown): LiveTableScope | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  const { liveTable, where } = scope as Partial<LiveTableScope>;
  return typeof liveTable === 'string' && typeof where === 'object' && where !== null
    ? { liveTable, where }
    : undefined;
}
