import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeConnection } from '../../test/support/fake-connection.js';
import type { Connection } from './connection.js';
import { writeSliced } from './sliced-write.js';

const KIB = 1024;
const frameOf = (bytes: number) => Buffer.alloc(bytes, 'a');
const always = () => true;

/** A socket whose reader stopped, and whose close event comes on a later tick (as node's does). */
function stuckConnection(queued: number): Connection & { destroyed: boolean; writes: number } {
  return {
    bufferedBytes: queued,
    destroyed: false,
    writes: 0,
    write() {
      this.writes++;
    },
    end() {},
    destroy() {
      this.destroyed = true;
    },
    onClose() {},
    onDrain() {},
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('writeSliced', () => {
  it('hands a frame of at most one slice (64 KiB) over as is', async () => {
    const connection = new FakeConnection();
    const frame = frameOf(64 * KIB);
    expect(await writeSliced(connection, frame, 1024 * KIB, always)).toBe(true);
    expect(connection.chunks).toHaveLength(1);
    expect(connection.chunks[0]).toBe(frame);
  });

  it('writes a larger frame as 64 KiB copies, in order, and resolves true once flushed', async () => {
    const connection = new FakeConnection();
    const frame = Buffer.from(Array.from({ length: 200 * KIB }, (_, i) => i % 251));
    expect(await writeSliced(connection, frame, 1024 * KIB, always)).toBe(true);
    expect(connection.chunks.map((c) => c.length)).toEqual([64 * KIB, 64 * KIB, 64 * KIB, 8 * KIB]);
    expect(Buffer.concat(connection.chunks).equals(frame)).toBe(true);
    // Copies, not views: a queued slice must not keep the whole frame alive.
    for (const chunk of connection.chunks) expect(chunk.buffer === frame.buffer).toBe(false);
  });

  it('queues at most the bound: waits for a drain when one more slice would exceed it', async () => {
    const connection = new FakeConnection();
    connection.stall();
    const frame = frameOf(200 * KIB);
    let result: boolean | undefined;
    const writing = writeSliced(connection, frame, 128 * KIB, always).then((r) => {
      result = r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    // 64 + 64 fits exactly; a third slice would make 192 KiB > 128 KiB.
    expect(connection.chunks).toHaveLength(2);
    expect(connection.bufferedBytes).toBe(128 * KIB);
    expect(result).toBeUndefined();
    connection.drain();
    await writing;
    expect(result).toBe(true);
    expect(Buffer.concat(connection.chunks).length).toBe(200 * KIB);
  });

  it('writes a first slice even when the bound is smaller than a slice (nothing queued yet)', async () => {
    const connection = new FakeConnection();
    expect(await writeSliced(connection, frameOf(100 * KIB), 16 * KIB, always)).toBe(true);
    expect(connection.chunks).toHaveLength(2);
  });

  it('waits for the last slices to leave before resolving', async () => {
    const connection = new FakeConnection();
    connection.stall();
    let result: boolean | undefined;
    const writing = writeSliced(connection, frameOf(100 * KIB), 1024 * KIB, always).then((r) => {
      result = r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(connection.chunks).toHaveLength(2);
    expect(result).toBeUndefined();
    connection.drain();
    await writing;
    expect(result).toBe(true);
  });

  it('resolves false without writing when the stream is already closed', async () => {
    const connection = new FakeConnection();
    expect(await writeSliced(connection, frameOf(10), 1024 * KIB, () => false)).toBe(false);
    expect(connection.chunks).toHaveLength(0);
  });

  it('stops and resolves false when the stream closes while it waits for a drain', async () => {
    const connection = new FakeConnection();
    connection.stall();
    let open = true;
    const writing = writeSliced(connection, frameOf(300 * KIB), 128 * KIB, () => open);
    await new Promise((resolve) => setImmediate(resolve));
    open = false;
    connection.drain();
    expect(await writing).toBe(false);
    expect(connection.chunks).toHaveLength(2);
  });

  it('resolves false when the stream closed during the final drain', async () => {
    const connection = new FakeConnection();
    connection.stall();
    let open = true;
    const writing = writeSliced(connection, frameOf(100 * KIB), 1024 * KIB, () => open);
    await new Promise((resolve) => setImmediate(resolve));
    open = false;
    connection.drain();
    expect(await writing).toBe(false);
  });

  it('destroys a connection that does not drain for 30 s, and resolves false', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const connection = new FakeConnection();
    connection.stall();
    let result: boolean | undefined;
    const writing = writeSliced(connection, frameOf(300 * KIB), 128 * KIB, () => !connection.ended).then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(connection.destroyed).toBe(false);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await writing;
    expect(connection.destroyed).toBe(true);
    expect(result).toBe(false);
    expect(connection.chunks).toHaveLength(2);
  });

  it('does not destroy a connection that drained in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const connection = new FakeConnection();
    connection.stall();
    const writing = writeSliced(connection, frameOf(300 * KIB), 128 * KIB, always);
    await vi.advanceTimersByTimeAsync(29_000);
    connection.drain();
    expect(await writing).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connection.destroyed).toBe(false);
  });

  it('does not wait for a drain when nothing is queued (a socket then never emits one)', async () => {
    const connection = new FakeConnection();
    let waits = 0;
    const onDrain = connection.onDrain.bind(connection);
    connection.onDrain = (listener) => {
      waits++;
      onDrain(listener);
    };
    expect(await writeSliced(connection, frameOf(100 * KIB), 1024 * KIB, always)).toBe(true);
    expect(waits).toBe(0);
  });

  it('reports a stall during the final drain as a failure', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stuck = stuckConnection(10);
    let result: boolean | undefined;
    const writing = writeSliced(stuck, frameOf(100), 1024 * KIB, always).then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(result).toBe(false);
    expect(stuck.writes).toBe(1);
    expect(stuck.destroyed).toBe(true);
    await writing;
  });

  it('gives up at the stall even if the socket reports its close later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stuck = stuckConnection(64 * KIB);
    let result: boolean | undefined;
    const writing = writeSliced(stuck, frameOf(300 * KIB), 100 * KIB, always).then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(result).toBe(false);
    expect(stuck.destroyed).toBe(true);
    expect(stuck.writes).toBe(0);
    await writing;
  });
});
