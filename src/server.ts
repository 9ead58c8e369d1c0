import { type AddressInfo, isIP } from 'node:net';
import { TokenVerifier } from './auth/token-verifier.js';
import { parseTransportOptions, type TransportOptionsInput } from './config/hub-options.js';
import { socketLimit } from './config/open-file-limit.js';
import { type CreateHubOptions, createHub, type SseHub } from './create-hub.js';
import { SseHubError } from './errors.js';
import { allowedHostsForBind } from './http/host-check.js';
import { createTransport, type HubServer } from './http/transport.js';

export interface ServeOptions extends CreateHubOptions, TransportOptionsInput {
  port?: number;
  /** Address to bind; loopback by default, so a hub without keys is reachable from this machine only. */
  host?: string;
  /** Bind a non-loopback address with no key configured: anyone who can reach it may read and publish everything. */
  insecureOpen?: boolean;
}

export const DEFAULT_HOST = '127.0.0.1';

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || /^::ffff:127\./.test(bare);
}

/**
 * Safe by default: with no key every client is the open principal (read and
 * publish everything), which is only acceptable when nobody else can connect.
 */
export function assertSafeBind(host: string, authConfigured: boolean, insecureOpen: boolean): void {
  if (authConfigured || insecureOpen || isLoopbackHost(host)) return;
  throw new SseHubError(
    'INVALID_CONFIG',
    `Refusing to listen on ${host} with no authentication: anyone who can reach it could read and publish every topic. ` +
      'Configure a key with --jwt-secret, --jwt-public-key or --jwks-url (docs/security.md), ' +
      `bind ${DEFAULT_HOST} instead, or pass --insecure-open to run open on purpose.`,
  );
}

export interface RunningServer {
  /** node:http, or node:http2 with `tlsCert`/`tlsKey` (HTTPS) or `h2c`. */
  readonly server: HubServer;
  readonly hub: SseHub;
  readonly port: number;
  readonly url: string;
  /** Graceful stop: no new connections, streams ended, log closed. */
  close(): Promise<void>;
}

/** Starts a standalone hub on node:http (what `ssehub serve` runs). */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const {
    port = 8080,
    host = DEFAULT_HOST,
    insecureOpen = false,
    tlsCert,
    tlsKey,
    h2c,
    http2MaxStreams,
    ...hubOptions
  } = options;
  const transportConfig = parseTransportOptions({
    ...(tlsCert !== undefined && { tlsCert }),
    ...(tlsKey !== undefined && { tlsKey }),
    ...(h2c !== undefined && { h2c }),
    ...(http2MaxStreams !== undefined && { http2MaxStreams }),
  });
  const authConfigured = TokenVerifier.enabled(hubOptions) || hubOptions.guestAuth === true;
  assertSafeBind(host, authConfigured, insecureOpen);
  // Known only here, where the hub binds: on loopback the Host check is on (DNS rebinding).
  const allowedHosts = allowedHostsForBind(host, hubOptions.allowedHosts) ?? ['*'];
  const hub = await createHub({ ...hubOptions, allowedHosts });
  let transport: ReturnType<typeof createTransport>;
  try {
    transport = createTransport(transportConfig, hub.handler);
  } catch (err) {
    await hub.close();
    throw err;
  }
  const { server } = transport;
  if (!authConfigured && !isLoopbackHost(host)) {
    hub.logger.warn({ host }, 'running open (--insecure-open): anyone who can reach this address may read and publish');
  }
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
    url: `${transport.scheme}://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await hub.close();
        transport.closeIdle();
        const force = setTimeout(() => transport.closeAll(), 5_000).unref();
        await stopped;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}
