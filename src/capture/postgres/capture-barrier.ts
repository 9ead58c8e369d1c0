import pg from 'pg';
import { SseHubError } from '../../errors.js';
import type { CheckpointStore } from '../../log/event-log.js';
import { compareLsn, decodeCheckpoint } from './checkpoint.js';

export interface CaptureBarrierOptions {
  url: string;
  /** Where capture stores its checkpoint (the log's CheckpointStore: shared by every node on Redis). */
  checkpoints: CheckpointStore;
  /** The capture's checkpoint key (`postgres:<slot>`). */
  key: string;
  timeoutMs?: number | undefined;
}

/** How often the stored checkpoint is read while waiting. */
const POLL_MS = 5;

/**
 * Waits until change capture has stored, in the log, every transaction that
 * committed before a WAL position — on any node: it reads the checkpoint that
 * capture stores atomically with its events, wherever the consuming node is.
 *
 * The checkpoint only moves when a transaction commits, so on a quiet database
 * it could stay below the position for ever: the barrier commits one of its own
 * (a transactional logical message, which pgoutput sends since capture asks for
 * messages) whose commit is after the position, and waits for the checkpoint
 * to pass it.
 */
export class PostgresCaptureBarrier {
  readonly #pool: pg.Pool;
  readonly #checkpoints: CheckpointStore;
  readonly #key: string;
  readonly #timeoutMs: number;

  constructor(options: CaptureBarrierOptions) {
    this.#pool = new pg.Pool({ connectionString: options.url, max: 2, connectionTimeoutMillis: 5_000 });
    this.#pool.on('error', () => {});
    this.#checkpoints = options.checkpoints;
    this.#key = options.key;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Resolves once every transaction committed before `lsn` is in the log; CAPTURE_UNAVAILABLE after the timeout. */
  async reach(lsn: string): Promise<void> {
    if (await this.#stored(lsn)) return;
    const deadline = Date.now() + this.#timeoutMs;
    try {
      await this.#pool.query("SELECT pg_logical_emit_message(true, 'ssehub', 'barrier')");
    } catch (err) {
      throw this.#unavailable(`PostgreSQL refused the barrier transaction: ${(err as Error).message}`, err);
    }
    while (!(await this.#stored(lsn))) {
      if (Date.now() > deadline) {
        throw this.#unavailable(
          `change capture has not stored the changes before ${lsn} within ${Math.round(this.#timeoutMs / 1000)} s; it is down or behind (see /healthz)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #stored(lsn: string): Promise<boolean> {
    const cp = decodeCheckpoint(await this.#checkpoints.readCheckpoint(this.#key));
    // The checkpoint is the end of the last stored commit: every commit before `lsn` ends at or before it.
    return cp !== undefined && compareLsn(cp.lsn, lsn) >= 0;
  }

  #unavailable(message: string, cause?: unknown): SseHubError {
    return new SseHubError(
      'CAPTURE_UNAVAILABLE',
      `A live snapshot cannot be tied to the log: ${message}`,
      undefined,
      cause === undefined ? undefined : { cause },
    );
  }
}
