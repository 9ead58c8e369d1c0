/**
 * A streaming parser for `text/event-stream`, following the WHATWG HTML
 * "Server-sent events" parsing algorithm: optional leading BOM, CRLF / CR / LF
 * line endings (also split across chunks), fields without a colon, one leading
 * space stripped from values, `id` values containing NUL ignored, non-digit
 * `retry` values ignored, and events with no data not dispatched.
 */
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
  /**
   * The pieces of the line not yet ended, joined only once its end arrives:
   * appending to one string and rescanning it made a long line (a 32 MB
   * snapshot in 64 KiB chunks) cost quadratic time.
   */
  #partial: string[] = [];
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
    this.#drainLines(text);
  }

  /** Ends the stream: an incomplete event at the end is discarded, as the spec says. */
  end(): void {
    this.#partial = [];
    this.#data = '';
    this.#hasData = false;
    this.#eventType = '';
    this.#pendingCR = false;
  }

  #drainLines(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      let line = text.slice(start, i);
      if (this.#partial.length > 0) {
        this.#partial.push(line);
        line = this.#partial.join('');
        this.#partial = [];
      }
      this.#processLine(line);
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#pendingCR = true;
        }
      }
      start = i + 1;
    }
    if (start < text.length) this.#partial.push(text.slice(start));
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
