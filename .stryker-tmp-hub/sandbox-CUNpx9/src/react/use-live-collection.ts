// @ts-nocheck
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ConnectionStatus, HubClient, HubRecord, LiveCollection, StreamRole, Where } from '../client/index.js';
import { useHubClient } from './hub-context.js';

/** What {@link useLiveCollection} returns. */
export interface LiveCollectionState<T> {
  /** The records, sorted by id. */
  records: readonly HubRecord<T>[];
  status: ConnectionStatus;
  /** False until the first snapshot arrived. */
  ready: boolean;
  /** Whether this tab holds the connection shared with other tabs (`leader`), uses another tab's (`follower`), or its own (`direct`). */
  role: StreamRole;
  /** Set when the stream gave up (for example, an invalid collection name). */
  error: Error | undefined;
}

const EMPTY: readonly never[] = [];

/**
 * The records of a collection, live: re-renders on every change and on status
 * changes. The stream opens on mount and closes on unmount or when `name` or
 * `where` change.
 */
export function useLiveCollection<T = Record<string, unknown>>(
  name: string,
  where?: Where,
  client?: HubClient,
): LiveCollectionState<T> {
  const hub = useHubClient(client);
  const whereKey = JSON.stringify(where ?? {});
  const [live, setLive] = useState<LiveCollection<T> | undefined>(undefined);
  useEffect(() => {
    const parsed = JSON.parse(whereKey) as Where;
    const collection = hub.liveCollection<T>(name, Object.keys(parsed).length > 0 ? { where: parsed } : {});
    setLive(collection);
    return () => collection.close();
  }, [hub, name, whereKey]);

  const store = useMemo(() => {
    let version = 0;
    return {
      subscribe: (listener: () => void) =>
        live?.subscribe(() => {
          version++;
          listener();
        }) ?? (() => {}),
      version: () => version,
    };
  }, [live]);
  useSyncExternalStore(store.subscribe, store.version, store.version);
  return {
    records: live?.records ?? EMPTY,
    status: live?.status ?? 'connecting',
    ready: live?.ready ?? false,
    role: live?.role ?? 'direct',
    error: live?.error,
  };
}
