// @ts-nocheck
import { type ChildProcess, fork } from 'node:child_process';
import { LatencyHistogram } from './latency-histogram.js';
import type { HarnessCommand, OpenCommand, StreamCounters, WorkerMessage, WorkerStats } from './worker-protocol.js';

export interface PoolStats extends StreamCounters {
  histogram: LatencyHistogram;
}

export interface OpenResult {
  open: number;
  failed: number;
  errors: string[];
  /** Milliseconds from the first connect to the last response header. */
  connectMs: number;
}

export interface OpenOptions {
  ports: number[];
  hosts: string[];
  paths: string[];
  headers?: string[];
  concurrency?: number;
  target?: number;
  latency?: boolean;
}

/**
 * The SSE clients of a benchmark, spread over forked worker processes that
 * each hold a share of the connections (see load-worker.ts).
 */
export class ClientPool {
  readonly #workers: ChildProcess[] = [];
  readonly #waiting = new Map<ChildProcess, ((message: WorkerMessage) => void)[]>();

  static async start(workers: number): Promise<ClientPool> {
    const pool = new ClientPool();
    await Promise.all(Array.from({ length: workers }, () => pool.#fork()));
    return pool;
  }

  get pids(): number[] {
    return this.#workers.map((w) => w.pid as number);
  }

  async #fork(): Promise<void> {
    const child = fork(new URL('./load-worker.ts', import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#workers.push(child);
    this.#waiting.set(child, []);
    child.on('message', (message: WorkerMessage) => this.#waiting.get(child)?.shift()?.(message));
    await this.#next(child);
  }

  #next(child: ChildProcess): Promise<WorkerMessage> {
    return new Promise((resolve) => this.#waiting.get(child)?.push(resolve));
  }

  #ask(child: ChildProcess, command: HarnessCommand): Promise<WorkerMessage> {
    const reply = this.#next(child);
    child.send(command);
    return reply;
  }

  /** Opens `paths.length` streams, connection i on worker i mod workers. */
  async open(options: OpenOptions): Promise<OpenResult> {
    const n = this.#workers.length;
    const replies = await Promise.all(
      this.#workers.map((worker, w) => {
        const paths: string[] = [];
        const headers: string[] = [];
        for (let i = w; i < options.paths.length; i += n) {
          paths.push(options.paths[i] as string);
          headers.push(options.headers?.[i] ?? '');
        }
        const command: OpenCommand = {
          cmd: 'open',
          ports: options.ports,
          hosts: options.hosts,
          paths,
          headers,
          concurrency: Math.max(1, Math.floor((options.concurrency ?? 256) / n)),
          target: options.target ?? 0,
          latency: options.latency ?? true,
        };
        return this.#ask(worker, command);
      }),
    );
    let open = 0;
    let failed = 0;
    let startedAt = Number.POSITIVE_INFINITY;
    let doneAt = 0;
    const errors: string[] = [];
    for (const reply of replies) {
      if (reply.type !== 'opened') throw new Error(`unexpected worker reply ${reply.type}`);
      open += reply.open;
      failed += reply.failed;
      errors.push(...reply.errors);
      startedAt = Math.min(startedAt, reply.startedAt);
      doneAt = Math.max(doneAt, reply.doneAt);
    }
    return { open, failed, errors, connectMs: doneAt - startedAt };
  }

  async stats(): Promise<PoolStats> {
    const replies = (await Promise.all(this.#workers.map((w) => this.#ask(w, { cmd: 'stats' })))) as WorkerStats[];
    const histogram = new LatencyHistogram();
    const total: PoolStats = {
      open: 0,
      closedEarly: 0,
      events: 0,
      minPerConn: Number.POSITIVE_INFINITY,
      maxPerConn: 0,
      reached: 0,
      lastReachedAt: 0,
      firstEventAt: Number.POSITIVE_INFINITY,
      lastEventAt: 0,
      histogram,
    };
    for (const s of replies) {
      total.open += s.open;
      total.closedEarly += s.closedEarly;
      total.events += s.events;
      total.minPerConn = Math.min(total.minPerConn, s.minPerConn);
      total.maxPerConn = Math.max(total.maxPerConn, s.maxPerConn);
      total.reached += s.reached;
      total.lastReachedAt = Math.max(total.lastReachedAt, s.lastReachedAt);
      if (s.firstEventAt > 0) total.firstEventAt = Math.min(total.firstEventAt, s.firstEventAt);
      total.lastEventAt = Math.max(total.lastEventAt, s.lastEventAt);
      histogram.merge(s.histogram, s.histogramMax);
    }
    if (!Number.isFinite(total.firstEventAt)) total.firstEventAt = 0;
    if (!Number.isFinite(total.minPerConn)) total.minPerConn = 0;
    return total;
  }

  async reset(): Promise<void> {
    await Promise.all(this.#workers.map((w) => this.#ask(w, { cmd: 'reset' })));
  }

  /** Closes every stream (the workers stay up for the next run). */
  async closeStreams(): Promise<void> {
    await Promise.all(this.#workers.map((w) => this.#ask(w, { cmd: 'close' })));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null) return resolve();
            w.once('exit', () => resolve());
            w.disconnect();
          }),
      ),
    );
  }
}
