import { afterEach, describe, expect, it } from 'vitest';
import { coreHub } from '../../test/support/core-hub.js';
import { FakeConnection } from '../../test/support/fake-connection.js';
import { refusedWith as refusal } from '../../test/support/refusal.js';
import { anonymousPrincipal, OPEN_PRINCIPAL, type Principal, tokenPrincipal } from '../auth/principal.js';
import { MemoryEventLog } from '../log/memory-log.js';
import type { Hub, HubSettings } from './hub.js';
import { INTERNAL_PRINCIPAL } from './reserved-topics.js';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

async function startHub(settings: Partial<HubSettings> = {}): Promise<Hub> {
  const hub = coreHub(new MemoryEventLog(), settings);
  hubs.push(hub);
  await hub.start();
  return hub;
}

function reader(sub: string, subscribe: string[], publish: string[] = [], admin = false): Principal {
  return tokenPrincipal({ sub }, { subscribe, publish, admin });
}

describe('Hub.publish', () => {
  it('appends and resolves with the stored event, with the adapter meta', async () => {
    const hub = await startHub();
    const stored = await hub.publish({ topic: 'a', type: 'x', data: 'd' }, OPEN_PRINCIPAL, {
      meta: { externalId: 'ext-1' },
    });
    expect(stored).toMatchObject({ seq: 1, topics: ['a'], type: 'x', data: 'd' });
    expect((await hub.log.readAfter(0, 10))[0]?.meta).toEqual({ externalId: 'ext-1' });
    expect(await hub.eventIdOf('ext-1')).toBe(stored.id);
    expect(await hub.eventIdOf('ext-2')).toBeUndefined();
  });

  it('refuses a principal without publish rights on the topic, and writes nothing', async () => {
    const hub = await startHub();
    expect((await refusal(() => hub.publish({ topic: 'a', data: 'd' }, reader('u', ['**'], ['b'])))).code).toBe(
      'FORBIDDEN',
    );
    expect((await hub.log.position()).head).toBe(0);
  });

  it('keeps the reserved root for the hub itself', async () => {
    const hub = await startHub();
    expect(await refusal(() => hub.publish({ topic: ['a', '_ssehub/canary/n1'], data: 'd' }))).toEqual({
      code: 'FORBIDDEN',
      message: `Topics under "_ssehub/" are the hub's own; "_ssehub/canary/n1" cannot be published to`,
    });
    expect((await hub.log.position()).head).toBe(0);
    await hub.publish({ topic: '_ssehub/canary/n1', data: 'd' }, INTERNAL_PRINCIPAL);
    expect((await hub.log.position()).head).toBe(1);
  });

  it('lets an adapter publish under its own root only', async () => {
    const hub = await startHub();
    await hub.publish({ topic: 'mercure/x', data: 'd' }, OPEN_PRINCIPAL, { root: 'mercure' });
    expect((await refusal(() => hub.publish({ topic: 'mercure/x', data: 'd' }))).code).toBe('INVALID_TOPIC');
  });

  it('refuses publishes and new streams once closing', async () => {
    const hub = await startHub();
    await hub.close();
    expect(hub.closing).toBe(true);
    expect(await refusal(() => hub.publish({ topic: 'a', data: 'd' }))).toEqual({
      code: 'SHUTTING_DOWN',
      message: 'The hub is shutting down',
    });
    expect(await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['a'] }))).toEqual({
      code: 'SHUTTING_DOWN',
      message: 'The hub is shutting down',
    });
  });
});

describe('Hub.admit', () => {
  it('normalizes the patterns and keys the ticket by patterns, rights and view', async () => {
    const hub = await startHub();
    const principal = reader('u', ['b', 'a/**']);
    const ticket = hub.admit(principal, { topics: ['b', 'a/**', 'b'], clientAddress: '10.0.0.1' });
    expect(ticket.patterns).toEqual(['a/**', 'b']);
    expect(ticket.groupKey).toBe('a/** b|a/** b|');
    expect(ticket.quotaKey).toBe('sub:u');
    expect(ticket.matches('a/x')).toBe(true);
    expect(ticket.matches('c')).toBe(false);
    expect(ticket.permits?.('b')).toBe(true);
    expect(ticket.permits?.('c')).toBe(false);
    expect(ticket.view).toBeUndefined();
    ticket.cancel();
    const anonymous = hub.admit(anonymousPrincipal(['**']), { topics: ['x'], clientAddress: '10.0.0.1' });
    expect(anonymous.quotaKey).toBe('addr:10.0.0.1');
    expect(anonymous.permits).toBeUndefined(); // may read everything it asked for
    // A wildcard stream that did not name the reserved root never sees it.
    const wide = hub.admit(anonymousPrincipal(['**']), { topics: ['**'] });
    expect(wide.permits?.('x')).toBe(true);
    expect(wide.permits?.('_ssehub/canary/n')).toBe(false);
    expect(hub.admit(anonymousPrincipal(['**']), { topics: ['x'] }).quotaKey).toBe('addr:?');
  });

  it('names the view in the group key', async () => {
    const hub = await startHub();
    hub.useViews(() => ({ key: 'v1', apply: (e) => e }));
    expect(hub.admit(OPEN_PRINCIPAL, { topics: ['a'] }).groupKey).toBe('a|**|v1');
  });

  it('refuses no topics, too many topics and invalid patterns', async () => {
    const hub = await startHub({ maxTopicsPerConnection: 3 });
    expect(await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: [] }))).toEqual({
      code: 'MISSING_TOPIC',
      message: 'Name at least one topic: /events?topic=chat (repeat topic= for more)',
    });
    hub.admit(OPEN_PRINCIPAL, { topics: ['a', 'b', 'c'] });
    expect(await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['a', 'b', 'c', 'd'] }))).toEqual({
      code: 'TOO_MANY_TOPICS',
      message: 'A stream may follow at most 3 topics; got 4',
    });
    expect((await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['a/**/b'] }))).code).toBe('INVALID_TOPIC');
  });

  it('refuses what the principal may not read, naming the patterns', async () => {
    const hub = await startHub();
    const principal = reader('u', ['a/**']);
    expect(await refusal(() => hub.admit(principal, { topics: ['b', 'c'] }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await refusal(() => hub.admit(principal, { topics: ['b', 'c'] }))).message).toContain(
      'Reading "b", "c" is not permitted for this identity',
    );
    // Overlapping is enough: the stream gets the part it may read.
    hub.admit(principal, { topics: ['**'] });
  });

  it('lets only admins name the reserved root', async () => {
    const hub = await startHub();
    const user = reader('u', ['**']);
    const refused = await refusal(() => hub.admit(user, { topics: ['_ssehub/canary/*'] }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toContain('readable with an admin token only');
    hub.admit(reader('root', ['**'], [], true), { topics: ['_ssehub/canary/*'] });
  });

  it('holds a slot per ticket up to maxConnections; cancel gives it back once', async () => {
    const hub = await startHub({ maxConnections: 2 });
    const a = hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    const b = hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    expect(await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['t'] }))).toEqual({
      code: 'TOO_MANY_CONNECTIONS',
      message: 'The hub is at its limit of 2 open streams; retry later',
    });
    a.cancel();
    a.cancel(); // idempotent: frees one slot, not two
    const c = hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    expect((await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['t'] }))).code).toBe('TOO_MANY_CONNECTIONS');
    // A started stream keeps its slot; its close gives it back.
    const connection = new FakeConnection();
    await hub.startStream(b, connection);
    expect((await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['t'] }))).code).toBe('TOO_MANY_CONNECTIONS');
    b.cancel(); // a started ticket holds no reservation any more: nothing to give back
    expect((await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['t'] }))).code).toBe('TOO_MANY_CONNECTIONS');
    connection.disconnect();
    hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    c.cancel();
  });

  it('does not count the hub’s internal streams against maxConnections', async () => {
    const hub = await startHub({ maxConnections: 1 });
    const internal = hub.admit(INTERNAL_PRINCIPAL, { topics: ['_ssehub/canary/n'], kind: 'internal' });
    await hub.startStream(internal, new FakeConnection());
    expect(hub.stats().connections).toBe(0);
    hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    expect((await refusal(() => hub.admit(OPEN_PRINCIPAL, { topics: ['t'] }))).code).toBe('TOO_MANY_CONNECTIONS');
  });

  it('holds maxStreamsPerClient streams per identity, released on cancel and on close', async () => {
    const hub = await startHub({ maxStreamsPerClient: 2 });
    const alice = reader('alice', ['**']);
    const first = hub.admit(alice, { topics: ['t'] });
    const second = hub.admit(alice, { topics: ['t'] });
    expect(await refusal(() => hub.admit(alice, { topics: ['t'] }))).toEqual({
      code: 'TOO_MANY_STREAMS',
      message: 'This client already has 2 open streams, the limit per client; close one or retry later',
    });
    hub.admit(reader('bob', ['**']), { topics: ['t'] }); // another identity has its own quota
    first.cancel();
    const connection = new FakeConnection();
    await hub.startStream(hub.admit(alice, { topics: ['t'] }), connection);
    expect((await refusal(() => hub.admit(alice, { topics: ['t'] }))).code).toBe('TOO_MANY_STREAMS');
    connection.disconnect();
    second.cancel();
    second.cancel();
    hub.admit(alice, { topics: ['t'] });
    hub.admit(alice, { topics: ['t'] });
    expect((await refusal(() => hub.admit(alice, { topics: ['t'] }))).code).toBe('TOO_MANY_STREAMS');
  });

  it('starts a ticket once, and not after cancel', async () => {
    const hub = await startHub();
    const ticket = hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    await hub.startStream(ticket, new FakeConnection());
    await expect(hub.startStream(ticket, new FakeConnection())).rejects.toThrow('A ticket starts one stream');
    const cancelled = hub.admit(OPEN_PRINCIPAL, { topics: ['t'] });
    cancelled.cancel();
    await expect(hub.startStream(cancelled, new FakeConnection())).rejects.toThrow('A ticket starts one stream');
  });
});
