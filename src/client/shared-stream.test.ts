import { afterEach, describe, expect, it } from 'vitest';
import { TabLocks } from '../../test/support/tab-locks.js';
import { waitUntil } from '../../test/support/wait.js';
import { SharedStream, type TabSharingApis } from './shared-stream.js';
import type { EventStream, StreamHandlers, StreamRequest } from './stream.js';
import type { ConnectionStatus, RawEvent } from './types.js';

/** A server stream the test drives: what one leader tab's real connection would report. */
class ScriptedStream implements EventStream {
  lastEventId: string;
  status: ConnectionStatus = 'live';
  closed = false;
  constructor(
    readonly request: StreamRequest,
    readonly handlers: StreamHandlers,
  ) {
    this.lastEventId = request.lastEventId ?? '';
  }
  emit(id: string, data: string): void {
    if (this.closed) throw new Error('emit on a closed stream');
    this.lastEventId = id;
    this.handlers.onEvent({ id, type: 'message', data });
    this.handlers.onId?.(id);
  }
  close(): void {
    this.closed = true;
  }
}

const streams: ScriptedStream[] = [];
const open = (request: StreamRequest, handlers: StreamHandlers) => {
  const stream = new ScriptedStream(request, handlers);
  streams.push(stream);
  return stream;
};

const tabs: SharedStream[] = [];
afterEach(() => {
  for (const tab of tabs.splice(0)) tab.close();
  streams.splice(0);
});

function openTab(apis: TabSharingApis, key: string, lastEventId?: string) {
  const received: RawEvent[] = [];
  const roles: string[] = [];
  const tab = new SharedStream(
    key,
    { url: 'http://hub/events?topic=t', types: [], lastEventId },
    { onEvent: (e) => received.push(e), onStatus: () => {}, onRole: (r) => roles.push(r) },
    open,
    apis,
  );
  tabs.push(tab);
  return { tab, received, roles };
}

const id = (seq: number) => `ep-${seq}`;
const data = (events: RawEvent[]) => events.map((e) => e.data);

describe('SharedStream tab hand-over', () => {
  it('counts every event exactly once in every tab across a leader hand-over', async () => {
    const apis: TabSharingApis = { locks: new TabLocks() as unknown as LockManager, BroadcastChannel };
    const key = `handover-${Math.random()}`;
    const a = openTab(apis, key, id(0));
    await waitUntil(() => streams.length === 1, 5000, 'the first leader');
    const b = openTab(apis, key);
    const c = openTab(apis, key);
    expect(a.tab.role).toBe('leader');
    expect(streams[0]?.request.lastEventId).toBe(id(0));
    const first = streams[0]!;
    for (let seq = 1; seq <= 5; seq++) first.emit(id(seq), String(seq));
    await waitUntil(() => [b, c].every((t) => t.received.length === 5), 5000, 'followers to get 1..5');
    expect([b.tab.role, c.tab.role]).toEqual(['follower', 'follower']);

    a.tab.close(); // the leader's tab closes: its lock goes to the next in line
    await waitUntil(() => streams.length === 2, 5000, 'a new leader');
    const second = streams[1]!;
    const leader = b.tab.role === 'leader' ? b : c;
    const follower = leader === b ? c : b;
    // The new leader resumes from the last event it saw, not from where it started.
    expect(second.request.lastEventId).toBe(id(5));
    expect(first.closed).toBe(true);
    for (let seq = 6; seq <= 8; seq++) second.emit(id(seq), String(seq));
    second.emit(id(9), 'end');
    await waitUntil(() => follower.received.at(-1)?.data === 'end', 5000, 'the end marker');
    const expected = ['1', '2', '3', '4', '5', '6', '7', '8', 'end'];
    expect(data(follower.received)).toEqual(expected);
    expect(data(leader.received)).toEqual(expected);
    expect(data(a.received)).toEqual(['1', '2', '3', '4', '5']);
    expect(follower.tab.lastEventId).toBe(id(9));
    expect(leader.roles).toEqual(['leader']);
    // Events relayed again (a leader whose server repeated them) are dropped by the follower.
    second.emit(id(8), '8');
    second.emit(id(10), 'end 2');
    await waitUntil(() => follower.received.at(-1)?.data === 'end 2', 5000, 'the second end marker');
    expect(data(follower.received)).toEqual([...expected, 'end 2']);
  });

  it('a tab joining late starts from the leader state, and resumes from it if it leads later', async () => {
    const apis: TabSharingApis = { locks: new TabLocks() as unknown as LockManager, BroadcastChannel };
    const key = `late-${Math.random()}`;
    const a = openTab(apis, key);
    await waitUntil(() => streams.length === 1, 5000, 'the leader');
    streams[0]!.emit(id(1), '1');
    streams[0]!.emit(id(2), '2');
    const late = openTab(apis, key);
    await waitUntil(() => late.tab.lastEventId === id(2), 5000, 'the leader state');
    expect(late.received).toEqual([]);
    a.tab.close();
    await waitUntil(() => streams.length === 2, 5000, 'the late tab to lead');
    expect(streams[1]?.request.lastEventId).toBe(id(2));
  });
});
