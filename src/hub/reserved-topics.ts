import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import { isPattern, type TopicMatcher } from '../protocol/topic.js';

/**
 * Topics under `_ssehub/` belong to the hub itself (the delivery canary,
 * `_ssehub/canary/<node>`). Nobody publishes there but the hub, only admins
 * subscribe, and only by naming the root: a `**` stream never sees them.
 */
export const RESERVED_ROOT = '_ssehub';
const PREFIX = `${RESERVED_ROOT}/`;

/** The hub's own publisher: the only principal allowed to publish under the reserved root. */
export const INTERNAL_PRINCIPAL: Principal = Object.freeze({ ...OPEN_PRINCIPAL, key: 'internal' });

export function isReservedTopic(topic: string): boolean {
  return topic === RESERVED_ROOT || topic.startsWith(PREFIX);
}

/**
 * The permit matcher of a stream whose wildcards must not reach reserved topics
 * (it did not name the root); `permits` unchanged when nothing needs hiding.
 */
export function hideReserved(patterns: readonly string[], permits: TopicMatcher | undefined): TopicMatcher | undefined {
  if (patterns.some(isReservedTopic) || !patterns.some(isPattern)) return permits;
  return permits === undefined ? (t) => !isReservedTopic(t) : (t) => !isReservedTopic(t) && permits(t);
}
