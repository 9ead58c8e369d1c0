/**
 * Collections in a cluster: two hub processes on one Redis log, their records in
 * one PostgreSQL (`--redis` + `--postgres`). One node consumes the replication
 * slot; a write on either node answers once its change event is in the shared
 * log, so it is seen live on the other node and on resume, and versions are
 * checked in PostgreSQL, across nodes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { call, LiveState, openLive, type RawLive, seqOf } from './fixtures/collections-support.js';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { type PostgresServer, postgresInstalled, startPostgres } from './support/postgres-server.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

const run =
  requireOrSkip(postgresInstalled(), 'PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin)') &&
  requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

interface Health {
  capture?: { state: string };
}

describe.skipIf(!run)('collections on PostgreSQL across two clustered nodes', () => {
  let server: PostgresServer;
  const prefix = uniquePrefix();
  const nodes: ChildHub[] = [];
  const streams: RawLive[] = [];

  const startNode = async () => {
    const node = await startChildHub([
      '--port',
      '0',
      '--redis',
      SHARED_REDIS_URL,
      '--redis-prefix',
      prefix,
      '--postgres',
      server.url,
    ]);
    nodes.push(node);
    return node;
  };
  const live = async (...args: Parameters<typeof openLive>) => {
    const stream = await openLive(...args);
    streams.push(stream);
    return stream;
  };
  const captureState = async (node: ChildHub) =>
    ((await (await fetch(`${node.url}/healthz`)).json()) as Health).capture?.state;

  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    for (const node of nodes) await node.kill('SIGKILL');
    server?.remove();
    await deleteKeys(prefix);
  });

  it('refuses collections on --redis alone, naming --postgres', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'collections.json');
      writeFileSync(file, JSON.stringify({ notes: {} }));
      const args = ['--port', '0', '--redis', SHARED_REDIS_URL, '--redis-prefix', prefix, '--collections', file];
      await expect(startChildHub(args)).rejects.toThrow(
        /Collections need the embedded SQLite log \(single node\) or PostgreSQL: add --postgres/,
      );
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('shows a write on one node live on the other, resumes on a third connection, and checks versions across nodes', async () => {
    const one = await startNode();
    const two = await startNode();
    // One node holds the slot, the other waits its turn.
    await waitUntil(
      async () => [await captureState(one), await captureState(two)].sort().join() === 'standby,streaming',
      30_000,
      'one node streaming, one on standby',
    );

    const watcher = await live(two.url, 'notes');
    expect(watcher.status).toBe(200);
    await waitUntil(() => watcher.state.snapshots === 1, 15_000, 'the snapshot on node 2');
    const created = await call(one.url, 'POST', '/collections/notes/records', { text: 'from node 1' });
    expect(created.status).toBe(201);
    await waitUntil(() => watcher.state.records.has(created.body.id), 15_000, 'node 2 to see the insert');
    expect(watcher.events.map((e) => e.type)).toEqual(['snapshot', 'insert']);

    // A client of node 1 disconnects; changes made meanwhile on node 2 reach it when it resumes on node 1.
    const first = await live(one.url, 'notes');
    await waitUntil(() => first.state.snapshots === 1, 15_000, 'the snapshot on node 1');
    first.close();
    const path = `/collections/notes/records/${created.body.id}`;
    const other = await call(two.url, 'POST', '/collections/notes/records', { text: 'from node 2' });
    expect(
      (await call(two.url, 'PATCH', path, { text: 'edited on 2' }, { headers: { 'if-match': '"1"' } })).status,
    ).toBe(200);
    expect((await call(two.url, 'DELETE', `/collections/notes/records/${other.body.id}`)).status).toBe(200);
    const resumed = await live(one.url, 'notes', { lastEventId: first.state.lastEventId });
    await waitUntil(() => resumed.events.length === 3, 15_000, 'three missed changes on resume');
    expect(resumed.events.map((e) => e.type)).toEqual(['insert', 'update', 'delete']);
    const state = first.state;
    for (const event of resumed.events) state.apply(event.type, event.data, event.lastEventId);
    expect(state.duplicates).toEqual([]);
    expect([...state.records.values()].map((r) => [r.id, r.version, r.data])).toEqual([
      [created.body.id, 2, { text: 'edited on 2' }],
    ]);

    // Versions are PostgreSQL's: a stale If-Match is refused on either node.
    const stale = await call(one.url, 'PATCH', path, { text: 'stale' }, { headers: { 'if-match': '"1"' } });
    expect([stale.status, stale.body.error.code, stale.body.error.details]).toEqual([
      409,
      'VERSION_CONFLICT',
      { currentVersion: 2 },
    ]);
    // Racing writers on both nodes with the same If-Match: exactly one wins. The test holds the
    // records table against updates until all eight are inside their transactions, so they
    // really overlap: each must have read the version under a row lock, not before it.
    const blocker = new pg.Client({ connectionString: server.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE ssehub_collection_records IN SHARE MODE');
    const racing = Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(i % 2 ? one.url : two.url, 'PATCH', path, { text: `racer ${i}` }, { headers: { 'if-match': '"2"' } }),
      ),
    );
    await waitUntil(
      async () =>
        (
          await server.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
          )
        )[0]?.n === 8,
      30_000,
      'eight writers inside their transactions',
    );
    await blocker.query('COMMIT');
    await blocker.end();
    const racers = await racing;
    expect(racers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);

    // A schema set on one node is enforced by the other at once.
    const schema = { type: 'object', properties: { text: { type: 'string' } } };
    expect((await call(one.url, 'PUT', '/collections/notes/schema', schema)).status).toBe(200);
    const refused = await call(two.url, 'POST', '/collections/notes/records', { text: 42 });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await call(two.url, 'DELETE', '/collections/notes/schema')).status).toBe(200);
    expect((await call(one.url, 'POST', '/collections/notes/records', { text: 42 })).status).toBe(201);

    // The end marker: once node 2's watcher has it, every earlier change has reached it, each once.
    const end = await call(one.url, 'POST', '/collections/notes/records', { end: true });
    await waitUntil(() => watcher.state.records.has(end.body.id), 15_000, 'the end marker on node 2');
    expect(watcher.state.duplicates).toEqual([]);
    expect(watcher.state.changeIds.map(seqOf)).toEqual([...watcher.state.changeIds.map(seqOf)].sort((a, b) => a - b));
    expect(watcher.events.map((e) => e.type)).toEqual([
      'snapshot',
      'insert',
      'insert',
      'update',
      'delete',
      'update',
      'insert',
      'insert',
    ]);
    const winner = JSON.parse(watcher.events[5]?.data ?? '{}');
    expect(winner.record.version).toBe(3);
    expect(winner.previous.data).toEqual({ text: 'edited on 2' });
    const listed = await call(two.url, 'GET', '/collections/notes/records');
    expect(listed.body.records).toEqual([...watcher.state.sorted()]);
  }, 180_000);

  it('keeps answering writes on the surviving node after the node consuming the slot is killed', async () => {
    const [one, two] = nodes as [ChildHub, ChildHub];
    const consumer = (await captureState(one)) === 'streaming' ? one : two;
    const survivor = consumer === one ? two : one;
    const watcher = await live(survivor.url, 'notes');
    await waitUntil(() => watcher.state.snapshots === 1, 15_000, 'the snapshot');
    expect(await consumer.kill('SIGKILL')).toBe('SIGKILL');
    // Answered once the survivor took the slot over and stored the change: nothing acknowledged is lost.
    const after = await call(survivor.url, 'POST', '/collections/notes/records', { text: 'after the kill' });
    expect(after.status).toBe(201);
    await waitUntil(() => watcher.state.records.has(after.body.id), 15_000, 'the write after the kill');
    expect(await captureState(survivor)).toBe('streaming');
    expect(watcher.state.duplicates).toEqual([]);
    const fresh = new LiveState();
    const again = await live(survivor.url, 'notes');
    await waitUntil(() => again.state.snapshots === 1, 15_000, 'a fresh snapshot');
    for (const event of again.events) fresh.apply(event.type, event.data, event.lastEventId);
    expect(fresh.sorted()).toEqual(watcher.state.sorted());
  }, 120_000);
});
