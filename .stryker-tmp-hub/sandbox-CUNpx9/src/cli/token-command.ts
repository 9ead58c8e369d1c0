// @ts-nocheck
import { Command, Option } from 'commander';
import { mintToken } from '../auth/mint-token.js';
import { SseHubError } from '../errors.js';
import { collect, durationArg } from './parse-args.js';

interface TokenFlags {
  sub: string;
  subscribe?: string[];
  publish?: string[];
  admin?: boolean;
  ttl?: number;
  secret?: string;
  issuer?: string;
  audience?: string;
}

/** Mints an HS256 token for a hub started with the same secret and prints it (for scripts, curl and tests). */
export function tokenCommand(): Command {
  return new Command('token')
    .description('mint a token for a hub started with --jwt-secret and print it')
    .requiredOption('--sub <subject>', 'who the token is for (the sub claim)')
    .option('--subscribe <patterns>', 'topic patterns it may read, comma-separated (repeatable)', collect)
    .option('--publish <patterns>', 'topic patterns it may publish to, comma-separated (repeatable)', collect)
    .option('--admin', 'may also write any record and schema and read metrics')
    .addOption(new Option('--ttl <duration>', 'lifetime, e.g. 15m or 1h (default 1h)').argParser(durationArg))
    .addOption(new Option('--secret <secret>', 'the hub secret (prefer the env variable)').env('SSEHUB_JWT_SECRET'))
    .addOption(new Option('--issuer <iss>', 'the iss claim, when the hub checks it').env('SSEHUB_JWT_ISSUER'))
    .addOption(new Option('--audience <aud>', 'the aud claim, when the hub checks it').env('SSEHUB_JWT_AUDIENCE'))
    .action(async (flags: TokenFlags) => {
      if (flags.secret === undefined) {
        throw new SseHubError('INVALID_CONFIG', 'Give the hub secret with --secret or SSEHUB_JWT_SECRET');
      }
      const token = await mintToken({
        secret: flags.secret,
        sub: flags.sub,
        rights: { subscribe: split(flags.subscribe), publish: split(flags.publish), admin: Boolean(flags.admin) },
        ...(flags.ttl !== undefined && { ttlMs: flags.ttl }),
        issuer: flags.issuer,
        audience: flags.audience,
      });
      process.stdout.write(`${token}\n`);
    });
}

function split(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
