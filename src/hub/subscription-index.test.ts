import { describe, expect, it } from 'vitest';
import { FakeConnection } from '../../test/support/fake-connection.js';
import { OPEN_PRINCIPAL } from '../auth/principal.js';
import { permitMatcher } from '../auth/rights.js';
import { compilePatterns } from '../protocol/topic.js';
import type { EventView, Ticket } from './admission.js';
import { Subscriber } from './subscriber.js';
import { normalizePatterns, SubscriptionIndex, type TopicGroup } from './subscription-index.js';

function subscriber(patterns: string[], permitted: string[] = ['**'], view?: EventView): Subscriber {
  const normalized = normalizePatterns(patterns);
  const ticket: Ticket = {
    principal: OPEN_PRINCIPAL,
    request: { topics: patterns },
    patterns: normalized,
    matches: compilePatterns(normalized),
    permits: permitMatcher(permitted),
    view,
    groupKey: `${normalized.join(' ')}|${permitted.join(' ')}|${view?.key ?? ''}`,
    quotaKey: 'addr:?',
    cancel: () => {},
  };
  return new Subscriber({
    connection: new FakeConnection(),
    ticket,
    maxBufferBytes: 1024,
    now: 0,
    lifetimeMs: undefined,
    kind: 'events',
  });
}

let mark = 0;
/** The groups an event on `topics` is routed to, each once. */
function route(index: SubscriptionIndex, topics: string[]): TopicGroup[] {
  const seen: TopicGroup[] = [];
  index.forEachGroup(topics, ++mark, (group) => seen.push(group));
  return seen;
}
const keys = (groups: TopicGroup[]) => groups.map((g) => g.key).sort();
const groupKeys = (...subscribers: Subscriber[]) => subscribers.map((s) => s.ticket.groupKey).sort();

describe('SubscriptionIndex', () => {
  it('groups subscribers by patterns, rights and view, and counts each subscriber once', () => {
    const index = new SubscriptionIndex();
    const a = subscriber(['b', 'a', 'a']);
    const b = subscriber(['a', 'b']);
    const c = subscriber(['a', 'b'], ['a']);
    index.add(a);
    index.add(a);
    index.add(b);
    index.add(c);
    expect(index.size).toBe(3);
    const groups = route(index, ['a']);
    expect(groups).toHaveLength(2);
    expect(groups.find((g) => g.key === a.ticket.groupKey)?.members).toEqual(new Set([a, b]));
    expect([...index.subscribers()].sort((x, y) => x.id - y.id)).toEqual([a, b, c]);
  });

  it('routes by exact topic and by wildcard, once per group even when several topics match', () => {
    const index = new SubscriptionIndex();
    const exact = subscriber(['chat/1']);
    const one = subscriber(['chat/*']);
    const rest = subscriber(['chat/**']);
    const both = subscriber(['chat/1', 'chat/*']);
    const other = subscriber(['news']);
    for (const s of [exact, one, rest, both, other]) index.add(s);
    expect(keys(route(index, ['chat/1']))).toEqual(groupKeys(exact, one, rest, both));
    expect(keys(route(index, ['chat/1', 'chat/2', 'chat/1/x']))).toEqual(groupKeys(exact, one, rest, both));
    expect(keys(route(index, ['chat/2/x']))).toEqual(groupKeys(rest));
    expect(route(index, ['nothing'])).toEqual([]);
    expect(route(index, ['news', 'news'])).toHaveLength(1);
  });

  it('routes only topics the group may read, by exact topic and by wildcard', () => {
    const index = new SubscriptionIndex();
    const exact = subscriber(['a', 'b'], ['a']);
    const wild = subscriber(['x/*'], ['x/1']);
    index.add(exact);
    index.add(wild);
    expect(route(index, ['b'])).toEqual([]);
    expect(route(index, ['a'])).toHaveLength(1);
    expect(route(index, ['x/2'])).toEqual([]);
    expect(route(index, ['x/1'])).toHaveLength(1);
    const none = subscriber(['a'], []);
    index.add(none);
    expect(route(index, ['a']).map((g) => g.key)).toEqual([exact.ticket.groupKey]);
  });

  it('forgets empty groups from both the topic map and the wildcard list', () => {
    const index = new SubscriptionIndex();
    const a1 = subscriber(['a']);
    const a2 = subscriber(['a']);
    const ab = subscriber(['a', 'b']);
    const w1 = subscriber(['w/*']);
    const w2 = subscriber(['v/*']);
    for (const s of [a1, a2, ab, w1, w2]) index.add(s);
    expect(index.remove(a1)).toBe(true);
    expect(index.remove(a1)).toBe(false);
    expect(route(index, ['a'])).toHaveLength(2);
    expect(index.remove(a2)).toBe(true);
    expect(route(index, ['a']).map((g) => g.key)).toEqual([ab.ticket.groupKey]);
    expect(index.remove(ab)).toBe(true);
    expect(route(index, ['a'])).toEqual([]);
    expect(route(index, ['b'])).toEqual([]);
    expect(index.remove(w1)).toBe(true);
    expect(route(index, ['w/1'])).toEqual([]);
    expect(route(index, ['v/1'])).toHaveLength(1); // the other wildcard group stays
    expect(index.size).toBe(1);
    // A new subscriber of a forgotten group starts a fresh one that routes again.
    index.add(subscriber(['a']));
    expect(route(index, ['a'])).toHaveLength(1);
    expect(index.remove(subscriber(['zzz']))).toBe(false);
  });

  it('keeps the group view and normalizes patterns', () => {
    const view: EventView = { key: 'v', apply: (e) => e };
    const index = new SubscriptionIndex();
    index.add(subscriber(['a'], ['**'], view));
    expect(route(index, ['a'])[0]?.view).toBe(view);
    expect(normalizePatterns(['b', 'a', 'b'])).toEqual(['a', 'b']);
  });
});
