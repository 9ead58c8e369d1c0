import type { Logger } from 'pino';
import { SseHubError } from '../errors.js';
import type { HttpRoute } from '../http/handler.js';
import type { Hub } from '../hub/hub.js';
import { CollectionAccess } from './collection-access.js';
import { collectionRoutes } from './collection-routes.js';
import type { CollectionStore } from './collection-store.js';
import { collectionViews } from './collection-views.js';
import {
  type CollectionConfig,
  type CollectionLimits,
  Collections,
  DEFAULT_MAX_SNAPSHOT_BYTES,
  DEFAULT_MAX_SNAPSHOT_RECORDS,
} from './collections.js';

export interface CollectionsOptions {
  /** Per-collection settings, e.g. `{ messages: { schema: {...}, rules: { read: 'true' } } }`. */
  collections?: Readonly<Record<string, CollectionConfig>> | undefined;
  /** Bounds of live snapshots (defaults: 10,000 records, 32 MiB). */
  collectionLimits?: Partial<Pick<CollectionLimits, 'maxSnapshotRecords' | 'maxSnapshotBytes'>> | undefined;
}

/** The stores composition can offer collections (create-hub.ts knows which exist). */
export interface CollectionStores {
  /** A store chosen by configuration (the PostgreSQL store, with --postgres). */
  store?: CollectionStore | undefined;
  /**
   * The embedded store in the hub's own SQLite log (records in the same
   * database, so a write and its event commit together), when the hub built one.
   */
  embeddedStore?: (() => CollectionStore) | undefined;
}

/**
 * Live collections for a started hub, on `stores.store` when composition gives
 * one, else on the embedded store. With neither there are no collections:
 * undefined, or INVALID_CONFIG if some were configured.
 */
export async function createCollections(
  hub: Hub,
  options: CollectionsOptions,
  logger?: Logger,
  stores: CollectionStores = {},
): Promise<{ collections: Collections; route: HttpRoute } | undefined> {
  const { store } = stores;
  const embedded = stores.embeddedStore?.();
  // Records already in the embedded store would silently vanish from view behind another store.
  if (store && embedded && (await embedded.collections()).some((c) => c.records > 0)) {
    throw new SseHubError(
      'INVALID_CONFIG',
      'Collections hold records in the embedded SQLite log, but --postgres would keep collections in PostgreSQL and hide them. Start with --no-postgres-collections to keep them in SQLite, or copy them to PostgreSQL first (docs/postgres.md).',
    );
  }
  const chosen = store ?? embedded;
  if (!chosen) {
    if (options.collections && Object.keys(options.collections).length > 0) {
      throw new SseHubError(
        'INVALID_CONFIG',
        'Collections need the embedded SQLite log (single node) or PostgreSQL: add --postgres <url> (also for a cluster on --redis), or remove --ephemeral / the custom log, or the collections option',
      );
    }
    return undefined;
  }
  const limits: CollectionLimits = {
    maxRecordBytes: hub.settings.maxEventBytes,
    maxSnapshotRecords: positive(options.collectionLimits?.maxSnapshotRecords, DEFAULT_MAX_SNAPSHOT_RECORDS),
    maxSnapshotBytes: positive(options.collectionLimits?.maxSnapshotBytes, DEFAULT_MAX_SNAPSHOT_BYTES),
  };
  // A rule that fails at run time denies; it is logged once so a broken rule is seen, not repeated per event.
  const access = new CollectionAccess((collection) => (action, source, err) => {
    logger?.warn(
      { collection, action, rule: source, err: err.message },
      'a collection rule failed while evaluating; treated as deny (logged once per rule)',
    );
  });
  const collections = new Collections(chosen, limits, access);
  await collections.configure(options.collections ?? {});
  // Streams apply read rules and `where` on the server (docs/collections.md).
  // biome-ignore lint/correctness/useHookAtTopLevel: Hub.useViews is a plain method, not a React hook
  hub.useViews(collectionViews(access));
  return { collections, route: collectionRoutes(hub, collections) };
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SseHubError('INVALID_CONFIG', `Collection snapshot limits must be positive integers; got ${value}`);
  }
  return value;
}
