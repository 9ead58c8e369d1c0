/** Messages between the harness and its load workers (child_process IPC). */
// @ts-nocheck


export interface OpenCommand {
  cmd: 'open';
  /** Server ports, used round robin (a cluster spreads streams over its nodes). */
  ports: number[];
  /** Destination addresses, used round robin so ephemeral ports never run short. */
  hosts: string[];
  /** Request path of each connection this worker opens. */
  paths: string[];
  /** Extra request header lines (e.g. `Last-Event-ID: x`), without the final CRLF. */
  headers: string[];
  /** Connections opening at once (keeps SYN bursts within the listen backlog). */
  concurrency: number;
  /** Count a connection "caught up" once it has this many events (0: never). */
  target: number;
  /** Parse publish timestamps and record latency. */
  latency: boolean;
}

export type HarnessCommand = OpenCommand | { cmd: 'stats' } | { cmd: 'reset' } | { cmd: 'close' };

/** Counters a load worker keeps, and the pool sums over its workers. */
export interface StreamCounters {
  open: number;
  closedEarly: number;
  events: number;
  minPerConn: number;
  maxPerConn: number;
  reached: number;
  lastReachedAt: number;
  firstEventAt: number;
  lastEventAt: number;
}

export interface WorkerStats extends StreamCounters {
  type: 'stats';
  failed: number;
  histogram: number[];
  histogramMax: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'opened'; open: number; failed: number; errors: string[]; startedAt: number; doneAt: number }
  | WorkerStats
  | { type: 'reset' }
  | { type: 'closed' };
