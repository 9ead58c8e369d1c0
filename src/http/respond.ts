import type { IncomingMessage, ServerResponse } from 'node:http';
import { SseHubError, toSseHubError } from '../errors.js';
import { assertJsonTextDepth } from '../protocol/json-depth.js';
import { closeIfBodyUnread } from './unread-body.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Answers with `{ "error": { code, message } }` and the code's status. */
export function sendError(res: ServerResponse, err: unknown, onInternal?: (err: unknown) => void): void {
  const error = toSseHubError(err);
  if (error.code === 'INTERNAL') onInternal?.(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> =
    error.code === 'METHOD_NOT_ALLOWED' ? { Allow: String(error.details?.allow ?? '') } : {};
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
  else if (error.status === 503 || error.status === 429) headers['Retry-After'] = '1';
  sendJson(res, error.status, error.toJSON(), { ...headers, ...closeIfBodyUnread(res) });
}

/**
 * Reads a JSON body up to `limit` bytes (`arrayLimit` when it is an array: a batch);
 * rejects other or missing media types and bad JSON.
 */
export async function readJsonBody(req: IncomingMessage, limit: number, arrayLimit = limit): Promise<unknown> {
  // A body parser in front of the hub (express.json(), say) has consumed the stream already.
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (parsed !== undefined && req.readableEnded) return parsed;
  const type = req.headers['content-type'];
  // A missing type is refused too: text/plain and form posts are what pages on other origins can send unasked.
  if (type === undefined || !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new SseHubError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the body as application/json (curl: -H "content-type: application/json"); got ${type ?? 'no Content-Type'}`,
    );
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  const most = Math.max(limit, arrayLimit);
  if (declared > most) {
    // Not read: the 413 goes out with Connection: close (see unread-body.ts).
    throw new SseHubError('PAYLOAD_TOO_LARGE', `The body is ${declared} bytes; the limit is ${most} bytes`);
  }
  const chunks = await readUpTo(req, limit, arrayLimit);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new SseHubError('INVALID_JSON', 'The body is empty; send a JSON object');
  assertJsonTextDepth(text); // before JSON.parse: what parses deep still overflows the stack later
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SseHubError('INVALID_JSON', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads a body of any media type (the caller checked it) as UTF-8 text, up to `limit` bytes. */
export async function readTextBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    throw new SseHubError('PAYLOAD_TOO_LARGE', `The body is ${declared} bytes; the limit is ${limit} bytes`);
  }
  return Buffer.concat(await readUpTo(req, limit)).toString('utf8');
}

/**
 * The body's chunks, refusing (and no longer reading) once it passes `limit`,
 * or `arrayLimit` once its first non-blank byte is `[`.
 * Listeners rather than `for await`: leaving that loop early destroys the
 * socket, and the 413 would never reach the client.
 */
function readUpTo(req: IncomingMessage, limit: number, arrayLimit = limit): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let decided = limit === arrayLimit;
    let max = limit;
    const done = (err?: unknown) => {
      req.off('data', onData).off('end', onEnd).off('error', onClose).off('close', onClose);
      if (err) reject(err);
      else resolve(chunks);
    };
    const onData = (chunk: Buffer) => {
      if (!decided) {
        const first = firstNonBlank(chunk);
        if (first !== undefined) {
          decided = true;
          if (first === 0x5b) max = arrayLimit;
        }
      }
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else {
        req.pause();
        done(new SseHubError('PAYLOAD_TOO_LARGE', `The body is over the limit of ${max} bytes`));
      }
    };
    const onEnd = () => done();
    // A client's own abort, not a hub failure: answered (to no one) as a client error, so
    // clients that hang up mid-body cannot fill the log with stack traces.
    const onClose = () =>
      done(new SseHubError('BAD_REQUEST', 'The client closed the connection before sending the whole body'));
    req.on('data', onData).once('end', onEnd).once('error', onClose).once('close', onClose);
  });
}

/** The first byte of `chunk` that is not JSON whitespace, if any. */
function firstNonBlank(chunk: Buffer): number | undefined {
  for (const byte of chunk) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  return undefined;
}

export function methodNotAllowed(allow: string): SseHubError {
  return new SseHubError('METHOD_NOT_ALLOWED', `Use ${allow} on this path`, { allow });
}
