import { Command, Option } from 'commander';
import { retryAfterMs } from '../client/client-error.js';
import { SseParser } from '../protocol/parser.js';
import { SESSION_EVENT } from '../protocol/wire.js';
import { collect } from './parse-args.js';
import { bearer } from './publish-command.js';

interface TailFlags {
  url: string;
  topic: string[];
  lastEventId?: string;
  json?: boolean;
  token?: string;
}

/** Follows topics and prints events; reconnects and resumes with the last event id. */
export function tailCommand(): Command {
  return new Command('tail')
    .description('subscribe to topics and print events as they arrive')
    .addOption(new Option('--url <url>', 'hub base URL').env('SSEHUB_URL').default('http://127.0.0.1:8080'))
    .requiredOption('-t, --topic <topic>', 'topic or pattern to follow (repeat for several)', collect)
    .option('--last-event-id <id>', 'resume after this event id')
    .option('--json', 'print one JSON object per event')
    .addOption(
      new Option('--token <jwt>', 'token for a hub with auth on (sent as Authorization: Bearer)').env('SSEHUB_TOKEN'),
    )
    .action(async (flags: TailFlags) => {
      let lastEventId = flags.lastEventId ?? '';
      let retryMs = 2_000;
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      while (!controller.signal.aborted) {
        // A refusal's Retry-After, when longer than the hub's retry:.
        let refusedForMs = 0;
        try {
          const url = new URL('/events', flags.url);
          for (const topic of flags.topic) url.searchParams.append('topic', topic);
          const res = await fetch(url, {
            headers: {
              accept: 'text/event-stream',
              ...bearer(flags.token),
              ...(lastEventId && { 'last-event-id': lastEventId }),
            },
            signal: controller.signal,
          });
          if (!res.ok || !res.body) {
            const message = describeRefusal(res.status, await res.text());
            // As the SDK: a timeout or a rate limit heals by waiting, other 4xx answers do not.
            if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
              process.stderr.write(`ssehub tail: ${message}\n`);
              process.exitCode = 1;
              return;
            }
            refusedForMs = retryAfterMs(res.headers.get('retry-after')) ?? 0;
            throw new Error(message);
          }
          const parser = new SseParser(
            {
              onId: (id) => {
                lastEventId = id;
              },
              onRetry: (ms) => {
                retryMs = ms;
              },
              onEvent: (event) => {
                // The session frame is stream plumbing (token refresh), not an event of the topics.
                if (event.type === SESSION_EVENT) return;
                const line = flags.json
                  ? JSON.stringify({ id: event.lastEventId, type: event.type, data: event.data })
                  : `${event.lastEventId}\t${event.type}\t${event.data}`;
                process.stdout.write(`${line}\n`);
              },
            },
            lastEventId,
          );
          for await (const chunk of res.body) parser.feed(chunk);
          parser.end();
        } catch (err) {
          if (controller.signal.aborted) break;
          process.stderr.write(
            `ssehub tail: ${(err as Error).message}; reconnecting in ${Math.max(retryMs, refusedForMs)} ms\n`,
          );
        }
        const waitMs = Math.max(retryMs, refusedForMs);
        if (!controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    });
}

/** `401 TOKEN_MISSING: message` from the hub's JSON error body, or the raw text. */
function describeRefusal(status: number, text: string): string {
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return `${status} ${error.code}: ${error.message}`;
  } catch {
    return `${status}: ${text}`;
  }
}
