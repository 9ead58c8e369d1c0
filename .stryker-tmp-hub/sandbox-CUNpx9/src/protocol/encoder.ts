// @ts-nocheck
import { SseHubError } from '../errors.js';

/** One server-sent event as the hub writes it. */
export interface SseMessage {
  /** Sets the client's last event id. Must not contain CR, LF or NUL. */
  id?: string | undefined;
  /** The event type (`event:` field). Must not contain CR, LF or NUL. */
  event?: string | undefined;
  /** The payload. Any string; line breaks (LF, CR, CRLF) become several `data:` lines. */
  data?: string | undefined;
  /** Reconnection delay in milliseconds (`retry:` field). */
  retry?: number | undefined;
}

const FORBIDDEN_IN_FIELD = /[\r\n\0]/;
const LINE_BREAK = /\r\n|\r|\n/;

/** Throws INVALID_FIELD when a single-line field value would break or inject a frame. */
export function assertFieldValue(field: 'id' | 'event', value: string): void {
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new SseHubError('INVALID_FIELD', `The ${field} field must not contain CR, LF or NUL characters`, { field });
  }
}

/**
 * Encodes one event as the text of a complete frame, ending with the blank line
 * that dispatches it. Fields follow the WHATWG HTML "Server-sent events" format.
 */
export function encodeMessage(message: SseMessage): string {
  let out = '';
  if (message.retry !== undefined) {
    if (!Number.isSafeInteger(message.retry) || message.retry < 0) {
      throw new SseHubError('INVALID_FIELD', 'The retry field must be a non-negative integer', { field: 'retry' });
    }
    out += `retry: ${message.retry}\n`;
  }
  if (message.id !== undefined) {
    assertFieldValue('id', message.id);
    out += `id: ${message.id}\n`;
  }
  if (message.event !== undefined) {
    assertFieldValue('event', message.event);
    out += `event: ${message.event}\n`;
  }
  if (message.data !== undefined) {
    for (const line of message.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

/** Encodes a frame to bytes, ready to be written to any number of sockets. */
export function encodeMessageBytes(message: SseMessage): Buffer {
  return Buffer.from(encodeMessage(message), 'utf8');
}

/** A comment line: ignored by clients, used for heartbeats and padding. */
export function encodeComment(text = ''): Buffer {
  const lines = text.split(LINE_BREAK).map((line) => `:${line ? ` ${line}` : ''}\n`);
  return Buffer.from(`${lines.join('')}\n`, 'utf8');
}
