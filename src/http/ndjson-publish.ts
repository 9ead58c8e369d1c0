import type { IncomingMessage, ServerResponse } from 'node:http';
import { SseHubError, toSseHubError } from '../errors.js';
import type { Hub } from '../hub/hub.js';
import type { EventChecker } from '../hub/publish-check.js';
import { assertJsonTextDepth } from '../protocol/json-depth.js';
import { NDJSON_TYPE, type PublishAck } from '../protocol/wire.js';

export function isNdjson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(x-)?ndjson\b/i.test(contentType);
}

export interface NdjsonPublish {
  hub: Hub;
  /** Validates each line's event and checks the publisher's rights on it (throws SseHubError). */
  checker: EventChecker;
  /** Counts one event against the publisher's rate (throws RATE_LIMITED). */
  count: () => void;
  /** Longest line, in bytes. */
  lineLimit: number;
  onInternal: (err: unknown) => void;
}

/**
 * Lines read but not yet answered, past which the request is paused: bounds the
 * memory one streaming publisher holds while commits and the response catch up.
 */
const MAX_UNANSWERED = 8192;
const NEWLINE = 0x0a;

/**
 * `POST /publish` with an NDJSON body: every line is one event, answered on the
 * response by one line, in order — `{"id","line"}` once the event is durable, or
 * `{"error":{code,message},"line"}`. A bad line is answered and skipped; the
 * stream goes on until the request body ends. Blank lines are skipped unanswered.
 * The lines that arrive together are appended in one atomic step (group commit),
 * so a high-rate producer costs one transaction per read, not per event.
 */
export function publishNdjson(req: IncomingMessage, res: ServerResponse, options: NdjsonPublish): Promise<void> {
  res.writeHead(200, { 'Content-Type': `${NDJSON_TYPE}; charset=utf-8`, 'Cache-Control': 'no-store' });
  res.flushHeaders();
  let lineNo = 0;
  let partial: Buffer[] = [];
  let partialBytes = 0;
  /** The line being read is over the limit: skip to its end, then answer it with the error. */
  let oversize = false;
  let unanswered = 0;
  let waitingDrain = false;
  /** Answers go out strictly in line order: each read's answers wait for the previous read's. */
  let tail: Promise<void> = Promise.resolve();

  const pauseOrResume = () => {
    if (unanswered >= MAX_UNANSWERED || waitingDrain) req.pause();
    else req.resume();
  };
  const write = (text: string, lines: number) => {
    unanswered -= lines;
    if (text !== '' && !res.destroyed && !res.write(text) && !waitingDrain) {
      waitingDrain = true;
      res.once('drain', () => {
        waitingDrain = false;
        pauseOrResume();
      });
    }
    pauseOrResume();
  };

  /** Turns one read's complete lines into answers (a promise when any event needs its commit). */
  const answer = (lines: { no: number; text: string | undefined }[]) => {
    const answers: (PublishAck | number)[] = [];
    let accepted = 0;
    for (const { no, text } of lines) {
      try {
        if (text === undefined) {
          throw new SseHubError('PAYLOAD_TOO_LARGE', `The line is over the limit of ${options.lineLimit} bytes`);
        }
        options.checker.add(parseLine(text), options.count);
        answers.push(accepted++);
      } catch (err) {
        answers.push(errorAck(err, no, options.onInternal));
      }
    }
    const render = (ids: readonly string[] | SseHubError) =>
      answers
        .map((a, i) => {
          const no = (lines[i] as { no: number }).no;
          if (typeof a !== 'number') return `${JSON.stringify(a)}\n`;
          const ack: PublishAck = Array.isArray(ids) ? { id: ids[a] as string, line: no } : errorAck(ids, no);
          return `${JSON.stringify(ack)}\n`;
        })
        .join('');
    const batch = options.checker.take();
    if (batch.length === 0) return render([]);
    return options.hub.appendChecked(batch).then(
      (events) => render(events.map((e) => e.id)),
      (err) => render(toSseHubError(err)),
    );
  };

  const take = (chunk: Buffer) => {
    const lines: { no: number; text: string | undefined }[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      if (!oversize) {
        partialBytes += piece.length;
        if (partialBytes > options.lineLimit) {
          oversize = true;
          partial = [];
        } else if (piece.length > 0) partial.push(piece);
      }
      if (end === -1) break;
      lineNo++;
      const text = oversize ? undefined : Buffer.concat(partial).toString('utf8');
      if (text === undefined || text.trim() !== '') lines.push({ no: lineNo, text });
      partial = [];
      partialBytes = 0;
      oversize = false;
      start = end + 1;
    }
    return lines;
  };

  const queue = (lines: { no: number; text: string | undefined }[]) => {
    if (lines.length === 0) return;
    unanswered += lines.length;
    const answered = answer(lines);
    tail = tail.then(async () => write(await answered, lines.length));
    pauseOrResume();
  };

  return new Promise((resolve) => {
    const finish = () => {
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      void tail.then(() => {
        if (!res.destroyed) res.end();
        resolve();
      });
    };
    const onData = (chunk: Buffer) => queue(take(chunk));
    const onEnd = () => {
      // A last line without its newline still counts.
      if (partialBytes > 0 || oversize) queue(take(Buffer.from([NEWLINE])));
      finish();
    };
    // The publisher hung up: what was read still commits; nobody is left to answer.
    const onClose = () => {
      if (!req.readableEnded) finish();
    };
    req.on('data', onData).once('end', onEnd).once('close', onClose);
  });
}

function parseLine(text: string): unknown {
  assertJsonTextDepth(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SseHubError('INVALID_JSON', `The line is not valid JSON: ${(err as Error).message}`);
  }
}

function errorAck(err: unknown, line: number, onInternal?: (err: unknown) => void): PublishAck {
  const error = toSseHubError(err);
  if (error.code === 'INTERNAL') onInternal?.(err);
  return { error: { code: error.code, message: error.message }, line };
}
