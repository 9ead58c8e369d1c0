import { describe, expect, it } from 'vitest';
import { OPEN_PRINCIPAL, type Principal, tokenPrincipal } from '../auth/principal.js';
import type { SseHubError } from '../errors.js';
import { CollectionAccess } from './collection-access.js';
import type { CollectionRecord } from './collection-record.js';

const user = (sub: string, admin = false): Principal =>
  tokenPrincipal({ sub }, { subscribe: ['**'], publish: ['**'], admin });
const record = (owner: string): CollectionRecord => ({
  id: 'r1',
  data: { owner },
  version: 1,
  createdAt: 0,
  updatedAt: 0,
});

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as SseHubError).code}: ${(err as Error).message}`;
  }
  throw new Error('allowed');
}

describe('CollectionAccess', () => {
  it('names the action and why, for an action without a rule and for a rule that says no', () => {
    const access = new CollectionAccess();
    access.configure('tasks', { read: 'record.data.owner == auth.sub', create: 'false', update: 'false' });
    const ann = user('ann');
    expect(message(() => access.assertMayAttempt(ann, 'delete', 'tasks'))).toBe(
      'FORBIDDEN: Deleting records of "tasks" needs an admin token',
    );
    expect(message(() => access.assert(ann, 'create', 'tasks', { data: {} }))).toBe(
      'FORBIDDEN: Creating records in "tasks" is not permitted for this identity',
    );
    expect(message(() => access.assert(ann, 'update', 'tasks', { record: record('ann'), data: {} }))).toBe(
      'FORBIDDEN: Updating records of "tasks" is not permitted for this identity',
    );
    expect(message(() => access.assert(ann, 'read', 'tasks', { record: record('bob') }))).toBe(
      'FORBIDDEN: Reading records of "tasks" is not permitted for this identity',
    );
    expect(message(() => access.assert(ann, 'read', 'other', { record: record('ann') }))).toBe(
      'FORBIDDEN: Reading records of "other" needs an admin token',
    );
    access.assert(ann, 'read', 'tasks', { record: record('ann') });
  });

  it('lets open mode and admins past every rule, and nobody else', () => {
    const access = new CollectionAccess();
    for (const principal of [OPEN_PRINCIPAL, user('root', true)]) {
      expect(CollectionAccess.bypasses(principal)).toBe(true);
      expect(access.mayAttempt(principal, 'delete', 'none')).toBe(true);
      access.assert(principal, 'delete', 'none', {});
      expect(access.readFilter(principal, 'none')).toBeUndefined();
      expect(access.readKey(principal, 'none')).toBe('*');
    }
    expect(CollectionAccess.bypasses(user('ann'))).toBe(false);
    expect(access.mayAttempt(user('ann'), 'read', 'none')).toBe(false);
  });

  it('reads nothing without a read rule, and by the rule with one', () => {
    const access = new CollectionAccess();
    expect(access.readFilter(user('ann'), 'tasks')?.(record('ann'))).toBe(false);
    expect(access.readKey(user('ann'), 'tasks')).toBe('none');
    access.configure('tasks', { read: 'record.data.owner == auth.sub' });
    const filter = access.readFilter(user('ann'), 'tasks');
    expect(filter?.(record('ann'))).toBe(true);
    expect(filter?.(record('bob'))).toBe(false);
    expect(access.readKey(user('ann'), 'tasks')).not.toBe(access.readKey(user('bob'), 'tasks'));
    access.configure('notes', { create: 'true' });
    expect(access.readFilter(user('ann'), 'notes')?.(record('ann'))).toBe(false);
  });

  it('names the collection and action of a rule that does not compile', () => {
    expect(message(() => new CollectionAccess().configure('tasks', { read: 'record.' }))).toMatch(
      /^INVALID_CONFIG: .*collections\.tasks\.rules\.read/,
    );
  });
});
