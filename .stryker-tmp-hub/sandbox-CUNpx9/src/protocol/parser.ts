/**
 * A streaming parser for `text/event-stream`, following the WHATWG HTML
 * "Server-sent events" parsing algorithm: optional leading BOM, CRLF / CR / LF
 * line endings (also split across chunks), fields without a colon, one leading
 * space stripped from values, `id` values containing NUL ignored, non-digit
 * `retry` values ignored, and events with no data not dispatched.
 */
// @ts-nocheck

export interface ParsedEvent {
  /** The event type; `message` when the stream named none. */
  type: string;
  data: string;
  /** The last event id in force when the event was dispatched. */
  lastEventId: string;
}

export interface ParserHandlers {
  onEvent?: (event: ParsedEvent) => void;
  onRetry?: (ms: number) => void;
  onComment?: (text: string) => void;
  /** Called when an `id` field sets the last event id, even without an event. */
  onId?: (id: string) => void;
}

const DIGITS = /^\d+$/;

export class SseParser {
  #handlers: ParserHandlers;
  #decoder = new TextDecoder('utf-8');
  #buffer = '';
  #sawBom = false;
  #pendingCR = false;
  #data = '';
  #hasData = false;
  #eventType = '';
  #lastEventId = '';

  constructor(handlers: ParserHandlers, initialLastEventId = '') {
    this.#handlers = handlers;
    this.#lastEventId = initialLastEventId;
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Feeds a chunk of the stream, as bytes or already decoded text. */
  feed(chunk: Uint8Array | string): void {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (!this.#sawBom) {
      if (text.length === 0) return;
      this.#sawBom = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCR = false;
    this.#buffer += text;
    this.#drainLines();
  }

  /** Ends the stream: an incomplete event at the end is discarded, as the spec says. */
  end(): void {
    this.#buffer = '';
    this.#data = '';
    this.#hasData = false;
    this.#eventType = '';
    this.#pendingCR = false;
  }

  #drainLines(): void {
    let start = 0;
    const buf = this.#buffer;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#processLine(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.#buffer = buf.slice(start);
  }

  #processLine(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      this.#handlers.onComment?.(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.#eventType = value;
        break;
      case 'data':
        this.#data += `${value}\n`;
        this.#hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.#lastEventId = value;
          this.#handlers.onId?.(value);
        }
        break;
      case 'retry':
        if (DIGITS.test(value)) this.#handlers.onRetry?.(Number.parseInt(value, 10));
        break;
      default:
        break;
    }
  }

  #dispatch(): void {
    const hasData = this.#hasData;
    const data = this.#data;
    const type = this.#eventType;
    this.#data = '';
    this.#hasData = false;
    this.#eventType = '';
    if (!hasData) return;
    this.#handlers.onEvent?.({
      type: type === '' ? 'message' : type,
      data: data.endsWith('\n') ? data.slice(0, -1) : data,
      lastEventId: this.#lastEventId,
    });
  }
}
