// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
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
    if (stryMutAct_9fa48("755")) {
      {}
    } else {
      stryCov_9fa48("755");
      this.key = ticket.groupKey;
      this.exact = stryMutAct_9fa48("756") ? ticket.patterns : (stryCov_9fa48("756"), ticket.patterns.filter(stryMutAct_9fa48("757") ? () => undefined : (stryCov_9fa48("757"), p => stryMutAct_9fa48("758") ? isPattern(p) : (stryCov_9fa48("758"), !isPattern(p)))));
      const wild = stryMutAct_9fa48("759") ? ticket.patterns : (stryCov_9fa48("759"), ticket.patterns.filter(isPattern));
      this.matchPatterns = (stryMutAct_9fa48("763") ? wild.length <= 0 : stryMutAct_9fa48("762") ? wild.length >= 0 : stryMutAct_9fa48("761") ? false : stryMutAct_9fa48("760") ? true : (stryCov_9fa48("760", "761", "762", "763"), wild.length > 0)) ? compilePatterns(wild) : undefined;
      this.permits = ticket.permits;
      this.view = ticket.view;
    }
  }
}

/** Sorted, de-duplicated patterns: the identity of a group. */
export function normalizePatterns(patterns: readonly string[]): string[] {
  if (stryMutAct_9fa48("764")) {
    {}
  } else {
    stryCov_9fa48("764");
    return stryMutAct_9fa48("765") ? [...new Set(patterns)] : (stryCov_9fa48("765"), (stryMutAct_9fa48("766") ? [] : (stryCov_9fa48("766"), [...new Set(patterns)])).sort());
  }
}
export class SubscriptionIndex {
  readonly #groups = new Map<string, TopicGroup>();
  readonly #byTopic = new Map<string, TopicGroup[]>();
  readonly #wildcardGroups: TopicGroup[] = stryMutAct_9fa48("767") ? ["Stryker was here"] : (stryCov_9fa48("767"), []);
  #size = 0;
  get size(): number {
    if (stryMutAct_9fa48("768")) {
      {}
    } else {
      stryCov_9fa48("768");
      return this.#size;
    }
  }
  add(subscriber: Subscriber): void {
    if (stryMutAct_9fa48("769")) {
      {}
    } else {
      stryCov_9fa48("769");
      const key = subscriber.ticket.groupKey;
      let group = this.#groups.get(key);
      if (stryMutAct_9fa48("772") ? false : stryMutAct_9fa48("771") ? true : stryMutAct_9fa48("770") ? group : (stryCov_9fa48("770", "771", "772"), !group)) {
        if (stryMutAct_9fa48("773")) {
          {}
        } else {
          stryCov_9fa48("773");
          group = new TopicGroup(subscriber.ticket);
          this.#groups.set(key, group);
          for (const topic of group.exact) {
            if (stryMutAct_9fa48("774")) {
              {}
            } else {
              stryCov_9fa48("774");
              const list = this.#byTopic.get(topic);
              if (stryMutAct_9fa48("776") ? false : stryMutAct_9fa48("775") ? true : (stryCov_9fa48("775", "776"), list)) list.push(group);else this.#byTopic.set(topic, stryMutAct_9fa48("777") ? [] : (stryCov_9fa48("777"), [group]));
            }
          }
          if (stryMutAct_9fa48("779") ? false : stryMutAct_9fa48("778") ? true : (stryCov_9fa48("778", "779"), group.matchPatterns)) this.#wildcardGroups.push(group);
        }
      }
      if (stryMutAct_9fa48("782") ? false : stryMutAct_9fa48("781") ? true : stryMutAct_9fa48("780") ? group.members.has(subscriber) : (stryCov_9fa48("780", "781", "782"), !group.members.has(subscriber))) {
        if (stryMutAct_9fa48("783")) {
          {}
        } else {
          stryCov_9fa48("783");
          group.members.add(subscriber);
          stryMutAct_9fa48("784") ? this.#size-- : (stryCov_9fa48("784"), this.#size++);
        }
      }
    }
  }

  /** Returns false when the subscriber was not (or no longer) indexed. */
  remove(subscriber: Subscriber): boolean {
    if (stryMutAct_9fa48("785")) {
      {}
    } else {
      stryCov_9fa48("785");
      const key = subscriber.ticket.groupKey;
      const group = this.#groups.get(key);
      if (stryMutAct_9fa48("788") ? false : stryMutAct_9fa48("787") ? true : stryMutAct_9fa48("786") ? group?.members.delete(subscriber) : (stryCov_9fa48("786", "787", "788"), !(stryMutAct_9fa48("789") ? group.members.delete(subscriber) : (stryCov_9fa48("789"), group?.members.delete(subscriber))))) return stryMutAct_9fa48("790") ? true : (stryCov_9fa48("790"), false);
      stryMutAct_9fa48("791") ? this.#size++ : (stryCov_9fa48("791"), this.#size--);
      if (stryMutAct_9fa48("795") ? group.members.size <= 0 : stryMutAct_9fa48("794") ? group.members.size >= 0 : stryMutAct_9fa48("793") ? false : stryMutAct_9fa48("792") ? true : (stryCov_9fa48("792", "793", "794", "795"), group.members.size > 0)) return stryMutAct_9fa48("796") ? false : (stryCov_9fa48("796"), true);
      this.#groups.delete(key);
      for (const topic of group.exact) {
        if (stryMutAct_9fa48("797")) {
          {}
        } else {
          stryCov_9fa48("797");
          const list = this.#byTopic.get(topic) as TopicGroup[];
          const rest = stryMutAct_9fa48("798") ? list : (stryCov_9fa48("798"), list.filter(stryMutAct_9fa48("799") ? () => undefined : (stryCov_9fa48("799"), g => stryMutAct_9fa48("802") ? g === group : stryMutAct_9fa48("801") ? false : stryMutAct_9fa48("800") ? true : (stryCov_9fa48("800", "801", "802"), g !== group))));
          if (stryMutAct_9fa48("806") ? rest.length <= 0 : stryMutAct_9fa48("805") ? rest.length >= 0 : stryMutAct_9fa48("804") ? false : stryMutAct_9fa48("803") ? true : (stryCov_9fa48("803", "804", "805", "806"), rest.length > 0)) this.#byTopic.set(topic, rest);else this.#byTopic.delete(topic);
        }
      }
      if (stryMutAct_9fa48("808") ? false : stryMutAct_9fa48("807") ? true : (stryCov_9fa48("807", "808"), group.matchPatterns)) this.#wildcardGroups.splice(this.#wildcardGroups.indexOf(group), 1);
      return stryMutAct_9fa48("809") ? false : (stryCov_9fa48("809"), true);
    }
  }

  /**
   * Calls `visit` once per group that wants an event published to `topics`:
   * one of them both requested and permitted. `mark` must be unique per event
   * (a counter): it de-duplicates groups that match several of the event's topics.
   */
  forEachGroup(topics: readonly string[], mark: number, visit: (group: TopicGroup) => void): void {
    if (stryMutAct_9fa48("810")) {
      {}
    } else {
      stryCov_9fa48("810");
      for (const topic of topics) {
        if (stryMutAct_9fa48("811")) {
          {}
        } else {
          stryCov_9fa48("811");
          const exact = this.#byTopic.get(topic);
          if (stryMutAct_9fa48("813") ? false : stryMutAct_9fa48("812") ? true : (stryCov_9fa48("812", "813"), exact)) {
            if (stryMutAct_9fa48("814")) {
              {}
            } else {
              stryCov_9fa48("814");
              for (const group of exact) {
                if (stryMutAct_9fa48("815")) {
                  {}
                } else {
                  stryCov_9fa48("815");
                  if (stryMutAct_9fa48("818") ? group.stamp === mark && group.permits && !group.permits(topic) : stryMutAct_9fa48("817") ? false : stryMutAct_9fa48("816") ? true : (stryCov_9fa48("816", "817", "818"), (stryMutAct_9fa48("820") ? group.stamp !== mark : stryMutAct_9fa48("819") ? false : (stryCov_9fa48("819", "820"), group.stamp === mark)) || (stryMutAct_9fa48("822") ? group.permits || !group.permits(topic) : stryMutAct_9fa48("821") ? false : (stryCov_9fa48("821", "822"), group.permits && (stryMutAct_9fa48("823") ? group.permits(topic) : (stryCov_9fa48("823"), !group.permits(topic))))))) continue;
                  group.stamp = mark;
                  visit(group);
                }
              }
            }
          }
          for (const group of this.#wildcardGroups) {
            if (stryMutAct_9fa48("824")) {
              {}
            } else {
              stryCov_9fa48("824");
              if (stryMutAct_9fa48("827") ? group.stamp === mark && !group.matchPatterns?.(topic) : stryMutAct_9fa48("826") ? false : stryMutAct_9fa48("825") ? true : (stryCov_9fa48("825", "826", "827"), (stryMutAct_9fa48("829") ? group.stamp !== mark : stryMutAct_9fa48("828") ? false : (stryCov_9fa48("828", "829"), group.stamp === mark)) || (stryMutAct_9fa48("830") ? group.matchPatterns?.(topic) : (stryCov_9fa48("830"), !(stryMutAct_9fa48("831") ? group.matchPatterns(topic) : (stryCov_9fa48("831"), group.matchPatterns?.(topic))))))) continue;
              if (stryMutAct_9fa48("834") ? group.permits || !group.permits(topic) : stryMutAct_9fa48("833") ? false : stryMutAct_9fa48("832") ? true : (stryCov_9fa48("832", "833", "834"), group.permits && (stryMutAct_9fa48("835") ? group.permits(topic) : (stryCov_9fa48("835"), !group.permits(topic))))) continue;
              group.stamp = mark;
              visit(group);
            }
          }
        }
      }
    }
  }
  *subscribers(): IterableIterator<Subscriber> {
    if (stryMutAct_9fa48("836")) {
      {}
    } else {
      stryCov_9fa48("836");
      for (const group of this.#groups.values()) yield* group.members;
    }
  }
}