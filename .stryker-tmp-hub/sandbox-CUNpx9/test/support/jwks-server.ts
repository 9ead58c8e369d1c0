// @ts-nocheck
import type { JsonWebKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real identity provider's JWKS endpoint on loopback, counting how often the hub reads it. */
export interface JwksServer {
  url: string;
  /** GET requests served so far. */
  readonly requests: number;
  /** Replaces the published keys (key rotation). */
  setKeys(keys: JsonWebKey[]): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JsonWebKey[]): Promise<JwksServer> {
  let current = keys;
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    const body = JSON.stringify({ keys: current });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    setKeys(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
