// @ts-nocheck
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { SseHubError } from '../errors.js';

export interface PrimaryOptions {
  /** How many worker processes to fork; each runs a full hub on the shared port. */
  workers: number;
  logger: Logger;
  /** Delay before a crashed worker is replaced. Default 1000 ms. */
  restartDelayMs?: number;
}

/**
 * `--workers N` needs a log every worker shares: the SQLite log is one process
 * per data directory and the memory log is per process.
 */
export function assertWorkersConfig(workers: number, redisUrl: string | undefined): void {
  if (workers > 1 && !redisUrl) {
    throw new SseHubError(
      'INVALID_CONFIG',
      `--workers ${workers} needs a shared event log: add --redis <url> (or SSEHUB_REDIS_URL). ` +
        'The SQLite log belongs to one process, so workers cannot share it.',
    );
  }
}

/**
 * The node:cluster primary of `ssehub serve --workers N`. It forks N workers,
 * which run the same command and share the listening socket (the primary hands
 * connections out round-robin). Each worker is a complete hub on the shared
 * Redis log, so a stream and a publish may land on different workers.
 *
 * A worker that dies is replaced; one that dies before it ever listened is a
 * startup error (for example Redis unreachable), and the primary gives up rather
 * than fork in a loop. SIGTERM/SIGINT are passed on; the primary exits when
 * every worker has.
 */
export class ClusterPrimary {
  readonly #options: PrimaryOptions;
  readonly #listened = new Set<number>();
  #stopping = false;
  #exitCode = 0;
  #done: ((code: number) => void) | undefined;

  constructor(options: PrimaryOptions) {
    this.#options = options;
  }

  /** Forks the workers; resolves with the exit code once they have all stopped. */
  run(): Promise<number> {
    if (!cluster.isPrimary) throw new Error('ClusterPrimary.run must be called in the primary process');
    const { logger, workers } = this.#options;
    const finished = new Promise<number>((resolve) => {
      this.#done = resolve;
    });
    cluster.on('listening', (worker, address) => {
      const first = this.#listened.size === 0;
      this.#listened.add(worker.id);
      logger.debug({ worker: worker.id, pid: worker.process.pid }, 'worker listening');
      if (first) {
        const host =
          address.address && address.address !== '0.0.0.0' && address.address !== '::' ? address.address : '127.0.0.1';
        logger.info(
          { workers, port: address.port },
          `ssehub cluster of ${workers} workers on http://${host}:${address.port}`,
        );
      }
    });
    cluster.on('exit', (worker, code, signal) => this.#onExit(worker, code, signal));
    for (let i = 0; i < workers; i++) cluster.fork();
    process.once('SIGTERM', () => this.stop('SIGTERM'));
    process.once('SIGINT', () => this.stop('SIGINT'));
    return finished;
  }

  /** Asks every worker to shut down gracefully. */
  stop(signal: NodeJS.Signals): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#options.logger.info({ signal }, 'stopping the workers');
    for (const worker of this.#workers()) worker.process.kill('SIGTERM');
    if (this.#workers().every((w) => w.isDead())) this.#done?.(this.#exitCode);
  }

  #onExit(worker: Worker, code: number | null, signal: string | null): void {
    const { logger } = this.#options;
    const remaining = this.#workers().filter((w) => w !== worker && !w.isDead());
    if (this.#stopping) {
      if (remaining.length === 0) this.#done?.(this.#exitCode);
      return;
    }
    if (!this.#listened.has(worker.id)) {
      logger.error({ worker: worker.id, code, signal }, 'a worker failed to start; stopping the cluster');
      this.#exitCode = 1;
      this.stop('SIGTERM');
      return;
    }
    this.#listened.delete(worker.id);
    const delay = this.#options.restartDelayMs ?? 1_000;
    logger.warn({ worker: worker.id, code, signal }, `a worker exited; starting a replacement in ${delay} ms`);
    setTimeout(() => {
      if (!this.#stopping) cluster.fork();
    }, delay).unref();
  }

  #workers(): Worker[] {
    return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  }
}
