import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { readCaptureFile } from '../capture/capture-file.js';
import { assertWorkersConfig, ClusterPrimary } from '../cluster/primary.js';
import { readCollectionsFile } from '../collections/collections-file.js';
import { SseHubError } from '../errors.js';
import { type ServeOptions, serve } from '../server.js';
import { durationArg, portArg, positiveIntArg, rateArg, sizeArg } from './parse-args.js';
import { readPublicKeyFile } from './public-key-file.js';
import { readTlsFiles } from './tls-files.js';

interface ServeFlags {
  port: number;
  host?: string;
  insecureOpen?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  h2c?: boolean;
  http2MaxStreams?: number;
  trustProxy?: boolean | number;
  publishRate?: number;
  publishBurst?: number;
  dataDir: string;
  ephemeral?: boolean;
  sync: 'normal' | 'full';
  retentionEvents?: number;
  retentionAge?: number;
  heartbeat?: number;
  metrics?: boolean;
  canary?: number;
  retry?: number;
  maxBuffer?: number;
  maxLifetime?: number;
  maxConnections?: number;
  maxEventSize?: number;
  maxBatchEvents?: number;
  maxBatchSize?: number;
  cors?: string;
  allowedHosts?: string;
  recentEventsSize?: number;
  maxUnsent?: number;
  logLevel: string;
  redis?: string;
  redisPrefix?: string;
  postgres?: string;
  capture?: string;
  captureSlot?: string;
  postgresCollections?: boolean;
  captureConfig?: string;
  workers: number;
  collections?: string;
  jwtSecret?: string;
  jwtPublicKey?: string;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  publicTopics?: string;
  allowQueryToken?: boolean;
  maxStreamsPerClient?: number;
  guestAuth?: boolean;
  guestTtl?: number;
  mercure?: boolean;
  mercureAnonymous?: boolean;
  mercureSubscriptions?: boolean;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the hub: SSE streams, publish API and durable event log')
    .addOption(new Option('-p, --port <port>', 'port to listen on').env('SSEHUB_PORT').argParser(portArg).default(8080))
    .addOption(new Option('--host <host>', 'address to bind (loopback unless given)').env('SSEHUB_HOST'))
    .addOption(
      new Option('--insecure-open', 'allow binding a non-loopback address with no key configured').env(
        'SSEHUB_INSECURE_OPEN',
      ),
    )
    .addOption(
      new Option('--tls-cert <file>', 'PEM certificate (chain): serve HTTPS with HTTP/2 and HTTP/1.1').env(
        'SSEHUB_TLS_CERT',
      ),
    )
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert').env('SSEHUB_TLS_KEY'))
    .addOption(
      new Option('--h2c', 'cleartext HTTP/2 (prior knowledge) for a proxy in front; HTTP/1.1 is not served').env(
        'SSEHUB_H2C',
      ),
    )
    .addOption(
      new Option('--http2-max-streams <n>', 'streams a client may open on one HTTP/2 connection (default 1000)')
        .env('SSEHUB_HTTP2_MAX_STREAMS')
        .argParser(positiveIntArg),
    )
    .addOption(
      new Option(
        '--trust-proxy [hops]',
        'believe X-Forwarded-For/-Proto from this many proxies in front (flag alone: 1)',
      )
        .env('SSEHUB_TRUST_PROXY')
        .argParser(positiveIntArg),
    )
    .addOption(
      new Option('--publish-rate <n>', 'writes per second per identity when auth is on, 0 for no limit')
        .env('SSEHUB_PUBLISH_RATE')
        .argParser(rateArg),
    )
    .addOption(
      new Option('--publish-burst <n>', 'writes an identity may make at once')
        .env('SSEHUB_PUBLISH_BURST')
        .argParser(positiveIntArg),
    )
    .addOption(
      new Option('--data-dir <dir>', 'directory for the SQLite files').env('SSEHUB_DATA_DIR').default('./data'),
    )
    .addOption(new Option('--ephemeral', 'keep the event log in memory only').env('SSEHUB_EPHEMERAL'))
    .addOption(
      new Option('--sync <mode>', 'SQLite durability: normal survives a process crash, full also power loss')
        .env('SSEHUB_SYNC')
        .choices(['normal', 'full'])
        .default('normal'),
    )
    .addOption(
      new Option('--retention-events <n>', 'keep at most this many events (default 1000000)')
        .env('SSEHUB_RETENTION_EVENTS')
        .argParser(positiveIntArg),
    )
    .addOption(
      new Option('--retention-age <duration>', 'drop events older than this, e.g. 7d (default 7d)')
        .env('SSEHUB_RETENTION_AGE')
        .argParser(durationArg),
    )
    .addOption(new Option('--no-metrics', 'do not serve Prometheus metrics at /metrics').env('SSEHUB_NO_METRICS'))
    .addOption(
      new Option('--canary <duration>', 'delivery canary beat interval, 0 for none (default 5s)')
        .env('SSEHUB_CANARY')
        .argParser((value) => (value === '0' ? 0 : durationArg(value))),
    )
    .addOption(
      new Option('--heartbeat <duration>', 'heartbeat interval on quiet streams (default 15s)')
        .env('SSEHUB_HEARTBEAT')
        .argParser(durationArg),
    )
    .addOption(
      new Option('--retry <duration>', 'reconnect delay advertised to clients (default 2s)')
        .env('SSEHUB_RETRY')
        .argParser(durationArg),
    )
    .addOption(
      new Option('--max-buffer <size>', 'per-connection output bound before a slow client is dropped (default 1mb)')
        .env('SSEHUB_MAX_BUFFER')
        .argParser(sizeArg),
    )
    .addOption(
      new Option('--max-lifetime <duration>', 'close streams after this long so clients reconnect and resume')
        .env('SSEHUB_MAX_LIFETIME')
        .argParser(durationArg),
    )
    .addOption(
      new Option('--max-connections <n>', 'refuse streams beyond this many (default: open-file limit less 10%)')
        .env('SSEHUB_MAX_CONNECTIONS')
        .argParser(positiveIntArg),
    )
    .addOption(
      new Option('--max-event-size <size>', 'largest event data accepted (default 256kb)')
        .env('SSEHUB_MAX_EVENT_SIZE')
        .argParser(sizeArg),
    )
    .addOption(
      new Option('--max-batch-events <n>', 'most events in one POST /publish batch (default 1000)')
        .env('SSEHUB_MAX_BATCH_EVENTS')
        .argParser(positiveIntArg),
    )
    .addOption(
      new Option('--max-batch-size <size>', 'largest POST /publish batch body (default 1mb)')
        .env('SSEHUB_MAX_BATCH_SIZE')
        .argParser(sizeArg),
    )
    .addOption(
      new Option('--max-unsent <size>', 'memory for snapshots clients have not read yet, all streams (default 128mb)')
        .env('SSEHUB_MAX_UNSENT')
        .argParser(sizeArg),
    )
    .addOption(
      new Option('--recent-events-size <size>', 'memory for the recent-events cache serving resumes (default 64mb)')
        .env('SSEHUB_RECENT_EVENTS_SIZE')
        .argParser(sizeArg),
    )
    .addOption(
      new Option(
        '--allowed-hosts <names>',
        'comma-separated Host names answered besides localhost (checked when bound to loopback, or when set), or *',
      ).env('SSEHUB_ALLOWED_HOSTS'),
    )
    .addOption(new Option('--cors <origins>', 'comma-separated origins allowed from browsers, or *').env('SSEHUB_CORS'))
    .addOption(
      new Option('--redis <url>', 'keep the event log in Redis, shared by every hub using it (cluster mode)').env(
        'SSEHUB_REDIS_URL',
      ),
    )
    .addOption(
      new Option('--redis-prefix <prefix>', 'Redis key prefix; hubs with the same prefix form one cluster')
        .env('SSEHUB_REDIS_PREFIX')
        .default('ssehub:'),
    )
    .addOption(
      new Option(
        '--postgres <url>',
        'store collections in this PostgreSQL and capture --capture tables (docs/postgres.md)',
      ).env('SSEHUB_POSTGRES_URL'),
    )
    .addOption(
      new Option('--capture <tables>', 'comma-separated schema.table list to capture into db/<table> topics').env(
        'SSEHUB_CAPTURE',
      ),
    )
    .addOption(
      new Option('--capture-slot <name>', 'replication slot (and publication) name (default ssehub)').env(
        'SSEHUB_CAPTURE_SLOT',
      ),
    )
    .addOption(
      new Option(
        '--no-postgres-collections',
        'with --postgres, keep collections in the embedded SQLite log instead (single node)',
      ),
    )
    .addOption(
      new Option(
        '--capture-config <file>',
        'JSON file of per-table settings: {"orders": {"rules": {"read": "row.owner == auth.sub"}}}',
      ).env('SSEHUB_CAPTURE_CONFIG'),
    )
    .addOption(
      new Option('--workers <n>', 'processes sharing the port (more than 1 needs --redis)')
        .env('SSEHUB_WORKERS')
        .argParser(positiveIntArg)
        .default(1),
    )
    .addOption(
      new Option('--collections <file>', 'JSON file of collection settings: {"messages": {"schema": {...}}}').env(
        'SSEHUB_COLLECTIONS',
      ),
    )
    .addOption(
      new Option('--jwt-secret <secret>', 'turn auth on: HS256 tokens signed with this secret (32+ characters)').env(
        'SSEHUB_JWT_SECRET',
      ),
    )
    .addOption(
      new Option('--jwt-public-key <file>', 'turn auth on: PEM public key file for RS*/PS*/ES*/EdDSA tokens').env(
        'SSEHUB_JWT_PUBLIC_KEY',
      ),
    )
    .addOption(
      new Option('--jwks-url <url>', "turn auth on: an identity provider's JWKS endpoint").env('SSEHUB_JWKS_URL'),
    )
    .addOption(new Option('--jwt-issuer <iss>', 'refuse tokens whose iss differs').env('SSEHUB_JWT_ISSUER'))
    .addOption(new Option('--jwt-audience <aud>', 'refuse tokens whose aud differs').env('SSEHUB_JWT_AUDIENCE'))
    .addOption(
      new Option('--public-topics <patterns>', 'comma-separated topic patterns anonymous clients may read').env(
        'SSEHUB_PUBLIC_TOPICS',
      ),
    )
    .addOption(
      new Option('--allow-query-token', 'accept ?access_token= (URLs end up in logs)').env('SSEHUB_ALLOW_QUERY_TOKEN'),
    )
    .addOption(
      new Option('--guest-auth', 'guest sign-in by name at /auth/guest (the message board uses it)').env(
        'SSEHUB_GUEST_AUTH',
      ),
    )
    .addOption(new Option('--no-mercure', 'do not serve the Mercure protocol at /.well-known/mercure'))
    .addOption(
      new Option('--mercure-anonymous', 'Mercure subscribers without a token receive public updates').env(
        'SSEHUB_MERCURE_ANONYMOUS',
      ),
    )
    .addOption(
      new Option('--mercure-subscriptions', 'Mercure subscription events and the subscriptions API').env(
        'SSEHUB_MERCURE_SUBSCRIPTIONS',
      ),
    )
    .addOption(
      new Option('--guest-ttl <duration>', 'lifetime of a guest token (default 12h)')
        .env('SSEHUB_GUEST_TTL')
        .argParser(durationArg),
    )
    .addOption(
      new Option('--max-streams-per-client <n>', 'open streams per token sub (or address when anonymous) (default 100)')
        .env('SSEHUB_MAX_STREAMS_PER_CLIENT')
        .argParser(positiveIntArg),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .env('SSEHUB_LOG_LEVEL')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(async (flags: ServeFlags, command: Command) => {
      assertWorkersConfig(flags.workers, flags.redis);
      // Switches read from the environment must say yes or no (SSEHUB_EPHEMERAL=false is not "on").
      const ephemeral = flags.ephemeral !== undefined && envSwitch(command, 'ephemeral', 'SSEHUB_EPHEMERAL');
      const insecureOpen =
        flags.insecureOpen !== undefined && envSwitch(command, 'insecureOpen', 'SSEHUB_INSECURE_OPEN');
      const noMetrics = flags.metrics === false && envSwitch(command, 'metrics', 'SSEHUB_NO_METRICS');
      if (flags.workers > 1 && cluster.isPrimary) {
        const logger = pino({ level: flags.logLevel, base: { name: 'ssehub', role: 'primary' } });
        const code = await new ClusterPrimary({ workers: flags.workers, logger }).run();
        process.exit(code);
      }
      const running = await serve({
        port: flags.port,
        ...(flags.host !== undefined && { host: flags.host }),
        insecureOpen,
        ...readTlsFiles(flags.tlsCert, flags.tlsKey),
        ...(flags.h2c !== undefined && { h2c: envSwitch(command, 'h2c', 'SSEHUB_H2C') }),
        ...(flags.http2MaxStreams !== undefined && { http2MaxStreams: flags.http2MaxStreams }),
        ...(flags.trustProxy !== undefined && { trustProxy: flags.trustProxy }),
        ...(flags.publishRate !== undefined && { publishRate: flags.publishRate }),
        ...(flags.publishBurst !== undefined && { publishBurst: flags.publishBurst }),
        dataDir: flags.dataDir,
        ephemeral,
        sync: flags.sync,
        ...(flags.retentionEvents !== undefined && { retentionEvents: flags.retentionEvents }),
        ...(flags.retentionAge !== undefined && { retentionAgeMs: flags.retentionAge }),
        ...(flags.heartbeat !== undefined && { heartbeatMs: flags.heartbeat }),
        ...(noMetrics && { metrics: false }),
        ...(flags.canary !== undefined && { canaryIntervalMs: flags.canary }),
        ...(flags.retry !== undefined && { retryMs: flags.retry }),
        ...(flags.maxBuffer !== undefined && { maxBufferBytes: flags.maxBuffer }),
        ...(flags.maxLifetime !== undefined && { maxConnectionLifetimeMs: flags.maxLifetime }),
        ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
        ...(flags.maxEventSize !== undefined && { maxEventBytes: flags.maxEventSize }),
        ...(flags.maxBatchEvents !== undefined && { maxBatchEvents: flags.maxBatchEvents }),
        ...(flags.maxBatchSize !== undefined && { maxBatchBytes: flags.maxBatchSize }),
        ...(flags.maxUnsent !== undefined && { maxUnsentBytes: flags.maxUnsent }),
        ...(flags.recentEventsSize !== undefined && { recentEventsBytes: flags.recentEventsSize }),
        ...(flags.allowedHosts !== undefined && { allowedHosts: commaList(flags.allowedHosts) }),
        ...(flags.cors !== undefined && { corsOrigins: flags.cors.split(',').map((o) => o.trim()) }),
        logLevel: flags.logLevel as never,
        ...(flags.redis !== undefined && { redis: { url: flags.redis, prefix: flags.redisPrefix } }),
        ...(flags.collections !== undefined && { collections: readCollectionsFile(flags.collections) }),
        ...postgresOptions(flags),
        ...authOptions(flags, command),
      });
      const { logger } = running.hub;
      logger.info(
        {
          url: running.url,
          maxConnections: running.hub.config.maxConnections,
          log: flags.redis ? `redis (prefix ${flags.redisPrefix})` : ephemeral ? '(memory)' : flags.dataDir,
          ...(cluster.isWorker && { worker: cluster.worker?.id }),
        },
        `ssehub listening on ${running.url}`,
      );
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        running.close().then(
          () => process.exit(0),
          (err) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}

/** The token options of `serve`, as createHub takes them; the schema there holds the defaults. */
function authOptions(flags: ServeFlags, command: Command): Partial<ServeOptions> {
  return {
    ...(flags.jwtSecret !== undefined && { jwtSecret: flags.jwtSecret }),
    ...(flags.jwtPublicKey !== undefined && { jwtPublicKey: readPublicKeyFile(flags.jwtPublicKey) }),
    ...(flags.jwksUrl !== undefined && { jwksUrl: flags.jwksUrl }),
    ...(flags.jwtIssuer !== undefined && { jwtIssuer: flags.jwtIssuer }),
    ...(flags.jwtAudience !== undefined && { jwtAudience: flags.jwtAudience }),
    ...(flags.publicTopics !== undefined && { publicTopics: commaList(flags.publicTopics) }),
    ...(flags.allowQueryToken !== undefined && {
      allowQueryToken: envSwitch(command, 'allowQueryToken', 'SSEHUB_ALLOW_QUERY_TOKEN'),
    }),
    ...(flags.maxStreamsPerClient !== undefined && { maxStreamsPerClient: flags.maxStreamsPerClient }),
    ...(flags.guestAuth !== undefined && { guestAuth: envSwitch(command, 'guestAuth', 'SSEHUB_GUEST_AUTH') }),
    ...(flags.guestTtl !== undefined && { guestTokenTtlMs: flags.guestTtl }),
    ...(flags.mercure === false && { mercure: false }),
    ...(flags.mercureAnonymous !== undefined && {
      mercureAnonymous: envSwitch(command, 'mercureAnonymous', 'SSEHUB_MERCURE_ANONYMOUS'),
    }),
    ...(flags.mercureSubscriptions !== undefined && {
      mercureSubscriptions: envSwitch(command, 'mercureSubscriptions', 'SSEHUB_MERCURE_SUBSCRIPTIONS'),
    }),
  };
}

/** `a, b,c` → `['a', 'b', 'c']`: the form of every list flag. */
function commaList(value: string): string[] {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * A switch set on the command line is on. Commander turns a switch on for any
 * value of its variable, so `SSEHUB_ALLOW_QUERY_TOKEN=false` would weaken
 * security and `SSEHUB_EPHEMERAL=false` would keep the log in memory: the
 * variable must say yes or no. For `--no-x` switches, true means "no x".
 */
function envSwitch(command: Command, name: string, variable: string): boolean {
  if (command.getOptionValueSource(name) !== 'env') return true;
  const value = (process.env[variable] ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
  throw new SseHubError('INVALID_CONFIG', `${variable} must be true or false (got ${JSON.stringify(value)})`);
}

export function describeStartupError(err: unknown): string {
  if (err instanceof SseHubError) return `ssehub: ${err.message}`;
  return `ssehub: ${(err as Error)?.stack ?? String(err)}`;
}

/**
 * `--capture` needs `--postgres`; `--postgres` alone stores collections there. The
 * rest is validated by the capture options schema.
 */
function postgresOptions(flags: ServeFlags) {
  const needsPostgres =
    flags.capture !== undefined
      ? '--capture'
      : flags.captureConfig !== undefined
        ? '--capture-config'
        : flags.postgresCollections === false
          ? '--no-postgres-collections'
          : undefined;
  if (flags.postgres === undefined && needsPostgres === undefined) return {};
  if (flags.postgres === undefined) {
    throw new SseHubError('INVALID_CONFIG', `${needsPostgres} needs --postgres <url>: name the server`);
  }
  return {
    postgres: {
      url: flags.postgres,
      capture: commaList(flags.capture ?? ''),
      ...(flags.captureSlot !== undefined && { slot: flags.captureSlot, publication: flags.captureSlot }),
      ...(flags.postgresCollections === false && { collections: false }),
      ...(flags.captureConfig !== undefined && { tables: readCaptureFile(flags.captureConfig) }),
    },
  };
}
