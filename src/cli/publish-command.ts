import { Command, Option } from 'commander';
import { collect } from './parse-args.js';

interface PublishFlags {
  url: string;
  topic: string[];
  data: string;
  type?: string;
  json?: boolean;
}

export function publishCommand(): Command {
  return new Command('publish')
    .description('publish one event through a running hub')
    .addOption(new Option('--url <url>', 'hub base URL').env('SSEHUB_URL').default('http://127.0.0.1:8080'))
    .requiredOption('-t, --topic <topic>', 'topic to publish to (repeat for several)', collect)
    .requiredOption('-d, --data <data>', 'event data (a string; with --json, parsed as JSON)')
    .option('--type <type>', 'event type')
    .option('--json', 'send --data as a JSON value instead of a string')
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
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic, data, ...(flags.type && { type: flags.type }) }),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: { code: string; message: string } };
      if (!res.ok)
        throw new Error(
          `publish failed (${res.status} ${body.error?.code ?? ''}): ${body.error?.message ?? res.statusText}`,
        );
      process.stdout.write(`${body.id}\n`);
    });
}
