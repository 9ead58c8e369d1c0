/**
 * The transport port: one open event stream to one client, as the hub sees it.
 * Adapters (node:http, and through it Express or Fastify) implement it; the hub
 * core never touches a framework object.
 */
// @ts-nocheck

export interface Connection {
  /** Bytes accepted by `write` that the network has not taken yet. */
  readonly bufferedBytes: number;
  /** Queues bytes for the client. Never throws; failures surface as a close. */
  write(chunk: Buffer): void;
  /** Ends the stream cleanly after what is already queued. */
  end(): void;
  /** Drops the connection at once, discarding what is queued. */
  destroy(): void;
  /** Called exactly once when the stream is gone, whatever the cause. */
  onClose(listener: () => void): void;
  /** Called when the queued bytes have been flushed. */
  onDrain(listener: () => void): void;
}