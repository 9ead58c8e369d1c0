import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Logger, pino } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { guestSecret } from './auth/guest-secret.js';
import { Capture, type CaptureMapping, DEFAULT_MAPPING } from './capture/capture.js';
import {
  type PostgresCaptureConfig,
  type PostgresCaptureInput,
  parsePostgresCapture,
  qualifiedTable,
} from './capture/capture-options.js';
import { changeEvent, sourceLostEvent, sourceLostReset } from './capture/change-events.js';
import { PostgresSource } from './capture/postgres/postgres-source.js';
import { capturedRecordEvent } from './collections/captured-records.js';
import type { CollectionStore } from './collections/collection-store.js';
import type { Collections } from './collections/collections.js';
import { type CollectionsOptions, createCollections } from './collections/create-collections.js';
import { collectionTopic } from './collections/names.js';
import { PostgresCollectionStore } from './collections/postgres-collection-store.js';
import { RECORDS_TABLE } from './collections/postgres-records-table.js';
import { SqliteCollectionStore } from './collections/sqlite-collection-store.js';
import { type HubConfig, type HubOptionsInput, parseHubOptions } from './config/hub-options.js';
import { SseHubError } from './errors.js';
import { guestRoute } from './http/guest-route.js';
import { createRequestHandler, type HttpRoute, type RequestHandler } from './http/handler.js';
import { createPublishLimit } from './http/publish-limit.js';
import { staticFilesRoute } from './http/static-files.js';
import { Hub } from './hub/hub.js';
import type { PublishInput } from './hub/publish-input.js';
import { createLiveTables, tableAccessFor } from './live-tables/create-live-tables.js';
import type { EventLog, StoredEvent } from './log/event-log.js';
import { MemoryEventLog } from './log/memory-log.js';
import { DEFAULT_REDIS_PREFIX } from './log/redis-keys.js';
import { RedisEventLog } from './log/redis-log.js';
import { safeUrl } from './log/safe-url.js';
import { SqliteEventLog } from './log/sqlite-log.js';
import { createMercure } from './mercure/create-mercure.js';
import { createTelemetry, type Telemetry } from './metrics/create-telemetry.js';

export interface CreateHubOptions extends HubOptionsInput, CollectionsOptions {
  /** Extra HTTP routes, tried after the hub's own. */
  routes?: readonly HttpRoute[];
  /**
   * Keep the event log in Redis, shared by every hub process pointed at the same
   * Redis and prefix (cluster mode, docs/cluster.md).
   */
  redis?: RedisConfig | undefined;
  /**
   * PostgreSQL: change capture into `db/<table>` topics, and the collections'
   * store (so collections work in a cluster); docs/postgres.md.
   */
  postgres?: PostgresCaptureInput | undefined;
}

/** Where a clustered hub keeps its shared log. */
export interface RedisConfig {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Key prefix (default `ssehub:`): hubs with the same prefix form one cluster. */
  prefix?: string | undefined;
}

/** An embedded hub: publish from code and mount `handler` on any node:http server. */
export interface SseHub {
  readonly hub: Hub;
  readonly config: HubConfig;
  readonly log: EventLog;
  readonly logger: Logger;
  /** Verifies tokens; `enabled` is false when the hub runs open (no key configured). */
  readonly authenticator: Authenticator;
  /** node:http listener; also Express/Connect middleware (calls `next` for other paths). */
  readonly handler: RequestHandler;
  /** Live collections (docs/collections.md); undefined unless the log is the embedded SQLite log or `postgres` is set. */
  readonly collections: Collections | undefined;
  /** Metrics, the delivery canary and the admin routes (docs/operations.md). */
  readonly telemetry: Telemetry;
  publish(input: PublishInput): Promise<StoredEvent>;
  /** Publishes many events at once, all durable or none (an invalid one fails the whole batch); in order. */
  publishBatch(inputs: readonly PublishInput[]): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

/** Makes sure the data directory exists and is writable, with a message a user can act on. */
export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new SseHubError(
      'INVALID_CONFIG',
      `The data directory ${dir} cannot be used: ${(err as Error).message}. Choose another with --data-dir or SSEHUB_DATA_DIR.`,
      undefined,
      { cause: err },
    );
  }
  return dir;
}

/** The log the hub builds itself, and the collections store that can share its database. */
export interface BuiltInLog {
  log: EventLog;
  /**
   * The embedded collections store on this log (records in the SQLite database,
   * so a write and its event commit together); undefined for the memory log.
   */
  embeddedStore: (() => CollectionStore) | undefined;
}

export function defaultLog(config: HubConfig): BuiltInLog {
  if (config.ephemeral) {
    // The in-memory log is bounded in bytes like the recent-events cache, whose events it shares
    // (0, no cache, leaves it bounded by count only).
    const log = new MemoryEventLog({
      capacity: config.retentionEvents ?? 100_000,
      maxBytes: config.recentEventsBytes || undefined,
    });
    return { log, embeddedStore: undefined };
  }
  const log = new SqliteEventLog({ file: join(prepareDataDir(config.dataDir), 'ssehub.db'), synchronous: config.sync });
  return { log, embeddedStore: () => new SqliteCollectionStore(log) };
}

/** Creates and starts a hub. Configuration is validated here, before anything opens. */
export async function createHub(options: CreateHubOptions = {}): Promise<SseHub> {
  const { routes, collections: collectionConfig, collectionLimits, redis, postgres, ...hubOptions } = options;
  const config = parseHubOptions(hubOptions);
  const captureConfig = postgres ? parsePostgresCapture(postgres) : undefined;
  const logger = options.logger ?? pino({ level: config.logLevel, base: { name: 'ssehub' } });
  // Read rules of captured tables: a bad rule fails with INVALID_CONFIG before anything opens.
  const tableAccess = captureConfig && tableAccessFor(captureConfig, logger);
  if (redis && options.log) throw new SseHubError('INVALID_CONFIG', 'Pass either `redis` or `log`, not both');
  // Only a log built here offers the embedded collections store: a custom or Redis log has none.
  let builtIn: BuiltInLog | undefined;
  let log: EventLog;
  if (options.log) log = options.log;
  else if (redis) log = new RedisEventLog({ url: redis.url, prefix: redis.prefix, logger });
  else {
    builtIn = defaultLog(config);
    log = builtIn.log;
  }
  // Guest tokens are verified like any other HS256 token: with the configured secret, or one kept in the data dir.
  const secret =
    config.jwtSecret ??
    (config.guestAuth ? guestSecret(config.ephemeral ? undefined : prepareDataDir(config.dataDir)) : undefined);
  // Built before anything opens: a bad key or pattern fails with INVALID_CONFIG here.
  const authenticator = new Authenticator({ ...config, jwtSecret: secret });
  const hub = new Hub(
    log,
    {
      ...config,
      // Quotas guard a hub with identities; an open hub on loopback has none to count by.
      maxStreamsPerClient: authenticator.enabled ? config.maxStreamsPerClient : undefined,
      retention: { maxEvents: config.retentionEvents, maxAgeMs: config.retentionAgeMs },
    },
    logger,
  );
  await hub.start();
  let postgresParts: PostgresParts | undefined;
  let collections: Awaited<ReturnType<typeof createCollections>>;
  try {
    postgresParts =
      captureConfig && tableAccess && (await preparePostgres(captureConfig, log, logger, tableAccess.ruled));
    collections = await createCollections(hub, { collections: collectionConfig, collectionLimits }, logger, {
      store: postgresParts?.store,
      embeddedStore: builtIn?.embeddedStore,
    });
  } catch (err) {
    await postgresParts?.close();
    await hub.close();
    throw err;
  }
  let capture: Capture | undefined;
  let liveTables: ReturnType<typeof createLiveTables> | undefined;
  if (captureConfig && tableAccess && postgresParts) {
    capture = postgresParts.capture;
    try {
      await capture.start();
    } catch (err) {
      await capture.close().catch(() => {});
      await postgresParts.close();
      await hub.close();
      throw err;
    }
    // After collections (their views first), before Mercure (its view applies to what these let through).
    liveTables = createLiveTables(hub, {
      url: captureConfig.url,
      // The user's tables only: the records table is shown as collections, under their rules.
      tables: postgresParts.userTables,
      access: tableAccess,
      progress: capture,
      maxSnapshotRows: collectionLimits?.maxSnapshotRecords,
      maxSnapshotBytes: collectionLimits?.maxSnapshotBytes,
    });
  }
  // Collections first: a plugged-in catch-all (such as the web app) must not shadow /collections.
  // The message board (web/dist, built by `npm run build`) is served at `/` when present, last.
  const webApp = staticFilesRoute(fileURLToPath(new URL('../web/dist/', import.meta.url)));
  const guests =
    config.guestAuth && secret !== undefined
      ? guestRoute({
          secret,
          ttlMs: config.guestTokenTtlMs,
          subscribe: config.guestSubscribe,
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
        })
      : undefined;
  const telemetry = createTelemetry(hub, {
    metrics: config.metrics,
    canaryIntervalMs: config.canaryIntervalMs,
    adminPage: fileURLToPath(new URL('../web/dist/admin.html', import.meta.url)),
    captureLag: capture,
    logger,
  });
  // Mercure after collections: its view applies to what collection views let through.
  const mercure = config.mercure
    ? createMercure(hub, {
        authenticator,
        anonymous: config.mercureAnonymous,
        subscriptions: config.mercureSubscriptions,
        corsOrigins: config.corsOrigins,
        redis: redis && { url: redis.url, prefix: redis.prefix ?? DEFAULT_REDIS_PREFIX },
        logger,
      })
    : undefined;
  const allRoutes = [
    telemetry.route,
    ...(guests ? [guests] : []),
    ...(collections ? [collections.route] : []),
    ...(liveTables ? [liveTables.route] : []),
    ...(mercure ? [mercure.route] : []),
    ...(routes ?? []),
    ...(webApp ? [webApp] : []),
  ];
  const health =
    redis || capture
      ? () => ({
          ...(redis && { redis: { url: safeUrl(redis.url), prefix: redis.prefix ?? DEFAULT_REDIS_PREFIX } }),
          ...(capture && { capture: capture.health() }),
        })
      : undefined;
  const handler = createRequestHandler(hub, {
    routes: allRoutes,
    corsOrigins: config.corsOrigins,
    basePath: config.basePath,
    authenticator,
    trustProxy: config.trustProxy,
    // Like the stream quota: an open hub on loopback has no identities to count by.
    publishLimit:
      authenticator.enabled && config.publishRate > 0
        ? createPublishLimit({ perSecond: config.publishRate, burst: config.publishBurst })
        : undefined,
    allowedHosts: config.allowedHosts,
    logger,
    onError: telemetry.onRequestError,
    ...(health && { health }),
    ...(mercure && {
      formPaths: [mercure.formPath],
      link: `<${config.basePath ?? ''}${mercure.formPath}>; rel="mercure"`,
    }),
  });
  return {
    hub,
    config,
    log,
    logger,
    authenticator,
    handler,
    collections: collections?.collections,
    telemetry,
    publish: (input) => hub.publish(input),
    publishBatch: (inputs) => hub.publishBatch(inputs),
    close: async () => {
      telemetry.stop();
      await mercure?.close();
      await capture?.close();
      await liveTables?.close();
      await postgresParts?.close();
      await hub.close();
    },
  };
}

/** How long a collection snapshot waits for capture to store what committed before it. */
const CAPTURE_WAIT_MS = 10_000;

interface PostgresParts {
  /** Undefined with `collections: false`: collections stay on the embedded log. */
  store: PostgresCollectionStore | undefined;
  /** Built, not started: it starts once the collections' tables exist. */
  capture: Capture;
  /** The captured tables the user named (`schema.table`), without the records table. */
  userTables: string[];
  close(): Promise<void>;
}

/**
 * With --postgres: change capture, and the collections store in PostgreSQL
 * (tables created before capture checks them). Capture is the store's
 * "wait until stored" capability (a snapshot waits for capture to store what
 * committed before it), and its mapping turns the records table's rows into
 * collection change events and a lost source into a `reset` for the captured
 * tables and every collection.
 */
async function preparePostgres(
  config: PostgresCaptureConfig,
  log: EventLog,
  logger: Logger,
  fullIdentity: readonly string[],
): Promise<PostgresParts> {
  const checkpoints = log.checkpoints;
  if (!checkpoints) {
    throw new SseHubError(
      'INVALID_CONFIG',
      'PostgreSQL capture and collections need a durable log with checkpoints (SQLite or Redis): remove --ephemeral',
    );
  }
  const key = `postgres:${config.slot}`;
  const userTables = [...new Set(config.capture.map(qualifiedTable))].filter(
    (t) => !config.collections || t !== RECORDS_TABLE,
  );
  const captureOf = (tables: string[], mapping: CaptureMapping) =>
    new Capture(
      new PostgresSource({
        url: config.url,
        tables,
        slot: config.slot,
        publication: config.publication,
        fullIdentity,
        logger,
      }),
      checkpoints,
      logger,
      key,
      mapping,
    );
  if (!config.collections) {
    if (userTables.length === 0) {
      throw new SseHubError(
        'INVALID_CONFIG',
        'With collections kept out of PostgreSQL, --postgres is for capture only: name the tables with --capture',
      );
    }
    return { store: undefined, capture: captureOf(userTables, DEFAULT_MAPPING), userTables, close: async () => {} };
  }
  const store: PostgresCollectionStore = new PostgresCollectionStore({
    url: config.url,
    log,
    // Capture reads the checkpoint from the log (shared on Redis), so this holds on every node, consuming or not.
    barrier: { reach: (lsn) => capture.waitStored(lsn, CAPTURE_WAIT_MS) },
  });
  const capture = captureOf([...userTables, RECORDS_TABLE], {
    // The records table is never shown raw on db/ topics: its rows are collection changes, under their read rules.
    event: (change, stamp) =>
      change.table === RECORDS_TABLE ? capturedRecordEvent(change) : changeEvent(change, stamp),
    lost: async (_tables, why) => {
      const names = (await store.collections()).map((c) => collectionTopic(c.name));
      return [
        ...(userTables.length > 0 ? [sourceLostEvent(userTables, why)] : []),
        ...(names.length > 0 ? [sourceLostReset(names, why)] : []),
      ];
    },
  });
  const close = () => store.close().catch(() => {});
  try {
    await store.open();
  } catch (err) {
    await close();
    throw err;
  }
  return { store, capture, userTables, close };
}
