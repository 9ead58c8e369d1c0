import { CAPTURE_ROOT, tableTopicName } from '../capture/change-events.js';
import { parseWhere } from '../collections/list-query.js';
import { SseHubError } from '../errors.js';
import { type HttpRoute, lastEventIdOf } from '../http/handler.js';
import { methodNotAllowed } from '../http/respond.js';
import type { Hub } from '../hub/hub.js';
import { type LiveTableDeps, openLiveTable } from './live-table-stream.js';

const PREFIX = `/${CAPTURE_ROOT}/`;

/** `GET /db/<table>/live?where.<column>=<value>` for the captured tables (docs/postgres.md). */
export function liveTableRoutes(hub: Hub, tables: readonly string[], deps: LiveTableDeps): HttpRoute {
  const byTopic = new Map(tables.map((t) => [tableTopicName(t), t]));
  return async (req, res, context) => {
    const { url } = context;
    if (!url.pathname.startsWith(PREFIX) || !url.pathname.endsWith('/live')) return false;
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(PREFIX.length, -'/live'.length));
    } catch {
      return false;
    }
    const table = byTopic.get(name);
    const principal = await context.principal();
    if (table === undefined) {
      // Which tables are captured is told only to callers who could read them: the
      // others get the refusal admission gives for a captured table (nothing to probe).
      hub.admit(principal, { topics: [`${CAPTURE_ROOT}/${name}`], clientAddress: context.clientAddress }).cancel();
      throw new SseHubError('NOT_FOUND', `No captured table "${name.slice(0, 80)}" (see --capture)`);
    }
    if (req.method !== 'GET') throw methodNotAllowed('GET');
    await openLiveTable(
      hub,
      deps,
      req,
      res,
      {
        table,
        topic: `${CAPTURE_ROOT}/${name}`,
        where: parseWhere(url.searchParams),
        lastEventId: lastEventIdOf(req, url),
        clientAddress: context.clientAddress,
      },
      principal,
    );
    return true;
  };
}
