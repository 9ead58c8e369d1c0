export { Authenticator, type AuthSettings, type Credentials, RIGHTS_CLAIM } from './auth/authenticator.js';
export { DEFAULT_TOKEN_TTL_MS, type MintTokenOptions, mintToken } from './auth/mint-token.js';
export type { Claims, Principal } from './auth/principal.js';
export type { Rights } from './auth/rights.js';
export type {
  ChangeEventData,
  ChangeOp,
  CollectionRecord,
  RecordData,
  WhereFilter,
} from './collections/collection-record.js';
export type {
  CollectionStore,
  CollectionSummary,
  CollectionWrite,
  Snapshot,
} from './collections/collection-store.js';
export {
  type CollectionConfig,
  type CollectionLimits,
  Collections,
  type RecordList,
  type WriteOptions,
} from './collections/collections.js';
export type { CollectionsOptions } from './collections/create-collections.js';
export { SNAPSHOT_EVENT } from './collections/live-stream.js';
export type { JsonSchema, RecordSchema } from './collections/record-schema.js';
export { SqliteCollectionStore } from './collections/sqlite-collection-store.js';
export type { HubConfig, HubOptionsInput } from './config/hub-options.js';
export { type CreateHubOptions, createHub, type RedisConfig, type SseHub } from './create-hub.js';
export { type ErrorCode, errorStatus, SseHubError } from './errors.js';
export { answerClientError } from './http/client-error.js';
export type { HttpRoute, RequestHandler } from './http/handler.js';
export { NodeConnection } from './http/node-connection.js';
export type { HubServer } from './http/transport.js';
export type { EventView, StreamRequest, Ticket, ViewProvider } from './hub/admission.js';
export type { Connection } from './hub/connection.js';
export { Hub, type HubStats, type StartOptions } from './hub/hub.js';
export type { PublishInput } from './hub/publish-input.js';
export { RESET_EVENT, type ResetReason } from './hub/reset.js';
export { formatEventId, parseEventId } from './log/event-id.js';
export type { EventInput, EventLog, LogPosition, RetentionPolicy, StoredEvent } from './log/event-log.js';
export { MemoryEventLog } from './log/memory-log.js';
export { RedisEventLog, type RedisLogOptions } from './log/redis-log.js';
export { SqliteEventLog } from './log/sqlite-log.js';
export { encodeComment, encodeMessage, type SseMessage } from './protocol/encoder.js';
export { type ParsedEvent, SseParser } from './protocol/parser.js';
export { assertTopic, assertTopicPattern, compilePattern } from './protocol/topic.js';
export { CONTROL_EVENTS, SESSION_EVENT, type SessionData } from './protocol/wire.js';
export { type RunningServer, type ServeOptions, serve } from './server.js';
