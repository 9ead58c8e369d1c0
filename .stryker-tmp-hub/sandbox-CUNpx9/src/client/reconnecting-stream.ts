// @ts-nocheck
import { Backoff } from './backoff.js';
import { HubClientError } from './client-error.js';
import type { EventStream, ReconnectOptions, StreamHandlers, StreamRequest } from './stream.js';
import type { ConnectionStatus } from './types.js';

/**
 * What both transports share: the request, the handlers, the backoff, the resume
 * position and the status reported to the caller. Subclasses open connections.
 */
export abstract class ReconnectingStream implements EventStream {
  protected readonly request: StreamRequest;
  protected readonly handlers: StreamHandlers;
  protected readonly options: ReconnectOptions;
  protected readonly backoff: Backoff;
  /** The position a reconnect resumes from. */
  protected resumeId: string;
  protected closed = false;
  #status: ConnectionStatus = 'connecting';

  constructor(request: StreamRequest, handlers: StreamHandlers, options: ReconnectOptions) {
    this.request = request;
    this.handlers = handlers;
    this.options = options;
    this.backoff = new Backoff({ baseMs: options.initialRetryMs, capMs: options.maxDelayMs, random: options.random });
    this.resumeId = request.lastEventId ?? '';
  }

  get lastEventId(): string {
    return this.resumeId;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  abstract close(): void;

  protected setStatus(status: ConnectionStatus): void {
    if (this.#status === status || this.closed) return;
    this.#status = status;
    this.handlers.onStatus(status);
  }

  /** Stops for good: `offline`, and the error to the caller. */
  protected giveUp(error: Error): void {
    this.setStatus('offline');
    this.handlers.onError?.(error);
  }

  /** True (after giving up) when `failures` has used up the retry budget. */
  protected outOfRetries(failures: number): boolean {
    if (failures <= this.options.maxRetries) return false;
    this.giveUp(new HubClientError('NETWORK', `Gave up after ${failures} failed attempts`, 0));
    return true;
  }
}
