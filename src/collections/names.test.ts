import { describe, expect, it } from 'vitest';
import { refusal } from '../../test/support/refusal.js';
import { assertCollectionName, assertRecordId, collectionTopic, recordTopic } from './names.js';

describe('collection names', () => {
  it('are a lower-case letter, then up to 63 of a-z, 0-9, "_" and "-"', () => {
    for (const name of ['a', 'tasks', 'my_tasks-2', `a${'b'.repeat(63)}`])
      expect(assertCollectionName(name)).toBe(name);
    for (const name of ['', '1a', '_a', 'A', 'aB', 'a b', 'a.b', 'a/b', `a${'b'.repeat(64)}`, 'a\n']) {
      expect(refusal(() => assertCollectionName(name)).code, JSON.stringify(name)).toBe('INVALID_COLLECTION');
    }
  });

  it('are named in the refusal, cut to 80 characters', () => {
    expect(refusal(() => assertCollectionName('Bad')).message).toBe(
      'Collection names match ^[a-z][a-z0-9_-]{0,63}$ (lower-case letter first, then a-z, 0-9, "_" or "-"); got "Bad"',
    );
    expect(refusal(() => assertCollectionName('X'.repeat(100))).message).toMatch(
      new RegExp(`got "${'X'.repeat(80)}"$`),
    );
  });
});

describe('record ids', () => {
  it('are 1 to 64 URL-safe characters', () => {
    for (const id of ['a', 'A-b_9', 'x'.repeat(64)]) expect(assertRecordId(id)).toBe(id);
    for (const id of ['', 'x'.repeat(65), 'a b', 'a/b', 'a.b', 'é', 'a\n']) {
      expect(refusal(() => assertRecordId(id)).code, JSON.stringify(id)).toBe('INVALID_RECORD_ID');
    }
  });

  it('are named in the refusal, cut to 80 characters', () => {
    expect(refusal(() => assertRecordId('a b')).message).toBe('Record ids match ^[A-Za-z0-9_-]{1,64}$; got "a b"');
    expect(refusal(() => assertRecordId('Y'.repeat(100))).message).toMatch(new RegExp(`got "${'Y'.repeat(80)}"$`));
  });
});

describe('collection topics', () => {
  it('are collections/<name> and collections/<name>/<id>', () => {
    expect(collectionTopic('tasks')).toBe('collections/tasks');
    expect(recordTopic('tasks', 'r1')).toBe('collections/tasks/r1');
  });
});
