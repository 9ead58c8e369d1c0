import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { socketLimit } from './config/open-file-limit.js';
import { type CreateHubOptions, createHub, type SseHub } from './create-hub.js';
import { SseHubError } from './errors.js';
import { answerClientError } from './http/client-error.js';
import { allowedHostsForBind } from './http/host-check.js';

export interface ServeOptions extends CreateHubOptions {
  port?: number;
  host?: string;
}

export interface RunningServer {
  readonly server: Server;
  readonly hub: SseHub;
  readonly port: number;
  readonly url: string;
  /** Graceful stop: no new connections, streams ended, log closed. */
  close(): Promise<void>;
}

/** Starts a standalone hub on node:http (what `ssehub serve` runs). */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const { port = 8080, host = '0.0.0.0', ...hubOptions } = options;
  // Known only here, where the hub binds: on loopback the Host check is on (DNS rebinding).
  const allowedHosts = allowedHostsForBind(host, hubOptions.allowedHosts) ?? ['*'];
  const hub = await createHub({ ...hubOptions, allowedHosts });
  const server = createServer({ keepAliveTimeout: 5_000 }, hub.handler);
  server.on('clientError', answerClientError);
  // Past this, node closes new sockets at once, before accept() would fail for lack of descriptors.
  server.maxConnections = socketLimit();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await hub.close();
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${port} is already in use on ${host}; stop the other program or choose another port with --port`
        : code === 'EACCES'
          ? `no permission to listen on port ${port}; use a port above 1023`
          : (err as Error).message;
    throw new SseHubError('INVALID_CONFIG', `Cannot listen: ${why}`, undefined, { cause: err });
  }
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
    hub,
    port: actualPort,
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await hub.close();
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 5_000).unref();
        await stopped;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}
