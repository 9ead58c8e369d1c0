import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPEN_PRINCIPAL, type Principal, tokenPrincipal } from '../../src/auth/principal.js';
import { createHub, type SseHub } from '../../src/create-hub.js';
import type { Connection } from '../../src/hub/connection.js';
import { formatEventId } from '../../src/log/event-id.js';
import { nowMs } from '../lib/clock.js';
import { type RunContext, round } from '../lib/run-context.js';
import { emptyResult, type RunResult } from '../lib/run-result.js';

const ROOMS = 4;
const WRITES = 2000;
/** Writes in flight at once: the log commits them in groups, like concurrent HTTP writers. */
const WRITE_CONCURRENCY = 20;

/** A connection that only counts: the scenario measures the hub's fan-out, not sockets. */
class CountingConnection implements Connection {
  bytes = 0;
  readonly bufferedBytes = 0;
  write(chunk: Buffer): void {
    this.bytes += chunk.length;
  }
  end(): void {}
  destroy(): void {}
  onClose(): void {}
  onDrain(): void {}
}

interface Measured {
  changesPerSec: number;
  deliveriesPerSec: number;
  delivered: number;
  seconds: number;
}

/**
 * Live-query fan-out with a read rule over N streams held by N/10 distinct
 * identities, against the same streams with no rule (open principal): changes
 * per second through the hub, in one process, with counting connections instead
 * of sockets, so the number is the cost of routing and rule evaluation. Two
 * rules: one reading only `auth.rooms` (identities with equal rooms share an
 * evaluation and a fan-out group) and one also reading `auth.sub` (one
 * evaluation per identity per change, the worst case).
 */
export async function ruleFanOut(ctx: RunContext): Promise<RunResult> {
  const streams = ctx.options.connections;
  const identities = identitiesOf(streams);
  const result = emptyResult('rules', 'ssehub');
  const open = await measure(streams, () => OPEN_PRINCIPAL, ROOM_RULE);
  const principal = (i: number) => {
    const id = i % identities;
    // Each identity reads two of the four rooms: about half of the changes reach a stream.
    const rooms = [`r${id % ROOMS}`, `r${(id + 1) % ROOMS}`];
    return tokenPrincipal({ sub: `u${id}`, rooms }, { subscribe: ['collections/**'], publish: [], admin: false });
  };
  // The rule reads only `auth.rooms`: identities with the same rooms share one evaluation per change.
  const filtered = await measure(streams, principal, ROOM_RULE);
  // This rule also reads `auth.sub`: every identity is evaluated on its own (1,000 evaluations per change).
  const distinct = await measure(streams, principal, OWNER_OR_ROOM_RULE);
  Object.assign(result, {
    connections: streams,
    published: WRITES,
    expected: filtered.delivered,
    delivered: filtered.delivered,
    durationS: round(filtered.seconds, 2),
    deliveredPerSec: round(filtered.deliveriesPerSec, 0),
  });
  result.notes.push(
    `rule-filtered (${identities} identities): ${round(filtered.changesPerSec, 0)} changes/s, ${round(filtered.deliveriesPerSec, 0)} deliveries/s`,
    `rule reading auth.sub too (${identities} distinct evaluations per change): ${round(distinct.changesPerSec, 0)} changes/s, ${round(distinct.deliveriesPerSec, 0)} deliveries/s`,
    `unrestricted: ${round(open.changesPerSec, 0)} changes/s, ${round(open.deliveriesPerSec, 0)} deliveries/s`,
    `filtered/unrestricted changes/s: ${round(filtered.changesPerSec / open.changesPerSec, 2)} shared claims, ${round(distinct.changesPerSec / open.changesPerSec, 2)} distinct (target ≥ 0.5)`,
    'in-process (no sockets): hub fan-out and rule evaluation only',
  );
  return result;
}

/** Ten streams per identity, as in the 10k streams over 1,000 identities. */
const identitiesOf = (streams: number) => Math.max(1, Math.round(streams / 10));

const ROOM_RULE = 'record.data.room in auth.rooms';
const OWNER_OR_ROOM_RULE = 'record.data.room in auth.rooms || record.data.owner == auth.sub';

async function measure(streams: number, principalOf: (i: number) => Principal, readRule: string): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'ssehub-bench-rules-'));
  let sseHub: SseHub | undefined;
  try {
    sseHub = await createHub({
      dataDir: dir,
      logLevel: 'silent',
      // Auth on, so rules apply; the principals are made directly (no token parsing in the measurement).
      jwtSecret: 'bench-secret-bench-secret-bench-secret-0123',
      // The canary holds a stream of its own under the same (in-process) client.
      maxStreamsPerClient: streams + 10,
      collections: { messages: { rules: { read: readRule, create: 'true' } } },
    });
    const { hub } = sseHub;
    const collections = sseHub.collections!;
    const position = await hub.log.position();
    const from = formatEventId(position.epoch, position.head);
    for (let i = 0; i < streams; i++) {
      const ticket = hub.admit(principalOf(i), {
        topics: ['collections/messages'],
        scope: { collection: 'messages', where: {} },
      });
      await hub.startStream(ticket, new CountingConnection(), { from });
    }
    const before = hub.stats().delivered;
    const started = nowMs();
    let next = 0;
    const writer = async () => {
      while (next < WRITES) {
        const i = next++;
        await collections.insert('messages', {
          room: `r${i % ROOMS}`,
          owner: `u${i % identitiesOf(streams)}`,
          text: `message ${i}`,
        });
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, writer));
    // Fan-out runs on the next turn after the last append.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const seconds = (nowMs() - started) / 1000;
    const delivered = hub.stats().delivered - before;
    return { changesPerSec: WRITES / seconds, deliveriesPerSec: delivered / seconds, delivered, seconds };
  } finally {
    await sseHub?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
