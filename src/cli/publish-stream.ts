import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable, Writable } from 'node:stream';
import { NDJSON_TYPE, type PublishAck } from '../protocol/wire.js';

/**
 * Streams NDJSON events from `input` to `POST /publish` as one request and copies
 * the hub's answer lines to `output` as they come; resolves with how many lines
 * were refused (or throws when the request itself was refused).
 */
export function publishStream(
  url: URL,
  headers: Record<string, string>,
  input: Readable,
  output: Writable,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : request;
    const req = send(url, { method: 'POST', headers: { 'content-type': NDJSON_TYPE, ...headers } }, (res) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => {
          const error = (safeJson(body) as { error?: { code: string; message: string } }).error;
          reject(new Error(`publish failed (${res.statusCode} ${error?.code ?? ''}): ${error?.message ?? body}`));
        });
        return;
      }
      let refused = 0;
      let partial = '';
      res.on('data', (text: string) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if ((safeJson(line) as PublishAck).error !== undefined) refused++;
        output.write(text);
      });
      res.on('end', () => resolve(refused));
      res.on('error', reject);
    });
    req.on('error', reject);
    input.pipe(req);
  });
}

function safeJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
