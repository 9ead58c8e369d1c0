// @ts-nocheck
import { Command, Option } from 'commander';
import { collect } from './parse-args.js';

interface PublishFlags {
  url: string;
  topic: string[];
  data: string;
  type?: string;
  json?: boolean;
  token?: string;
}

export function publishCommand(): Command {
  return new Command('publish')
    .description('publish one event through a running hub')
    .addOption(new Option('--url <url>', 'hub base URL').env('SSEHUB_URL').default('http://127.0.0.1:8080'))
    .requiredOption('-t, --topic <topic>', 'topic to publish to (repeat for several)', collect)
    .requiredOption('-d, --data <data>', 'event data (a string; with --json, parsed as JSON)')
    .option('--type <type>', 'event type')
    .option('--json', 'send --data as a JSON value instead of a string')
    .addOption(
      new Option('--token <jwt>', 'token for a hub with auth on (sent as Authorization: Bearer)').env('SSEHUB_TOKEN'),
    )
    .action(async (flags: PublishFlags) => {
      let data: unknown = flags.data;
      if (flags.json) {
        try {
          data = JSON.parse(flags.data);
        } catch {
          throw new Error('--data is not valid JSON (drop --json to send it as a string)');
        }
      }
      const topic = flags.topic.length === 1 ? flags.topic[0] : flags.topic;
      const res = await fetch(new URL('/publish', flags.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(flags.token) },
        body: JSON.stringify({ topic, data, ...(flags.type && { type: flags.type }) }),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: { code: string; message: string } };
      if (!res.ok) {
        // A refusal is an answer, not a crash: its status and code, without a stack trace.
        process.stderr.write(
          `ssehub publish: publish failed (${res.status} ${body.error?.code ?? ''}): ${body.error?.message ?? res.statusText}\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${body.id}\n`);
    });
}

/** The Authorization header for `token`, or none. */
export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
