import { describe, expect, it } from 'vitest';
import { OPEN_PRINCIPAL } from '../auth/principal.js';
import { compilePatterns } from '../protocol/topic.js';
import { admits, type EventView, selectFor, type Ticket } from './admission.js';
import { type EncodedEvent, encodeEvent } from './encoded-event.js';

let seq = 0;
const event = (topics: string[], data = topics.join(',')): EncodedEvent =>
  encodeEvent({ seq: ++seq, id: `e-${seq}`, topics, type: undefined, data, time: 0 });

function ticket(requested: string[], permitted: string[] | undefined, view?: EventView): Ticket {
  return {
    principal: OPEN_PRINCIPAL,
    request: { topics: requested },
    patterns: requested,
    matches: compilePatterns(requested),
    permits: permitted && compilePatterns(permitted),
    view,
    groupKey: 'g',
    quotaKey: 'q',
    cancel: () => {},
  };
}

describe('admits', () => {
  it('needs one topic that is both requested and permitted', () => {
    const t = ticket(['a'], ['b']);
    // Requested `a` and permitted `b`, but no single topic is both: not admitted.
    expect(admits(t, event(['a', 'b']))).toBe(false);
    expect(admits(ticket(['a', 'b'], ['b']), event(['a', 'b']))).toBe(true);
    expect(admits(ticket(['a', 'b'], ['b']), event(['a']))).toBe(false);
    expect(admits(ticket(['a', 'b'], ['b']), event(['c', 'b']))).toBe(true);
  });

  it('decides by the requested topics alone when every topic is permitted', () => {
    expect(admits(ticket(['a'], undefined), event(['a']))).toBe(true);
    expect(admits(ticket(['a'], undefined), event(['b']))).toBe(false);
    expect(admits(ticket(['a'], undefined), event(['b', 'a']))).toBe(true);
  });
});

describe('selectFor', () => {
  it('keeps the admitted events in order, unchanged without a view', () => {
    const events = [event(['a']), event(['b']), event(['a', 'b']), event(['c'])];
    expect(selectFor(ticket(['a'], undefined), events)).toEqual([events[0], events[2]]);
    expect(selectFor(ticket(['a'], undefined), [])).toEqual([]);
  });

  it('shows admitted events through the view, leaving out what it hides', () => {
    const view: EventView = {
      key: 'v',
      apply: (e) => (e.event.data === 'hidden' ? undefined : event(['a'], `seen ${e.event.data}`)),
    };
    const events = [event(['a'], 'one'), event(['b'], 'other'), event(['a'], 'hidden'), event(['a'], 'two')];
    const shown = selectFor(ticket(['a'], undefined, view), events);
    expect(shown.map((e) => e.event.data)).toEqual(['seen one', 'seen two']);
  });
});
