import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/log/sqlite-driver.js';
import { call, collectionsTempDir, listAll, openLive, seqOf } from './fixtures/collections-support.js';
import { waitUntil } from './support/wait.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/collections-serve.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

const children: Child[] = [];
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function startChild(dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child hub did not start in 20 s:\n${output}`)), 20_000);
    child.stdout?.on('data', (d) => {
      output += d;
      const match = /PORT (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(() => reject(new Error(`child hub exited early:\n${output}`)));
  });
  const started = { process: child, url: `http://127.0.0.1:${port}`, exited };
  children.push(started);
  return started;
}

type Ack = { op: 'insert' | 'update' | 'delete'; id: string; version: number };

describe('collections survive kill -9', () => {
  it('keeps every acknowledged write with its event, and a live client resumes with exactly the missing changes', async () => {
    const dir = collectionsTempDir();
    cleanups.push(() => dir.remove());
    const first = await startChild(dir.path);
    for (let i = 0; i < 10; i++) await call(first.url, 'POST', '/collections/tasks/records', { seed: i });

    const client = await openLive(first.url, 'tasks');
    cleanups.push(() => client.close());
    await waitUntil(() => client.state.snapshots === 1, 15_000, 'the first snapshot');

    // Each writer works on its own records, so the outcome of every acknowledged write is known.
    const acks: Ack[] = [];
    const writer = async (w: number) => {
      const mine: { id: string; version: number }[] = [];
      try {
        for (let i = 0; ; i++) {
          const target = mine[i % Math.max(mine.length, 1)];
          if (i % 3 === 0 || !target) {
            const reply = await call(first.url, 'POST', '/collections/tasks/records', { w, i });
            if (reply.status !== 201) throw new Error(`insert answered ${reply.status}`);
            mine.push({ id: reply.body.id, version: 1 });
            acks.push({ op: 'insert', id: reply.body.id, version: 1 });
          } else if (i % 7 === 0) {
            const reply = await call(first.url, 'DELETE', `/collections/tasks/records/${target.id}`);
            if (reply.status !== 200) throw new Error(`delete answered ${reply.status}`);
            mine.splice(mine.indexOf(target), 1);
            acks.push({ op: 'delete', id: target.id, version: target.version });
          } else {
            const reply = await call(first.url, 'PATCH', `/collections/tasks/records/${target.id}`, { i });
            if (reply.status !== 200) throw new Error(`update answered ${reply.status}`);
            target.version = reply.body.version;
            acks.push({ op: 'update', id: target.id, version: reply.body.version });
          }
        }
      } catch {
        // the hub was killed: requests in flight are not acknowledged
      }
    };
    const writers = [1, 2, 3, 4].map(writer);
    await waitUntil(() => acks.length >= 200, 15_000, '200 acknowledged writes');
    first.process.kill('SIGKILL');
    await first.exited;
    await Promise.all(writers);
    await client.ended;
    const resumeFrom = client.state.lastEventId;
    expect(seqOf(resumeFrom)).toBeGreaterThan(seqOf(client.state.snapshotPosition));

    const second = await startChild(dir.path);
    const records = new Map((await listAll(second.url, 'tasks')).map((r) => [r.id, r]));
    const deleted = new Set(acks.filter((a) => a.op === 'delete').map((a) => a.id));
    for (const ack of acks) {
      if (deleted.has(ack.id)) expect(records.has(ack.id), `deleted ${ack.id}`).toBe(false);
      else expect(records.get(ack.id)?.version ?? 0, `${ack.op} ${ack.id}`).toBeGreaterThanOrEqual(ack.version);
    }

    // The live client resumes on the restarted hub: no snapshot, exactly the changes after its last id.
    const probe = await openLive(second.url, 'tasks');
    await waitUntil(() => probe.state.snapshots === 1, 15_000, 'a probe snapshot');
    probe.close();
    const head = seqOf(probe.state.snapshotPosition);
    const resumed = await openLive(second.url, 'tasks', { lastEventId: resumeFrom });
    cleanups.push(() => resumed.close());
    const before = client.state.changeIds.length;
    for (const event of resumed.events.splice(0)) client.state.apply(event.type, event.data, event.lastEventId);
    await waitUntil(
      () => {
        for (const event of resumed.events.splice(0)) client.state.apply(event.type, event.data, event.lastEventId);
        return seqOf(client.state.lastEventId) === head;
      },
      15_000,
      'the resumed client to catch up',
    );
    expect(client.state.snapshots).toBe(1);
    expect(client.state.changeIds.slice(before).map(seqOf)).toEqual(
      Array.from({ length: head - seqOf(resumeFrom) }, (_, k) => seqOf(resumeFrom) + k + 1),
    );
    expect([...client.state.sorted()]).toEqual([...records.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));

    // Every acknowledged write has its change event in the log.
    second.process.kill('SIGTERM');
    await second.exited;
    const db = openSqlite(join(dir.path, 'ssehub.db'), { readonly: true });
    const events = (db.prepare('SELECT type, data FROM events').all() as { type: string; data: string }[]).map((e) => {
      const change = JSON.parse(e.data);
      return `${e.type} ${change.id} ${change.record.version}`;
    });
    db.close();
    const logged = new Set(events);
    for (const ack of acks) expect(logged.has(`${ack.op} ${ack.id} ${ack.version}`), JSON.stringify(ack)).toBe(true);
    expect(events.length).toBe(head);
  });
});
