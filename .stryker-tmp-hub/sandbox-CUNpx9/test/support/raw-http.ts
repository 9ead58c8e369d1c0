// @ts-nocheck
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The socket the answer came on; `closed` resolves when the server closed it. */
  socket: Socket;
  closed: Promise<void>;
}

/**
 * Sends raw bytes (whatever a hostile client would) and parses the first
 * response off the wire. `body` is everything after the header block received
 * until `Content-Length` is met (or the socket closes).
 */
export function rawRequest(port: number, head: string, options: { body?: Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    let received = Buffer.alloc(0);
    let settled = false;
    const tryParse = (final: boolean) => {
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) {
        if (final && !settled) reject(new Error(`connection closed before a response: ${JSON.stringify(text)}`));
        return;
      }
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = received.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8');
      const length = headers['content-length'];
      if (!final && length !== undefined && Buffer.byteLength(body) < Number(length)) return;
      if (!final && length === undefined) return;
      if (settled) return;
      settled = true;
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, socket, closed });
    };
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('close', () => tryParse(true));
    socket.on('error', (err) => {
      if (!settled) tryParse(true);
      if (!settled) reject(err);
    });
    socket.write(head);
    if (options.body) socket.write(options.body);
  });
}
