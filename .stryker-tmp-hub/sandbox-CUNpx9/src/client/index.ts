/**
 * ssehub/client: subscribe to topics, keep live collections, publish and use the
 * records API, in browsers and Node 20. See docs/client.md.
 */
// @ts-nocheck

export { Backoff, type BackoffOptions, backoffDelay } from './backoff.js';
export { HubClientError } from './client-error.js';
export { isNewer, parsePosition } from './event-order.js';
export type { EventSourceConstructor } from './event-source-stream.js';
export {
  type ClientOptions,
  createClient,
  HubClient,
  type LiveCollectionOptions,
  type SubscribeOptions,
  type Subscription,
} from './hub-client.js';
export { LiveCollection } from './live-collection.js';
export {
  type ChangeEventData,
  type HubRecord,
  type ListOptions,
  matchesWhere,
  type RecordPage,
  type SnapshotData,
  type Where,
} from './records.js';
export type { ReconnectOptions, StreamRole } from './stream.js';
export type { ConnectionStatus, HubEvent, ResetInfo, TransportKind } from './types.js';
