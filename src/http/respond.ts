import type { IncomingMessage, ServerResponse } from 'node:http';
import { SseHubError, toSseHubError } from '../errors.js';

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
  sendJson(res, error.status, error.toJSON(), headers);
}

/** Reads a JSON body up to `limit` bytes; rejects other or missing media types and bad JSON. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
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
  if (declared > limit) {
    req.resume();
    throw new SseHubError('PAYLOAD_TOO_LARGE', `The body is ${declared} bytes; the limit is ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new SseHubError('PAYLOAD_TOO_LARGE', `The body is over the limit of ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new SseHubError('INVALID_JSON', 'The body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SseHubError('INVALID_JSON', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

export function methodNotAllowed(allow: string): SseHubError {
  return new SseHubError('METHOD_NOT_ALLOWED', `Use ${allow} on this path`, { allow });
}
