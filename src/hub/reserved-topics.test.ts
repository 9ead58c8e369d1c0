import { describe, expect, it } from 'vitest';
import { OPEN_PRINCIPAL } from '../auth/principal.js';
import { hideReserved, INTERNAL_PRINCIPAL, isReservedTopic, RESERVED_ROOT } from './reserved-topics.js';

describe('reserved topics', () => {
  it('are the root `_ssehub` and what is under it, nothing else', () => {
    expect(RESERVED_ROOT).toBe('_ssehub');
    expect(isReservedTopic('_ssehub')).toBe(true);
    expect(isReservedTopic('_ssehub/canary/n1')).toBe(true);
    expect(isReservedTopic('_ssehubx')).toBe(false);
    expect(isReservedTopic('a/_ssehub')).toBe(false);
    expect(isReservedTopic('a/_ssehub/')).toBe(false);
  });

  it('are published by the internal principal, which has every right but is told apart from open mode', () => {
    expect(INTERNAL_PRINCIPAL.key).toBe('internal');
    expect(INTERNAL_PRINCIPAL).not.toBe(OPEN_PRINCIPAL);
    expect(INTERNAL_PRINCIPAL.rights).toBe(OPEN_PRINCIPAL.rights);
    expect(INTERNAL_PRINCIPAL.kind).toBe('open');
  });

  describe('hideReserved', () => {
    const only = (allowed: string[]) => (t: string) => allowed.includes(t);

    it('changes nothing for a stream that names the root or has no wildcard', () => {
      const permits = only(['a']);
      expect(hideReserved(['_ssehub/**'], permits)).toBe(permits);
      expect(hideReserved(['**', '_ssehub'], undefined)).toBeUndefined();
      expect(hideReserved(['a', 'b'], permits)).toBe(permits);
      expect(hideReserved(['a'], undefined)).toBeUndefined();
    });

    it('hides the reserved topics from a wildcard stream that may read everything', () => {
      const permits = hideReserved(['a', '**'], undefined);
      expect(permits?.('x/y')).toBe(true);
      expect(permits?.('_ssehub')).toBe(false);
      expect(permits?.('_ssehub/canary/n')).toBe(false);
    });

    it('hides them on top of narrower rights', () => {
      const permits = hideReserved(['*/x'], only(['a/x', '_ssehub/x']));
      expect(permits?.('a/x')).toBe(true);
      expect(permits?.('b/x')).toBe(false);
      expect(permits?.('_ssehub/x')).toBe(false);
    });
  });
});
