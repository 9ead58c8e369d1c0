import { SseHubError } from '../errors.js';
import type { EventInput } from '../log/event-log.js';
import { assertFieldValue } from '../protocol/encoder.js';
import { assertValueDepth } from '../protocol/json-depth.js';
import { assertTopic } from '../protocol/topic.js';
import { CONTROL_EVENTS } from '../protocol/wire.js';

/** What a publisher sends: `POST /publish` bodies and `hub.publish()` arguments. */
export interface PublishInput {
  topic: string | readonly string[];
  type?: string | undefined;
  /** A string is sent as is; any other JSON value is sent as its JSON text. */
  data: unknown;
}

export interface PublishLimits {
  maxEventBytes: number;
  maxTopicsPerEvent: number;
}

const MAX_TYPE_LENGTH = 128;
/**
 * Topics under these roots are written only by the hub's own features:
 * `collections/` carries collection change events, `db/` captured PostgreSQL
 * changes, `mercure/` Mercure updates whose topics are not hub topics. Native
 * publishers cannot forge them.
 */
const RESERVED_ROOTS: Record<string, string> = {
  collections: 'change events under "collections/" come only from writes to live collections',
  db: 'events under "db/" come only from change capture of PostgreSQL tables',
  mercure: 'topics under "mercure/" are written only through the Mercure endpoint',
};

/** Validates a publish request and turns it into a log entry; throws SseHubError naming the problem. */
export function toEventInput(body: unknown, limits: PublishLimits, ownRoot?: string): EventInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SseHubError('INVALID_BODY', 'The body must be a JSON object: {"topic": "...", "data": ...}');
  }
  const { topic, type, data } = body as Record<string, unknown>;

  if (topic === undefined || topic === null || (Array.isArray(topic) && topic.length === 0)) {
    throw new SseHubError('MISSING_TOPIC', 'The "topic" field is required: a topic name or a non-empty array of them');
  }
  const topics = Array.isArray(topic) ? topic : [topic];
  if (topics.length > limits.maxTopicsPerEvent) {
    throw new SseHubError(
      'TOO_MANY_TOPICS',
      `An event may go to at most ${limits.maxTopicsPerEvent} topics; got ${topics.length}`,
    );
  }
  const unique = topics.length === 1 ? [assertTopic(topics[0])] : [...new Set(topics.map(assertTopic))];
  for (const topic of unique) {
    const slash = topic.indexOf('/');
    const root = slash === -1 ? topic : topic.slice(0, slash);
    const why = Object.hasOwn(RESERVED_ROOTS, root) ? RESERVED_ROOTS[root] : undefined;
    if (why !== undefined && root !== ownRoot) {
      throw new SseHubError('INVALID_TOPIC', `Topic "${topic}" is reserved: ${why}`);
    }
  }

  if (type !== undefined && type !== null) {
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
      throw new SseHubError('INVALID_TYPE', `The "type" field must be a string of 1 to ${MAX_TYPE_LENGTH} characters`);
    }
    try {
      assertFieldValue('event', type);
    } catch {
      throw new SseHubError('INVALID_TYPE', 'The "type" field must not contain CR, LF or NUL characters');
    }
    if (CONTROL_EVENTS.includes(type)) {
      throw new SseHubError(
        'RESERVED_TYPE',
        `The event type "${type}" is reserved: the hub sends it to steer clients, publishers cannot`,
      );
    }
  }

  if (data === undefined) throw new SseHubError('INVALID_DATA', 'The "data" field is required');
  if (typeof data === 'object') assertValueDepth(data);
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  if (text === '') throw new SseHubError('INVALID_DATA', 'The "data" field must not be empty');
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limits.maxEventBytes) {
    throw new SseHubError(
      'PAYLOAD_TOO_LARGE',
      `The event data is ${size} bytes; the limit is ${limits.maxEventBytes} bytes`,
    );
  }
  return { topics: unique, type: (type as string | null | undefined) ?? undefined, data: text };
}
