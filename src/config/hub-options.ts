import type { Logger } from 'pino';
import { z } from 'zod';
import { SseHubError } from '../errors.js';
import type { EventLog } from '../log/event-log.js';
import { defaultMaxConnections } from './open-file-limit.js';

const positiveInt = z.number().int().positive();

/**
 * Everything `createHub` accepts. Validated once, at construction: a bad value
 * fails with INVALID_CONFIG naming the option, never later at run time.
 */
export const hubOptionsSchema = z.object({
  /** Directory of the SQLite files (created if missing). */
  dataDir: z.string().min(1).default('./data'),
  /** SQLite durability: `normal` survives a process crash, `full` also an OS crash or power loss. */
  sync: z.enum(['normal', 'full']).default('normal'),
  /** Keep the log in memory only (nothing survives a restart). */
  ephemeral: z.boolean().default(false),
  /** Interval of heartbeat comments on quiet streams. */
  heartbeatMs: z.number().int().min(100).max(3_600_000).default(15_000),
  /** The `retry:` reconnection delay sent to clients. */
  retryMs: z.number().int().min(0).max(3_600_000).default(2_000),
  /** Bytes a connection may have queued before it is dropped as a slow consumer. */
  maxBufferBytes: z
    .number()
    .int()
    .min(16 * 1024)
    .default(1024 * 1024),
  /** Close streams after this long (±10% jitter) so clients reconnect and resume. */
  maxConnectionLifetimeMs: positiveInt.optional(),
  /**
   * Refuse new streams past this many (503). By default the process's open-file
   * limit less headroom for the API, the log and Redis (src/config/open-file-limit.ts).
   */
  maxConnections: positiveInt.default(() => defaultMaxConnections()),
  /**
   * Global cap on bytes held for live-collection snapshots not yet taken by their
   * sockets; a snapshot that does not fit is refused with 503 HUB_BUSY.
   */
  maxUnsentBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .default(128 * 1024 * 1024),
  /** Largest event data accepted by publish, in bytes. */
  maxEventBytes: z
    .number()
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .default(256 * 1024),
  maxTopicsPerConnection: positiveInt.max(1024).default(32),
  maxTopicsPerEvent: positiveInt.max(1024).default(16),
  /** Most events one `POST /publish` batch (a JSON array) may carry; more is refused with BATCH_TOO_LARGE. */
  maxBatchEvents: positiveInt.max(100_000).default(1000),
  /** Largest `POST /publish` batch body, in bytes (a single event's body is bounded by `maxEventBytes`). */
  maxBatchBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024),
  /** Encoded events kept in memory to serve resumes without reading the log. */
  recentEvents: z.number().int().min(0).default(10_000),
  /** Bytes those cached events may take (frames and data), whichever bound is hit first. */
  recentEventsBytes: z
    .number()
    .int()
    .min(0)
    .default(64 * 1024 * 1024),
  /** Retention: keep at most this many events. */
  retentionEvents: positiveInt.optional().default(1_000_000),
  /** Retention: drop events older than this. */
  retentionAgeMs: positiveInt.optional().default(7 * 24 * 3_600_000),
  retentionIntervalMs: positiveInt.default(5_000),
  /** Origins allowed to use the API from a browser on another origin; `*` for any. */
  corsOrigins: z.array(z.string().min(1)).optional(),
  /**
   * Host names (port ignored) the hub answers besides localhost, 127.0.0.1 and [::1];
   * others get 403 HOST_NOT_ALLOWED (DNS rebinding). Unset: no check (embedders),
   * except that `serve()` bound to loopback checks with an empty list. `*`: no check.
   */
  allowedHosts: z.array(z.string().min(1)).optional(),
  /** Path prefix of every hub route, for frameworks that do not strip a mount path (Fastify). */
  basePath: z
    .string()
    .regex(/^\/[^?#\s]*$/, 'must start with "/" and contain no query, fragment or whitespace')
    .optional(),
  /** Shared secret for HS256/384/512 tokens (at least 32 characters). Setting any key turns auth on. */
  jwtSecret: z.string().min(32, 'must be at least 32 characters (use a random secret)').optional(),
  /** PEM public key (SPKI) for RS*, PS*, ES* and EdDSA tokens. */
  jwtPublicKey: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' }).optional(),
  /** JWKS endpoint of an identity provider. */
  jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Expected `iss` claim. */
  jwtIssuer: z.string().min(1).optional(),
  /** Expected `aud` claim. */
  jwtAudience: z.string().min(1).optional(),
  /** Topic patterns anonymous clients may subscribe to when auth is on. */
  publicTopics: z.array(z.string().min(1)).default([]),
  /** Accept tokens in the `access_token` query parameter (they end up in access logs). */
  allowQueryToken: z.boolean().default(false),
  /** Open streams per identity (token `sub`, or address when anonymous) when auth is on. */
  maxStreamsPerClient: positiveInt.default(100),
  /**
   * Believe `X-Forwarded-For` / `X-Forwarded-Proto` from proxies in front of the hub:
   * `true` for one, a number for a chain. Off, the socket's peer is the client.
   */
  trustProxy: z.union([z.boolean(), positiveInt.max(16)]).default(false),
  /** Publishing writes per second per identity when auth is on (`/publish`, record writes); 0 for no limit. */
  publishRate: z.number().min(0).max(1_000_000).default(20),
  /** Writes an identity may make at once before `publishRate` applies. */
  publishBurst: positiveInt.max(1_000_000).default(40),
  /**
   * Guest sign-in by name at `/auth/guest` (the message board uses it). Tokens are
   * signed with `jwtSecret`, or a secret created in the data directory.
   */
  guestAuth: z.boolean().default(false),
  /** Lifetime of a guest token. */
  guestTokenTtlMs: positiveInt.min(60_000).default(12 * 3_600_000),
  /** Topic patterns guests may subscribe to (collection read rules still apply to records). */
  guestSubscribe: z.array(z.string().min(1)).default(['collections/**']),
  /** Serve Prometheus metrics at `/metrics` (admin; docs/operations.md#metrics). */
  metrics: z.boolean().default(true),
  /**
   * How often the delivery canary publishes its beat (docs/operations.md#the-canary);
   * readiness fails when beats stop arriving for 3 intervals. 0 turns it off.
   */
  canaryIntervalMs: z.number().int().min(0).max(3_600_000).default(5_000),
  /** Speak the Mercure protocol at `/.well-known/mercure` (docs/mercure.md). */
  mercure: z.boolean().default(true),
  /** Mercure subscribers without a token receive public updates. */
  mercureAnonymous: z.boolean().default(false),
  /** Mercure subscription events and the subscriptions API. */
  mercureSubscriptions: z.boolean().default(false),
  /** Log level when no logger is given. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type HubOptionsInput = z.input<typeof hubOptionsSchema> & {
  /** A log adapter to use instead of the built-in SQLite or memory log. */
  log?: EventLog;
  /** A pino logger; by default one is made at `logLevel`. */
  logger?: Logger;
};

export type HubConfig = z.output<typeof hubOptionsSchema>;

/** Turns zod issues into one message a user can act on. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      return `${prefix}${path || '(options)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates `input` against `schema` once; INVALID_CONFIG naming every issue, each path after `prefix`. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new SseHubError('INVALID_CONFIG', `${what}${describeIssues(result.error, prefix)}`);
  return result.data;
}

export function parseHubOptions(input: HubOptionsInput): HubConfig {
  const { log: _log, logger: _logger, ...rest } = input;
  return parseConfig(hubOptionsSchema.strict(), rest, 'Invalid hub options: ');
}

/**
 * How `serve()` speaks HTTP: these belong to the listening server, not to the
 * hub, so `createHub` (embedded in someone else's server) never sees them.
 * Validated once, when `serve()` starts.
 */
export const transportOptionsSchema = z
  .object({
    /** PEM certificate chain: serve HTTPS, HTTP/2 and HTTP/1.1 by ALPN (needs `tlsKey`). */
    tlsCert: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be a PEM certificate' }).optional(),
    /** PEM private key of `tlsCert`. */
    tlsKey: z.string().includes('PRIVATE KEY-----', { message: 'must be a PEM private key' }).optional(),
    /** Cleartext HTTP/2 with prior knowledge (behind a proxy that speaks h2c); HTTP/1.1 clients are not served. */
    h2c: z.boolean().default(false),
    /**
     * Streams a client may open at once on one HTTP/2 connection (SETTINGS_MAX_CONCURRENT_STREAMS).
     * Node's default of 100 would cap a browser tab's EventSources on one connection;
     * the hub's own limits (maxConnections, maxStreamsPerClient) still apply per stream.
     */
    http2MaxStreams: positiveInt.max(2 ** 31 - 1).default(1000),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.tlsCert === undefined) !== (value.tlsKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'tlsCert and tlsKey go together: give both or neither' });
    }
    if (value.h2c && value.tlsCert !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['h2c'],
        message: 'h2c is cleartext HTTP/2; with a certificate the hub already speaks HTTP/2 over TLS, drop one',
      });
    }
  });

export type TransportOptionsInput = z.input<typeof transportOptionsSchema>;
export type TransportConfig = z.output<typeof transportOptionsSchema>;

export function parseTransportOptions(input: TransportOptionsInput): TransportConfig {
  return parseConfig(transportOptionsSchema, input, 'Invalid server options: ');
}
