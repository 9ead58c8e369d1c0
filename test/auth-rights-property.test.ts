import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPEN_PRINCIPAL, tokenPrincipal } from '../src/auth/principal.js';
import type { SseHubError } from '../src/errors.js';
import type { Hub } from '../src/hub/hub.js';
import { formatEventId } from '../src/log/event-id.js';
import { MemoryEventLog } from '../src/log/memory-log.js';
import { coreHub } from './support/core-hub.js';
import { FakeConnection } from './support/fake-connection.js';
import { waitUntil } from './support/wait.js';

/**
 * The reference semantics, written independently of src/protocol/topic.ts:
 * a pattern as a regular expression (`*` one segment, a final `**` any rest, also none).
 */
function refMatches(pattern: string, topic: string): boolean {
  const parts = pattern.split('/');
  const rest = parts[parts.length - 1] === '**';
  const fixed = (rest ? parts.slice(0, -1) : parts).map((p) => (p === '*' ? '[^/]+' : p));
  const source = rest ? (fixed.length === 0 ? '[^/]+(/[^/]+)*' : `${fixed.join('/')}(/[^/]+)*`) : fixed.join('/');
  return new RegExp(`^${source}$`).test(topic);
}

/** Every topic of up to 4 segments over a, b, c and a fresh d: enough to witness any overlap of the patterns below. */
const UNIVERSE = (() => {
  const segments = ['a', 'b', 'c', 'd'];
  let level = [''];
  const all: string[] = [];
  for (let depth = 1; depth <= 4; depth++) {
    level = level.flatMap((prefix) => segments.map((s) => (prefix ? `${prefix}/${s}` : s)));
    all.push(...level);
  }
  return all;
})();

const segment = fc.constantFrom('a', 'b', 'c');
const topic = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
const pattern = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '*'), { minLength: 0, maxLength: 3 }), fc.boolean())
  .filter(([fixed, rest]) => fixed.length > 0 || rest)
  .map(([fixed, rest]) => [...fixed, ...(rest ? ['**'] : [])].join('/'));

function newHub(recentEvents: number): Hub {
  return coreHub(new MemoryEventLog(), { recentEvents });
}

const data = (c: FakeConnection) => c.events.filter((e) => e.type === 'message').map((e) => e.data);

describe('property: a stream receives exactly the events with a topic both requested and permitted', () => {
  it('on the live path and on replay, with the recent-events cache and from the log', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pattern, { minLength: 1, maxLength: 3 }),
        fc.array(pattern, { minLength: 0, maxLength: 3 }),
        fc.array(fc.array(topic, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(0, 1000),
        async (requested, permitted, events, recentEvents) => {
          const hub = newHub(recentEvents);
          await hub.start();
          try {
            const principal = tokenPrincipal(
              { sub: 'p', exp: Math.floor(Date.now() / 1000) + 3600 },
              { subscribe: permitted, publish: [], admin: false },
            );
            const overlaps = UNIVERSE.some(
              (t) => requested.some((r) => refMatches(r, t)) && permitted.some((p) => refMatches(p, t)),
            );
            const expected = events
              .map((topics, i) => ({ topics, data: String(i) }))
              .filter((e) =>
                e.topics.some(
                  (t) => requested.some((r) => refMatches(r, t)) && permitted.some((p) => refMatches(p, t)),
                ),
              )
              .map((e) => e.data);

            let ticket: ReturnType<Hub['admit']>;
            try {
              ticket = hub.admit(principal, { topics: requested });
            } catch (err) {
              // Refused exactly when no topic is both requested and permitted.
              expect((err as SseHubError).code).toBe('FORBIDDEN');
              expect(overlaps).toBe(false);
              return;
            }
            expect(overlaps).toBe(true);

            const start = await hub.log.position();
            const live = new FakeConnection();
            await hub.startStream(ticket, live);
            // The end marker: an open stream on every topic; once it has the last event, so does every group.
            const all = new FakeConnection();
            await hub.startStream(hub.admit(OPEN_PRINCIPAL, { topics: ['**'] }), all);
            for (const [i, topics] of events.entries()) await hub.publish({ topic: topics, data: String(i) });
            await waitUntil(() => data(all).length === events.length, 5_000, 'the marker stream');
            expect(data(live)).toEqual(expected);

            // Replay from before the first event: the same selection, read back from the cache or the log.
            const replayed = new FakeConnection();
            await hub.startStream(
              hub.admit(principal, { topics: requested, lastEventId: formatEventId(start.epoch, start.head) }),
              replayed,
            );
            expect(data(replayed)).toEqual(expected);
          } finally {
            await hub.close();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
