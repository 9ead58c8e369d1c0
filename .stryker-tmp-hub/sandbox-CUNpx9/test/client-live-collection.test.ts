// @ts-nocheck
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type HubRecord, type LiveCollection } from '../src/client/index.js';
import { type RunningServer, serve } from '../src/server.js';
import { waitUntil } from './support/wait.js';

interface Note {
  owner: string;
  n: number;
}

let dir: string;
let server: RunningServer | undefined;
const open: LiveCollection<Note>[] = [];

const start = (port = 0) => serve({ port, host: '127.0.0.1', dataDir: dir, logLevel: 'silent', retryMs: 50 });
const summary = (records: readonly HubRecord<Note>[]) => records.map((r) => `${r.id}:${r.version}:${r.data.owner}`);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssehub-live-'));
  server = await start();
});

afterEach(async () => {
  for (const live of open.splice(0)) live.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client: liveCollection', () => {
  it('starts from the snapshot and follows insert, update and delete', async () => {
    const client = createClient({ url: server!.url });
    const first = await client.create<Note>('notes', { owner: 'ada', n: 1 });
    const live = client.liveCollection<Note>('notes');
    open.push(live);
    await waitUntil(() => live.ready, 15_000, 'the snapshot');
    expect(summary(live.records)).toEqual([`${first.id}:1:ada`]);
    let notified = 0;
    live.subscribe(() => notified++);
    const second = await client.create<Note>('notes', { owner: 'bob', n: 2 });
    await client.update<Note>('notes', first.id, { n: 10 });
    await waitUntil(() => live.records.length === 2 && live.get(first.id)?.version === 2, 15_000, 'two records');
    expect(live.get(first.id)?.data).toEqual({ owner: 'ada', n: 10 });
    await client.remove('notes', second.id);
    await waitUntil(() => live.records.length === 1, 15_000, 'the delete');
    expect(notified).toBeGreaterThanOrEqual(3);
    expect(live.status).toBe('live');
  });

  it('applies where to changes: updated out of the filter leaves, into it arrives', async () => {
    const client = createClient({ url: server!.url });
    const a = await client.create<Note>('notes', { owner: 'ada', n: 1 });
    const b = await client.create<Note>('notes', { owner: 'bob', n: 2 });
    const live = client.liveCollection<Note>('notes', { where: { owner: 'ada' } });
    open.push(live);
    await waitUntil(() => live.ready, 15_000, 'the snapshot');
    expect(live.records.map((r) => r.id)).toEqual([a.id]);
    await client.update<Note>('notes', a.id, { owner: 'carol' });
    await client.update<Note>('notes', b.id, { owner: 'ada' });
    await waitUntil(() => live.records.length === 1 && live.records[0]?.id === b.id, 15_000, 'b in, a out');
    // A string that looks like JSON is still a string filter.
    const numeric = client.liveCollection<Note>('notes', { where: { owner: '3' } });
    open.push(numeric);
    await client.create<Note>('notes', { owner: '3', n: 3 });
    await waitUntil(() => numeric.records.length === 1, 15_000, 'the "3" record');
  });

  it('converges to the server list under concurrent writes, across a server restart', async () => {
    const client = createClient({ url: server!.url, reconnect: { initialRetryMs: 50, maxDelayMs: 500 } });
    const all = client.liveCollection<Note>('notes');
    const filtered = client.liveCollection<Note>('notes', { where: { owner: 'w1' } });
    open.push(all, filtered);
    await waitUntil(() => all.ready && filtered.ready, 15_000, 'both snapshots');

    // The first requests after a restart may hit pooled keep-alive sockets the old
    // server closed (one per socket the pool held); like any caller, retry those.
    const retry = async <R>(write: () => Promise<R>, attempts = 5): Promise<R> => {
      try {
        return await write();
      } catch (err) {
        if ((err as { code?: string }).code !== 'NETWORK' || attempts <= 1) throw err;
        return retry(write, attempts - 1);
      }
    };
    const writer = async (owner: string, rounds: number) => {
      const mine: string[] = [];
      for (let i = 0; i < rounds; i++) {
        const roll = (i * 7 + owner.length) % 5;
        if (mine.length === 0 || roll < 2) {
          mine.push((await retry(() => client.create<Note>('notes', { owner, n: i }))).id);
        } else if (roll < 4) {
          const id = mine[i % mine.length] as string;
          // Some updates move records between owners, in and out of the filter.
          await retry(() => client.update<Note>('notes', id, { n: i, owner: roll === 3 ? 'w1' : owner }));
        } else {
          const id = mine.splice(i % mine.length, 1)[0] as string;
          await retry(() => client.remove('notes', id)).catch((err) => {
            if (err.code !== 'RECORD_NOT_FOUND') throw err; // the first attempt went through
          });
        }
      }
    };
    const round1 = Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => writer(w, 40)));
    await round1;
    // Restart mid-stream: the collections resume from their last ids.
    const port = server!.port;
    await server!.close();
    server = await start(port);
    await Promise.all(['w1', 'w2', 'w5'].map((w) => writer(w, 30)));

    const expectedAll = summary(await client.listAll<Note>('notes'));
    const expectedFiltered = summary(await client.listAll<Note>('notes', { owner: 'w1' }));
    expect(expectedAll.length).toBeGreaterThan(10);
    await waitUntil(() => summary(all.records).join() === expectedAll.join(), 15_000, 'convergence');
    await waitUntil(() => summary(filtered.records).join() === expectedFiltered.join(), 15_000, 'filtered convergence');
    expect(new Set(all.records.map((r) => r.id)).size).toBe(all.records.length);
  });

  it('records helpers throw the server error code', async () => {
    const client = createClient({ url: server!.url });
    await expect(client.get('notes', '01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toMatchObject({
      code: 'RECORD_NOT_FOUND',
      status: 404,
    });
    await expect(client.create('bad name!', { a: 1 })).rejects.toMatchObject({ code: 'INVALID_COLLECTION' });
  });
});
