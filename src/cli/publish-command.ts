import { Command, Option } from 'commander';
import { collect } from './parse-args.js';
import { publishStream } from './publish-stream.js';

interface PublishFlags {
  url: string;
  topic?: string[];
  data?: string;
  ndjson?: boolean;
  type?: string;
  json?: boolean;
  token?: string;
}

export function publishCommand(): Command {
  return new Command('publish')
    .description('publish one event through a running hub (or, with --ndjson, a stream of them from stdin)')
    .addOption(new Option('--url <url>', 'hub base URL').env('SSEHUB_URL').default('http://127.0.0.1:8080'))
    .option('-t, --topic <topic>', 'topic to publish to (repeat for several)', collect)
    .option('-d, --data <data>', 'event data (a string; with --json, parsed as JSON)')
    .option('--ndjson', 'read events from stdin, one JSON object per line, and print the answer to each line')
    .option('--type <type>', 'event type')
    .option('--json', 'send --data as a JSON value instead of a string')
    .addOption(
      new Option('--token <jwt>', 'token for a hub with auth on (sent as Authorization: Bearer)').env('SSEHUB_TOKEN'),
    )
    .action(async (flags: PublishFlags) => {
      if (flags.ndjson) {
        const refused = await publishStream(
          new URL('/publish', flags.url),
          bearer(flags.token),
          process.stdin,
          process.stdout,
        ).catch((err: Error) => {
          process.stderr.write(`ssehub publish: ${err.message}\n`);
          return 1;
        });
        if (refused > 0) process.exitCode = 1;
        return;
      }
      if (flags.topic === undefined || flags.data === undefined) {
        throw new Error('ssehub publish needs --topic and --data (or --ndjson with events on stdin)');
      }
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
