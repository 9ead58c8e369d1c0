// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { compileRules, type RuleAction } from './rules.js';

const compileError = (sources: unknown) => {
  try {
    compileRules(sources, 'collections.messages.rules');
    return undefined;
  } catch (err) {
    return err as { code: string; message: string };
  }
};

describe('collection rules (CEL)', () => {
  it('evaluates auth, record and data; only an exact true allows', () => {
    const rules = compileRules(
      {
        read: 'record.data.room in auth.rooms',
        create: 'auth != null && data.author == auth.sub',
        update: 'auth != null && record.data.author == auth.sub && data.author == record.data.author',
        delete: 'record.data.author',
      },
      'r',
    );
    const ada = { sub: 'ada', rooms: ['a', 'b'] };
    const record = { id: '1', data: { author: 'ada', room: 'a' }, version: 1 };
    expect(rules.allows('read', { auth: ada, record })).toBe(true);
    expect(rules.allows('read', { auth: { sub: 'bob', rooms: ['c'] }, record })).toBe(false);
    expect(rules.allows('create', { auth: ada, data: { author: 'ada' } })).toBe(true);
    expect(rules.allows('create', { auth: ada, data: { author: 'bob' } })).toBe(false);
    expect(rules.allows('create', { auth: null, data: { author: 'ada' } })).toBe(false);
    expect(rules.allows('update', { auth: ada, record, data: { author: 'ada' } })).toBe(true);
    expect(rules.allows('update', { auth: ada, record, data: { author: 'eve' } })).toBe(false);
    expect(rules.allows('delete', { auth: ada, record })).toBe(false); // a string (dyn at compile time) is not true
  });

  it('denies on a run-time error and reports it once', () => {
    const reported: [RuleAction, string][] = [];
    const rules = compileRules({ read: 'auth.sub == "ada"' }, 'r', (action, _source, err) =>
      reported.push([action, err.message]),
    );
    expect(rules.allows('read', { auth: null, record: {} })).toBe(false); // no key "sub" on null
    expect(rules.allows('read', { auth: {}, record: {} })).toBe(false);
    expect(rules.allows('read', { auth: { sub: 'ada' }, record: {} })).toBe(true);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.[0]).toBe('read');
  });

  it('denies an action without a rule', () => {
    const rules = compileRules({ read: 'true' }, 'r');
    expect(rules.has('update')).toBe(false);
    expect(rules.allows('update', { auth: { sub: 'ada' }, record: {}, data: {} })).toBe(false);
  });

  it('refuses at compile time with the action and the position', () => {
    expect(compileError({ update: 'auth != null &&\n  record.data.author ==' })).toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(/^collections\.messages\.rules\.update: .* at line 2, column \d+/),
    });
    expect(compileError({ read: 'user.id == 1' })?.message).toMatch(
      /collections\.messages\.rules\.read: Unknown variable: user at line 1, column 1/,
    );
    expect(compileError({ read: '1 + 2' })?.message).toMatch(/must be a boolean expression/);
    expect(compileError({ read: '"a" + 1 == 2' })?.message).toMatch(/rules\.read: no such overload/);
    expect(compileError({ write: 'true' })?.message).toMatch(/unknown action "write"/);
    expect(compileError({ read: 3 })?.message).toMatch(/rules\.read must be a non-empty CEL expression/);
    expect(compileError(['true'])?.code).toBe('INVALID_CONFIG');
  });
});

describe('authKey: which claims a rule can tell apart', () => {
  const key = (rule: string, auth: Record<string, unknown> | null) =>
    compileRules({ read: rule }, 'r').authKey('read', auth);

  it('is equal for identities whose claims the rule reads agree, different otherwise', () => {
    const rule = 'record.data.room in auth.rooms';
    expect(key(rule, { sub: 'ada', rooms: ['a'] })).toBe(key(rule, { sub: 'bob', rooms: ['a'], extra: 1 }));
    expect(key(rule, { sub: 'ada', rooms: ['a'] })).not.toBe(key(rule, { sub: 'ada', rooms: ['b'] }));
    // A missing claim and a null claim can evaluate differently (has()): they must not share.
    expect(key(rule, { sub: 'ada' })).not.toBe(key(rule, { sub: 'ada', rooms: null }));
    expect(key(rule, null)).not.toBe(key(rule, {}));
  });

  it('follows every field the rule reads, including inside has() and null checks', () => {
    const rule = 'auth != null && (has(auth.role) && auth.role == "mod" || record.data.author == auth.sub)';
    expect(key(rule, { sub: 'ada', role: 'mod' })).not.toBe(key(rule, { sub: 'bob', role: 'mod' }));
    expect(key(rule, { sub: 'ada', role: 'mod', rooms: ['x'] })).toBe(key(rule, { sub: 'ada', role: 'mod' }));
  });

  it('falls back to the whole claims when the rule uses auth in another way', () => {
    const rule = 'auth["rooms"].size() > 0';
    expect(key(rule, { sub: 'ada', rooms: ['a'] })).not.toBe(key(rule, { sub: 'bob', rooms: ['a'] }));
  });

  it('agrees with evaluation: equal keys never give different answers', () => {
    const rules = compileRules({ read: 'has(auth.rooms) && record.data.room in auth.rooms' }, 'r');
    const claims = [{ rooms: ['a'] }, { rooms: ['a'], sub: 'x' }, { rooms: ['b'] }, {}, { rooms: [] }];
    const records = ['a', 'b'].map((room) => ({ data: { room } }));
    for (const x of claims) {
      for (const y of claims) {
        if (rules.authKey('read', x) !== rules.authKey('read', y)) continue;
        for (const record of records) {
          expect(rules.allows('read', { auth: x, record })).toBe(rules.allows('read', { auth: y, record }));
        }
      }
    }
  });
});
