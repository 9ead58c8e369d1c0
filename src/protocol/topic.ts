import { SseHubError } from '../errors.js';

/**
 * Topics are `/`-separated names such as `chat/room-1`. A subscription pattern may
 * use `*` for exactly one segment and `**` (last segment only) for any rest,
 * including nothing: `orders/**` matches `orders`, `orders/1` and `orders/1/lines`.
 */
export type TopicMatcher = (topic: string) => boolean;

export const MAX_TOPIC_LENGTH = 256;
const SEGMENT = /^[^\s*/\0]+$/u;
/** A concrete topic in one test: the common case skips splitting into segments. */
const CONCRETE = /^[^\s*/\0]+(?:\/[^\s*/\0]+)*$/u;

function describe(topic: string): string {
  return JSON.stringify(topic.length > 80 ? `${topic.slice(0, 80)}…` : topic);
}

function checkShape(topic: unknown, allowWildcards: boolean): string {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new SseHubError('INVALID_TOPIC', 'A topic must be a non-empty string');
  }
  if (topic.length > MAX_TOPIC_LENGTH) {
    throw new SseHubError('INVALID_TOPIC', `Topic ${describe(topic)} is longer than ${MAX_TOPIC_LENGTH} characters`);
  }
  if (CONCRETE.test(topic)) return topic;
  const segments = topic.split('/');
  segments.forEach((segment, index) => {
    if (segment === '*' || segment === '**') {
      if (!allowWildcards) {
        throw new SseHubError(
          'INVALID_TOPIC',
          `Topic ${describe(topic)} contains the wildcard "${segment}"; events are published to concrete topics only`,
        );
      }
      if (segment === '**' && index !== segments.length - 1) {
        throw new SseHubError('INVALID_TOPIC', `In ${describe(topic)}, "**" may only be the last segment`);
      }
      return;
    }
    if (!SEGMENT.test(segment)) {
      throw new SseHubError(
        'INVALID_TOPIC',
        `Topic ${describe(topic)} has an invalid segment: segments are non-empty and contain no whitespace, "*", "/" or NUL`,
      );
    }
  });
  return topic;
}

/** Validates a concrete topic, as used when publishing. */
export function assertTopic(topic: unknown): string {
  return checkShape(topic, false);
}

/** Validates a subscription pattern (wildcards allowed). */
export function assertTopicPattern(pattern: unknown): string {
  return checkShape(pattern, true);
}

export function isPattern(pattern: string): boolean {
  return pattern.includes('*');
}

/** Compiles a validated pattern into a matcher. */
export function compilePattern(pattern: string): TopicMatcher {
  if (!isPattern(pattern)) return (topic) => topic === pattern;
  const parts = pattern.split('/');
  const rest = parts[parts.length - 1] === '**';
  const fixed = rest ? parts.slice(0, -1) : parts;
  if (rest && !fixed.includes('*')) {
    // `a/b/**`: a prefix test, no split (rights such as `collections/**` are checked per group and event).
    const prefix = fixed.join('/');
    if (prefix === '') return () => true;
    const withSlash = `${prefix}/`;
    return (topic) => topic === prefix || topic.startsWith(withSlash);
  }
  return (topic) => {
    const segments = topic.split('/');
    if (rest ? segments.length < fixed.length : segments.length !== fixed.length) return false;
    for (let i = 0; i < fixed.length; i++) {
      const want = fixed[i];
      if (want !== '*' && want !== segments[i]) return false;
    }
    return true;
  };
}

/** A matcher for a set of patterns: true when any of them matches. */
export function compilePatterns(patterns: readonly string[]): TopicMatcher {
  const matchers = patterns.map(compilePattern);
  if (matchers.length === 1) return matchers[0] as TopicMatcher;
  return (topic) => matchers.some((match) => match(topic));
}
