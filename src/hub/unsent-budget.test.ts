import { describe, expect, it } from 'vitest';
import { refusal } from '../../test/support/refusal.js';
import { UnsentBudget } from './unsent-budget.js';

describe('UnsentBudget', () => {
  it('reserves up to exactly its limit and refuses one byte more with HUB_BUSY naming both sizes', () => {
    const budget = new UnsentBudget(100);
    expect(budget.limit).toBe(100);
    budget.reserve(60);
    const lease = budget.reserve(40);
    expect(lease.bytes).toBe(40);
    expect(budget.used).toBe(100);
    const err = refusal(() => budget.reserve(1));
    expect(err.code).toBe('HUB_BUSY');
    expect(err.message).toContain('holds 100 bytes');
    expect(err.message).toContain('limit 100');
    expect(budget.used).toBe(100); // a refused reservation takes nothing
  });

  it('counts what streams queued at the last sweep against the same limit', () => {
    const budget = new UnsentBudget(100);
    budget.streamBytes = 30;
    budget.reserve(50);
    expect(budget.used).toBe(80);
    expect(refusal(() => budget.reserve(21)).code).toBe('HUB_BUSY');
    budget.reserve(20);
    expect(budget.used).toBe(100);
  });

  it('gives the bytes back once on release, however often release is called', () => {
    const budget = new UnsentBudget(100);
    const a = budget.reserve(70);
    const b = budget.reserve(30);
    a.release();
    expect(budget.used).toBe(30);
    a.release();
    expect(budget.used).toBe(30);
    b.release();
    expect(budget.used).toBe(0);
    budget.reserve(100);
  });

  it('grows a lease only if the growth fits, and shrinks it freely', () => {
    const budget = new UnsentBudget(100);
    budget.reserve(20);
    const lease = budget.reserve(50);
    lease.resize(80);
    expect(lease.bytes).toBe(80);
    expect(budget.used).toBe(100);
    expect(refusal(() => lease.resize(81)).code).toBe('HUB_BUSY');
    expect(lease.bytes).toBe(80); // a refused growth keeps the old size
    expect(budget.used).toBe(100);
    lease.resize(10);
    expect(lease.bytes).toBe(10);
    expect(budget.used).toBe(30);
    lease.resize(10);
    expect(budget.used).toBe(30);
    lease.release();
    expect(budget.used).toBe(20);
  });

  it('ignores a resize after release', () => {
    const budget = new UnsentBudget(100);
    const lease = budget.reserve(40);
    lease.release();
    lease.resize(90);
    expect(budget.used).toBe(0);
    lease.resize(200); // would throw if it still took bytes
    expect(budget.used).toBe(0);
  });
});
