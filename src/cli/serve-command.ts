import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { assertWorkersConfig, ClusterPrimary } from '../cluster/primary.js';
import { readCollectionsFile } from '../collections/collections-file.js';
import { SseHubError } from '../errors.js';
import { serve } from '../server.js';
import { durationArg, portArg, positiveIntArg, sizeArg } from './parse-args.js';

interface ServeFlags {
  port: number;
  host: string;
  dataDir: string;
  ephemeral?: boolean;
  sync: 'normal' | 'full';
  retentionEvents?: number;
  retentionAge?: number;
  heartbeat?: number;
  retry?: number;
  maxBuffer?: number;
  maxLifetime?: number;
  maxConnections?: number;
  maxEventSize?: number;
  cors?: string;
  allowedHosts?: string;
  recentEventsSize?: number;
  maxUnsent?: number;
  logLevel: string;
  redis?: string;
  redisPrefix?: string;
  workers: number;
  collections?: string;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the hub: SSE streams, publish API and durable event log')
    .addOption(new Option('-p, --port <port>', 'port to listen on').env('SSEHUB_PORT').argParser(portArg).default(8080))
    .addOption(new Option('--host <host>', 'address to bind').env('SSEHUB_HOST').default('0.0.0.0'))
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
      new Option('--log-level <level>', 'log level')
        .env('SSEHUB_LOG_LEVEL')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(async (flags: ServeFlags) => {
      assertWorkersConfig(flags.workers, flags.redis);
      if (flags.workers > 1 && cluster.isPrimary) {
        const logger = pino({ level: flags.logLevel, base: { name: 'ssehub', role: 'primary' } });
        const code = await new ClusterPrimary({ workers: flags.workers, logger }).run();
        process.exit(code);
      }
      const running = await serve({
        port: flags.port,
        host: flags.host,
        dataDir: flags.dataDir,
        ephemeral: Boolean(flags.ephemeral),
        sync: flags.sync,
        ...(flags.retentionEvents !== undefined && { retentionEvents: flags.retentionEvents }),
        ...(flags.retentionAge !== undefined && { retentionAgeMs: flags.retentionAge }),
        ...(flags.heartbeat !== undefined && { heartbeatMs: flags.heartbeat }),
        ...(flags.retry !== undefined && { retryMs: flags.retry }),
        ...(flags.maxBuffer !== undefined && { maxBufferBytes: flags.maxBuffer }),
        ...(flags.maxLifetime !== undefined && { maxConnectionLifetimeMs: flags.maxLifetime }),
        ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
        ...(flags.maxEventSize !== undefined && { maxEventBytes: flags.maxEventSize }),
        ...(flags.maxUnsent !== undefined && { maxUnsentBytes: flags.maxUnsent }),
        ...(flags.recentEventsSize !== undefined && { recentEventsBytes: flags.recentEventsSize }),
        ...(flags.allowedHosts !== undefined && { allowedHosts: splitList(flags.allowedHosts) }),
        ...(flags.cors !== undefined && { corsOrigins: flags.cors.split(',').map((o) => o.trim()) }),
        logLevel: flags.logLevel as never,
        ...(flags.redis !== undefined && { redis: { url: flags.redis, prefix: flags.redisPrefix } }),
        ...(flags.collections !== undefined && { collections: readCollectionsFile(flags.collections) }),
      });
      const { logger } = running.hub;
      logger.info(
        {
          url: running.url,
          maxConnections: running.hub.config.maxConnections,
          log: flags.redis ? `redis (prefix ${flags.redisPrefix})` : flags.ephemeral ? '(memory)' : flags.dataDir,
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

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function describeStartupError(err: unknown): string {
  if (err instanceof SseHubError) return `ssehub: ${err.message}`;
  return `ssehub: ${(err as Error)?.stack ?? String(err)}`;
}
