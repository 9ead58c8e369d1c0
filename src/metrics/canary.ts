import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Connection } from '../hub/connection.js';
import type { Hub } from '../hub/hub.js';
import { INTERNAL_PRINCIPAL, RESERVED_ROOT } from '../hub/reserved-topics.js';

/** The topic a node's canary publishes on; every node's canary listens to all of them. */
export const canaryTopic = (node: string) => `${RESERVED_ROOT}/canary/${node}`;

interface CanaryBeat {
  node: string;
  n: number;
  sentAt: number;
}

/** What one node's canary looks like from here. */
export interface CanaryNode {
  node: string;
  self: boolean;
  /** When its last beat arrived here (ms since the epoch). */
  lastSeenAt: number;
  /** This node only: publish → own subscriber, in ms. */
  roundTripMs: number | undefined;
}

export interface CanaryStatus {
  ok: boolean;
  /** Why it is not ok. */
  reason?: string;
  lastReceivedAt: number | undefined;
  roundTripMs: number | undefined;
}

export interface CanaryOptions {
  hub: Hub;
  intervalMs: number;
  logger: Logger;
  /** This process's name in the cluster (default: host name and pid). */
  node?: string | undefined;
  /** Each round trip, for the metric. */
  onRoundTrip?: (ms: number) => void;
}

/**
 * Proves delivery end to end: every `intervalMs` the node publishes a beat on
 * its own reserved topic, and an in-process subscriber, admitted and started
 * like any client stream, must receive it back through the log, the live feed
 * and the fan-out. When beats stop arriving the canary goes stale, even if
 * every dependency still answers pings; `/readyz` then fails and the log says why.
 */
export class Canary {
  readonly node: string;
  readonly #hub: Hub;
  readonly #options: CanaryOptions;
  readonly #logger: Logger;
  readonly #nodes = new Map<string, CanaryNode>();
  readonly #startedAt = Date.now();
  #n = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #subscribed = false;
  #publishProblem: string | undefined;
  #wasOk = true;
  sent = 0;
  received = 0;

  constructor(options: CanaryOptions) {
    this.#options = options;
    this.#hub = options.hub;
    this.#logger = options.logger;
    this.node = options.node ?? `${hostname()}-${process.pid}`;
  }

  /** A beat older than this (or none this long after start) makes the node not ready. */
  get staleAfterMs(): number {
    return Math.max(3 * this.#options.intervalMs, 2_000);
  }

  start(): void {
    this.#subscribe();
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs).unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  nodes(): CanaryNode[] {
    return [...this.#nodes.values()];
  }

  status(now = Date.now()): CanaryStatus {
    const own = this.#nodes.get(this.node);
    const lastReceivedAt = own?.lastSeenAt;
    const roundTripMs = own?.roundTripMs;
    const since = lastReceivedAt ?? this.#startedAt;
    if (now - since <= this.staleAfterMs) return { ok: true, lastReceivedAt, roundTripMs };
    const why = this.#publishProblem
      ? `publishing fails (${this.#publishProblem})`
      : !this.#subscribed
        ? 'its subscriber is not connected'
        : 'published beats are not delivered back (log → live feed → fan-out stalled)';
    const reason = `canary: no beat received for ${now - since} ms; ${why}`;
    return { ok: false, reason, lastReceivedAt, roundTripMs };
  }

  #tick(): void {
    if (this.#stopped || this.#hub.closing) return;
    if (!this.#subscribed) this.#subscribe();
    const beat: CanaryBeat = { node: this.node, n: ++this.#n, sentAt: Date.now() };
    this.sent++;
    this.#hub.publish({ topic: canaryTopic(this.node), data: beat }, INTERNAL_PRINCIPAL).then(
      () => {
        this.#publishProblem = undefined;
      },
      (err: Error) => {
        this.#publishProblem = err.message;
      },
    );
    this.check();
  }

  /** The status, logging each change of it (so an operator reads why readiness failed). */
  check(): CanaryStatus {
    const status = this.status();
    if (status.ok === this.#wasOk) return status;
    this.#wasOk = status.ok;
    if (status.ok) this.#logger.info({ canary: this.node }, 'canary: beats arrive again; ready');
    else this.#logger.warn({ canary: this.node, reason: status.reason }, 'canary: delivery stopped; not ready');
    return status;
  }

  #subscribe(): void {
    if (this.#stopped || this.#hub.closing) return;
    try {
      const ticket = this.#hub.admit(INTERNAL_PRINCIPAL, { topics: [canaryTopic('*')], kind: 'internal' });
      const connection = new CanaryConnection((data) => this.#receive(data));
      this.#subscribed = true;
      connection.onClose(() => {
        this.#subscribed = false; // re-subscribed on the next tick
      });
      void this.#hub.startStream(ticket, connection);
    } catch (err) {
      this.#logger.warn({ err: (err as Error).message }, 'canary: cannot subscribe; retrying');
    }
  }

  #receive(data: string): void {
    let beat: CanaryBeat;
    try {
      beat = JSON.parse(data) as CanaryBeat;
    } catch {
      return;
    }
    if (typeof beat.node !== 'string' || typeof beat.sentAt !== 'number') return;
    const now = Date.now();
    const self = beat.node === this.node;
    const roundTripMs = self ? now - beat.sentAt : undefined;
    if (self) {
      this.received++;
      this.#options.onRoundTrip?.(roundTripMs as number);
    }
    this.#nodes.set(beat.node, { node: beat.node, self, lastSeenAt: now, roundTripMs });
    if (self && !this.#wasOk) this.check();
  }
}

/**
 * The canary's in-process {@link Connection}: takes the SSE bytes the hub
 * writes and hands each event's `data` to the canary. Nothing is queued, so it
 * is never a slow consumer.
 */
class CanaryConnection implements Connection {
  readonly bufferedBytes = 0;
  readonly #onData: (data: string) => void;
  readonly #closeListeners: (() => void)[] = [];
  #closed = false;

  constructor(onData: (data: string) => void) {
    this.#onData = onData;
  }

  write(chunk: Buffer): void {
    if (this.#closed) return;
    // The hub writes whole frames: one `data:` line per beat (beats are one-line JSON).
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.startsWith('data:')) this.#onData(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
  }

  end(): void {
    this.#close();
  }

  destroy(): void {
    this.#close();
  }

  onClose(listener: () => void): void {
    if (this.#closed) queueMicrotask(listener);
    else this.#closeListeners.push(listener);
  }

  onDrain(listener: () => void): void {
    queueMicrotask(listener);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#closeListeners.splice(0)) listener();
  }
}
