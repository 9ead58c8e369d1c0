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
