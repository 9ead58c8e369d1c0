// @ts-nocheck
import { compilePatterns, type TopicMatcher } from '../protocol/topic.js';

/**
 * What a principal may do, as topic patterns in the hub's own syntax (`*` one
 * segment, `**` any rest). `admin` may also write any record and schema, read
 * metrics, and bypasses collection rules.
 */
export interface Rights {
  readonly subscribe: readonly string[];
  readonly publish: readonly string[];
  readonly admin: boolean;
}

/** Every topic: the rights of open mode and of admins. */
export const EVERY_TOPIC = '**';

export const ALL_RIGHTS: Rights = Object.freeze({ subscribe: [EVERY_TOPIC], publish: [EVERY_TOPIC], admin: true });

export const NO_RIGHTS: Rights = Object.freeze({ subscribe: [], publish: [], admin: false });

/**
 * Whether two validated patterns have at least one topic in common. Walks both
 * segment by segment: `**` matches any rest (also none), `*` any one segment.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (p === '**' || q === '**') return true;
    if (p === undefined || q === undefined) return p === q;
    if (p !== '*' && q !== '*' && p !== q) return false;
  }
}

/** The patterns of `permitted` that some requested pattern overlaps: empty when the request permits nothing. */
export function overlapping(requested: readonly string[], permitted: readonly string[]): string[] {
  return permitted.filter((p) => requested.some((r) => patternsOverlap(r, p)));
}

/** A matcher for `patterns`; undefined when they permit every topic (so callers skip the check). */
export function permitMatcher(patterns: readonly string[]): TopicMatcher | undefined {
  if (patterns.includes(EVERY_TOPIC)) return undefined;
  if (patterns.length === 0) return () => false;
  return compilePatterns(patterns);
}
