import { createServer as createHttpServer, type Server } from 'node:http';
import {
  createServer as createH2cServer,
  createSecureServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
} from 'node:http2';
import type { Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { TransportConfig } from '../config/hub-options.js';
import { SseHubError } from '../errors.js';
import { answerClientError } from './client-error.js';
import type { RequestHandler } from './handler.js';

/** The listening server `serve()` runs: node:http, or node:http2 cleartext / over TLS. */
export type HubServer = Server | Http2Server | Http2SecureServer;

export interface Transport {
  readonly server: HubServer;
  /** `http` or `https`, for the URL the hub logs. */
  readonly scheme: 'http' | 'https';
  /** Closes idle connections now and HTTP/2 sessions with GOAWAY once their streams end. */
  closeIdle(): void;
  /** Destroys every connection left (the end of the grace period). */
  closeAll(): void;
}

/**
 * The handler speaks node:http's (req, res). Node's HTTP/2 compatibility API
 * hands it Http2ServerRequest/Response, which cover what the routes use; the
 * HTTP/1-only parts (Connection headers, the raw socket, the Host header) are
 * handled where they are touched: node-connection.ts, unread-body.ts and
 * host-check.ts (`requestHost`).
 */
export function createTransport(
  config: TransportConfig,
  handler: RequestHandler,
  /** How long an HTTP/2 session may stay open with no stream (node:http's headersTimeout, for HTTP/1.1). */
  idleSessionMs = 60_000,
): Transport {
  if (config.tlsCert !== undefined && config.tlsKey !== undefined) {
    return http2Transport(
      createSecureServer(
        { ...secureContextOptions(config.tlsCert, config.tlsKey), allowHTTP1: true, settings: settingsOf(config) },
        handler as never,
      ),
      'https',
      idleSessionMs,
    );
  }
  if (config.h2c) {
    return http2Transport(createH2cServer({ settings: settingsOf(config) }, handler as never), 'http', idleSessionMs);
  }
  const server = createHttpServer({ keepAliveTimeout: 5_000 }, handler);
  server.on('clientError', answerClientError);
  return {
    server,
    scheme: 'http',
    closeIdle: () => server.closeIdleConnections(),
    closeAll: () => server.closeAllConnections(),
  };
}

function settingsOf(config: TransportConfig) {
  return { maxConcurrentStreams: config.http2MaxStreams };
}

/** Checks the pair once, at start: a mismatched key would otherwise fail every handshake. */
function secureContextOptions(cert: string, key: string): { cert: string; key: string } {
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    const why = /mismatch/i.test((err as Error).message)
      ? 'the key does not belong to the certificate'
      : (err as Error).message;
    throw new SseHubError('INVALID_CONFIG', `Cannot use the TLS certificate and key: ${why}`, undefined, {
      cause: err,
    });
  }
  return { cert, key };
}

/**
 * HTTP/2 servers have no closeIdleConnections: sessions are tracked here and
 * closed with GOAWAY (no new streams, open ones finish: the hub has ended them
 * by then). On the TLS port, HTTP/1.1 sockets (ALPN fallback) are tracked too.
 */
function http2Transport(
  server: Http2Server | Http2SecureServer,
  scheme: 'http' | 'https',
  idleSessionMs: number,
): Transport {
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    closeWhenIdle(session, idleSessionMs);
    session.once('close', () => sessions.delete(session));
  });
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  if (scheme === 'https') {
    server.on('clientError' as never, answerClientError);
    // The HTTP/1.1 fallback reads node:http's keep-alive timeout from this server, which has none by default.
    (server as Http2SecureServer & { keepAliveTimeout?: number }).keepAliveTimeout = 5_000;
  }
  /**
   * An HTTP/1.1 socket on the TLS port (ALPN fallback): ends it now if idle, else
   * once its response is out (the hub has ended its streams by then; node:http
   * marks the socket's response in progress, as client-error.ts reads it).
   */
  const closeHttp1 = (socket: Socket) => {
    if ((socket as Socket & { alpnProtocol?: string | false }).alpnProtocol === 'h2') return;
    const response = (socket as Socket & { _httpMessage?: { once(event: 'finish', f: () => void): void } | null })
      ._httpMessage;
    if (response == null) socket.destroy();
    else response.once('finish', () => socket.end());
  };
  return {
    server,
    scheme,
    closeIdle() {
      for (const session of sessions) session.close();
      if (scheme === 'https') for (const socket of sockets) closeHttp1(socket);
    },
    closeAll() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * Closes a session (GOAWAY) once it has had no open stream for `ms`: node's
 * HTTP/2 server has no such timeout, so a client could otherwise hold
 * connections that do nothing until the descriptor limit. A session carrying an
 * event stream is never idle, however quiet the stream.
 */
function closeWhenIdle(session: Http2Session, ms: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => session.close(), ms).unref();
  };
  arm();
  session.on('stream', (stream: { once(event: 'close', listener: () => void): void }) => {
    open++;
    clearTimeout(timer);
    stream.once('close', () => {
      if (--open === 0 && !session.closed) arm();
    });
  });
  session.once('close', () => clearTimeout(timer));
}
