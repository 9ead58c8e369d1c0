import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serve } from '../src/server.js';
import { captureLogs } from './support/log-capture.js';
import { openStream, publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

/** One sample's value from a Prometheus text exposition (labels as written, e.g. `{reason="client"}`). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics, readiness and logs with auth on', () => {
  const dir = tempDir();
  const logs = captureLogs();
  let server: RunningServer;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    server = await serve({
      port: 0,
      host: '127.0.0.1',
      dataDir: dir.path,
      logger: logs.logger,
      jwtSecret: TEST_SECRET,
      canaryIntervalMs: 200,
    });
    admin = await hsToken({ sub: 'ops', rights: { subscribe: ['**'], publish: ['**'], admin: true } });
    reader = await hsToken({ sub: 'reader', rights: { subscribe: ['**'], publish: ['chat/**'] } });
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  const metrics = async (headers: Record<string, string> = bearer(admin)) => {
    const res = await fetch(`${server.url}/metrics`, { headers });
    return { status: res.status, text: await res.text() };
  };

  it('serves /metrics to admin tokens only (401 without a token, 403 without the admin right)', async () => {
    expect((await metrics({})).status).toBe(401);
    const refused = await metrics(bearer(reader));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).error.code).toBe('FORBIDDEN');
    // The topic lookup reveals subscribers and last events: admins only, like the dashboard.
    const lookup = (headers: Record<string, string>) =>
      fetch(`${server.url}/admin/topic?topic=chat/room-42`, { headers }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      }));
    expect((await lookup({})).status).toBe(401);
    const peek = await lookup(bearer(reader));
    expect(peek.status).toBe(403);
    expect(peek.body).not.toContain('room-42"');
    const ok = await metrics();
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE ssehub_streams_open gauge');
    expect(ok.text).toContain('# TYPE ssehub_fanout_latency_seconds histogram');
    // The refusals above are counted by code.
    expect(sample(ok.text, 'ssehub_auth_failures_total', '{code="TOKEN_MISSING"}')).toBeGreaterThanOrEqual(1);
    expect(sample(ok.text, 'ssehub_auth_failures_total', '{code="FORBIDDEN"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts streams, deliveries, fan-out latency and close reasons; labels never carry a topic', async () => {
    const before = (await metrics()).text;
    const stream = await openStream(server.url, ['chat/room-42'], { headers: bearer(reader) });
    expect(stream.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const sent = await publish(server.url, { topic: 'chat/room-42', data: `m${i}` }, { headers: bearer(reader) });
      expect(sent.status).toBe(200);
    }
    await stream.waitFor((events) => events.filter((e) => e.data.startsWith('m')).length === 5);
    const during = (await metrics()).text;
    expect(sample(during, 'ssehub_streams_open', '{kind="events"}')).toBe(1);
    expect(sample(during, 'ssehub_events_delivered_total')).toBeGreaterThanOrEqual(
      (sample(before, 'ssehub_events_delivered_total') ?? 0) + 5,
    );
    expect(sample(during, 'ssehub_fanout_latency_seconds_count')).toBeGreaterThan(
      sample(before, 'ssehub_fanout_latency_seconds_count') ?? 0,
    );
    expect(sample(during, 'ssehub_log_head')).toBeGreaterThanOrEqual(5);
    expect(during).not.toContain('room-42');
    stream.close();
    await waitUntil(async () => sample((await metrics()).text, 'ssehub_streams_open', '{kind="events"}') === 0);
    const after = (await metrics()).text;
    expect(sample(after, 'ssehub_streams_closed_total', '{reason="client"}')).toBeGreaterThanOrEqual(1);

    // A resume with a forged id is answered with reset and counted by reason.
    const resumed = await openStream(server.url, ['chat/room-42'], { headers: bearer(reader), lastEventId: 'nope' });
    await resumed.waitFor((events) => events.some((e) => e.type === 'reset'));
    resumed.close();
    const reset = (await metrics()).text;
    expect(sample(reset, 'ssehub_replays_total', '{outcome="reset",reason="unknown-id"}')).toBe(1);
  });

  it('writes one info line per stream opened and closed and per refused request, without tokens or data', async () => {
    const stream = await openStream(server.url, ['chat/logged'], { headers: bearer(reader) });
    await publish(server.url, { topic: 'chat/logged', data: 'secret-payload' }, { headers: bearer(reader) });
    await stream.waitFor((events) => events.some((e) => e.data === 'secret-payload'));
    stream.close();
    await waitUntil(() =>
      logs.lines.some((l) => l.msg === 'stream closed' && typeof l.bytes === 'number' && l.events === 1),
    );
    const closed = logs.lines.find((l) => l.msg === 'stream closed' && l.events === 1) as Record<string, unknown>;
    expect(closed).toMatchObject({ level: 30, kind: 'events', reason: 'client' });
    expect(closed.durationMs).toBeTypeOf('number');
    expect(logs.lines.some((l) => l.msg === 'stream opened' && l.stream === closed.stream)).toBe(true);
    await fetch(`${server.url}/events?topic=chat/x&access_token=${reader}`);
    const refused = logs.lines.filter((l) => l.msg === 'request refused');
    expect(refused.map((l) => l.code)).toContain('QUERY_TOKEN_REFUSED');
    expect(refused.every((l) => l.level === 30 && typeof l.status === 'number')).toBe(true);
    expect(logs.text()).not.toContain(reader);
    expect(logs.text()).not.toContain(admin);
    expect(logs.text()).not.toContain('secret-payload');
  });

  it('reserves _ssehub/ topics: nobody publishes there, non-admins cannot subscribe, wildcards do not see it', async () => {
    const forged = await publish(server.url, { topic: '_ssehub/canary/x', data: '{}' }, { headers: bearer(admin) });
    expect(forged.status).toBe(403);
    const refused = await openStream(server.url, ['_ssehub/canary/*'], { headers: bearer(reader) });
    expect(refused.status).toBe(403);
    // An admin naming the root sees the canary beats; a `**` stream does not, up to its end marker.
    const canary = await openStream(server.url, ['_ssehub/canary/*'], { headers: bearer(admin) });
    const everything = await openStream(server.url, ['**'], { headers: bearer(admin) });
    await canary.waitFor((events) => events.length >= 2);
    await publish(server.url, { topic: 'chat/end', data: 'end' }, { headers: bearer(admin) });
    await everything.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(everything.events.filter((e) => e.type !== 'session').map((e) => e.data)).toEqual(['end']);
    canary.close();
    everything.close();
  });

  it('is ready while the canary beats, and counts its round trips', async () => {
    await waitUntil(async () => (await fetch(`${server.url}/readyz`)).status === 200);
    const body = (await (await fetch(`${server.url}/readyz`)).json()) as { canary: { roundTripMs: number } };
    expect(body.canary.roundTripMs).toBeTypeOf('number');
    const text = (await metrics()).text;
    expect(sample(text, 'ssehub_canary_beats_total', '{direction="received"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ssehub_canary_round_trip_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ssehub_ready')).toBe(1);
    // The canary's own stream is not a client connection.
    const connections = async () =>
      ((await (await fetch(`${server.url}/healthz`)).json()) as { connections: number }).connections;
    await waitUntil(async () => (await connections()) === 0, 10_000, 'client streams closed');
    expect(sample((await metrics()).text, 'ssehub_streams_open', '{kind="internal"}')).toBe(1);
  });
});

describe('metrics in open mode', () => {
  it('are readable by anyone on loopback, and absent with metrics off', async () => {
    const on = await serve({ port: 0, host: '127.0.0.1', ephemeral: true, logLevel: 'silent' });
    const off = await serve({ port: 0, host: '127.0.0.1', ephemeral: true, logLevel: 'silent', metrics: false });
    try {
      const res = await fetch(`${on.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await on.close();
      await off.close();
    }
  });
});
