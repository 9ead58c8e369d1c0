import { describe, expect, it } from 'vitest';
import { CONTROL_EVENTS, sessionPath } from './wire.js';

describe('wire contract', () => {
  it('puts the session id into its path encoded', () => {
    expect(sessionPath('abc_-1')).toBe('events/sessions/abc_-1');
    expect(sessionPath('a/b?c')).toBe('events/sessions/a%2Fb%3Fc');
  });

  it('reserves the hub’s control event types', () => {
    expect(CONTROL_EVENTS).toEqual(['reset', 'snapshot', 'session']);
  });
});
