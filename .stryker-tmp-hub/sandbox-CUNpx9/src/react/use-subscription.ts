// @ts-nocheck
import { useEffect, useRef, useState } from 'react';
import type { ConnectionStatus, HubClient, HubEvent, ResetInfo } from '../client/index.js';
import { useHubClient } from './hub-context.js';

/** Options of {@link useSubscription}. */
export interface UseSubscriptionOptions {
  /** Event types besides `message` (lets browsers use the native EventSource). */
  types?: readonly string[];
  onReset?: (info: ResetInfo) => void;
  client?: HubClient;
}

/**
 * Calls `handler` for every event on `topics` while the component is mounted;
 * returns the connection status. The latest `handler` is always used, so it
 * need not be memoised; the stream reopens only when the topics change.
 */
export function useSubscription(
  topics: string | readonly string[],
  handler: (event: HubEvent) => void,
  options: UseSubscriptionOptions = {},
): ConnectionStatus {
  const hub = useHubClient(options.client);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const latest = useRef({ handler, onReset: options.onReset });
  latest.current = { handler, onReset: options.onReset };
  const topicKey = JSON.stringify(typeof topics === 'string' ? [topics] : [...topics].sort());
  const typesKey = options.types ? JSON.stringify([...options.types].sort()) : '';
  useEffect(() => {
    const subscription = hub.subscribe(JSON.parse(topicKey) as string[], {
      ...(typesKey ? { types: JSON.parse(typesKey) as string[] } : {}),
      onEvent: (event) => latest.current.handler(event),
      onReset: (info) => latest.current.onReset?.(info),
      onStatus: setStatus,
    });
    setStatus(subscription.status);
    return () => subscription.close();
  }, [hub, topicKey, typesKey]);
  return status;
}
