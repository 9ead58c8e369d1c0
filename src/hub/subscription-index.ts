import { compilePatterns, isPattern, type TopicMatcher } from '../protocol/topic.js';
import type { Subscriber } from './subscriber.js';

/**
 * Subscribers with the same set of topic patterns form one group; a batch of
 * events is joined into one chunk per group and that same chunk is written to
 * every member. Groups are found by exact topic through a map, and by pattern
 * through a short list, so fan-out cost follows the events, not the subscribers.
 */
export class TopicGroup {
  readonly key: string;
  readonly exact: readonly string[];
  /** Matches the group's wildcard patterns only (exact topics go through the map). */
  readonly matchPatterns: TopicMatcher | undefined;
  readonly members = new Set<Subscriber>();
  /** Mark of the last event routed to this group (see forEachGroup). */
  stamp = 0;

  constructor(patterns: readonly string[]) {
    this.key = patterns.join(' ');
    this.exact = patterns.filter((p) => !isPattern(p));
    const wild = patterns.filter(isPattern);
    this.matchPatterns = wild.length > 0 ? compilePatterns(wild) : undefined;
  }
}

/** Sorted, de-duplicated patterns: the identity of a group. */
export function normalizePatterns(patterns: readonly string[]): string[] {
  return [...new Set(patterns)].sort();
}

export class SubscriptionIndex {
  readonly #groups = new Map<string, TopicGroup>();
  readonly #byTopic = new Map<string, TopicGroup[]>();
  readonly #wildcardGroups: TopicGroup[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** `patterns` must be normalized (see {@link normalizePatterns}). */
  add(subscriber: Subscriber): void {
    const key = subscriber.patterns.join(' ');
    let group = this.#groups.get(key);
    if (!group) {
      group = new TopicGroup(subscriber.patterns);
      this.#groups.set(key, group);
      for (const topic of group.exact) {
        const list = this.#byTopic.get(topic);
        if (list) list.push(group);
        else this.#byTopic.set(topic, [group]);
      }
      if (group.matchPatterns) this.#wildcardGroups.push(group);
    }
    if (!group.members.has(subscriber)) {
      group.members.add(subscriber);
      this.#size++;
    }
  }

  /** Returns false when the subscriber was not (or no longer) indexed. */
  remove(subscriber: Subscriber): boolean {
    const key = subscriber.patterns.join(' ');
    const group = this.#groups.get(key);
    if (!group?.members.delete(subscriber)) return false;
    this.#size--;
    if (group.members.size > 0) return true;
    this.#groups.delete(key);
    for (const topic of group.exact) {
      const list = this.#byTopic.get(topic) as TopicGroup[];
      const rest = list.filter((g) => g !== group);
      if (rest.length > 0) this.#byTopic.set(topic, rest);
      else this.#byTopic.delete(topic);
    }
    if (group.matchPatterns) this.#wildcardGroups.splice(this.#wildcardGroups.indexOf(group), 1);
    return true;
  }

  /**
   * Calls `visit` once per group that wants an event published to `topics`.
   * `mark` must be unique per event (a counter): it de-duplicates groups that
   * match several of the event's topics.
   */
  forEachGroup(topics: readonly string[], mark: number, visit: (group: TopicGroup) => void): void {
    for (const topic of topics) {
      const exact = this.#byTopic.get(topic);
      if (exact) {
        for (const group of exact) {
          if (group.stamp === mark) continue;
          group.stamp = mark;
          visit(group);
        }
      }
      for (const group of this.#wildcardGroups) {
        if (group.stamp === mark || !group.matchPatterns?.(topic)) continue;
        group.stamp = mark;
        visit(group);
      }
    }
  }

  *subscribers(): IterableIterator<Subscriber> {
    for (const group of this.#groups.values()) yield* group.members;
  }
}
