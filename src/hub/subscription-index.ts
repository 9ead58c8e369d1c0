import { compilePatterns, isPattern, type TopicMatcher } from '../protocol/topic.js';
import type { EventView, Ticket } from './admission.js';
import type { Subscriber } from './subscriber.js';

/**
 * Subscribers admitted with the same topic patterns, rights and view form one
 * group; a batch of events is joined into one chunk per group and that same
 * chunk is written to every member. Groups are found by exact topic through a
 * map, and by pattern through a short list, so fan-out cost follows the events,
 * not the subscribers.
 */
export class TopicGroup {
  readonly key: string;
  readonly patterns: readonly string[];
  readonly exact: readonly string[];
  /** Matches the group's wildcard patterns only (exact topics go through the map). */
  readonly matchPatterns: TopicMatcher | undefined;
  /** The topics the members may read; undefined when every topic. */
  readonly permits: TopicMatcher | undefined;
  readonly view: EventView | undefined;
  readonly members = new Set<Subscriber>();
  /** Mark of the last event routed to this group (see forEachGroup). */
  stamp = 0;

  constructor(ticket: Ticket) {
    this.key = ticket.groupKey;
    this.patterns = ticket.patterns;
    this.exact = ticket.patterns.filter((p) => !isPattern(p));
    const wild = ticket.patterns.filter(isPattern);
    this.matchPatterns = wild.length > 0 ? compilePatterns(wild) : undefined;
    this.permits = ticket.permits;
    this.view = ticket.view;
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

  add(subscriber: Subscriber): void {
    const key = subscriber.ticket.groupKey;
    let group = this.#groups.get(key);
    if (!group) {
      group = new TopicGroup(subscriber.ticket);
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
    const key = subscriber.ticket.groupKey;
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
   * Calls `visit` once per group that wants an event published to `topics`:
   * one of them both requested and permitted. `mark` must be unique per event
   * (a counter): it de-duplicates groups that match several of the event's topics.
   */
  forEachGroup(topics: readonly string[], mark: number, visit: (group: TopicGroup) => void): void {
    for (const topic of topics) {
      const exact = this.#byTopic.get(topic);
      if (exact) {
        for (const group of exact) {
          if (group.stamp === mark || (group.permits && !group.permits(topic))) continue;
          group.stamp = mark;
          visit(group);
        }
      }
      for (const group of this.#wildcardGroups) {
        if (group.stamp === mark || !group.matchPatterns?.(topic)) continue;
        if (group.permits && !group.permits(topic)) continue;
        group.stamp = mark;
        visit(group);
      }
    }
  }

  groups(): IterableIterator<TopicGroup> {
    return this.#groups.values();
  }

  *subscribers(): IterableIterator<Subscriber> {
    for (const group of this.#groups.values()) yield* group.members;
  }
}
