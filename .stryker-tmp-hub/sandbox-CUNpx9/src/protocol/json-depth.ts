// @ts-nocheck
import { SseHubError } from '../errors.js';

/**
 * Deepest nesting of arrays and objects accepted in event data, records and
 * filter values. JSON.parse copes with depths in the thousands, but JSON.stringify
 * and every recursive walk after it (schema validation, logging) overflow the
 * stack somewhere above ~4,000; real documents stay far below this bound.
 */
export const MAX_JSON_DEPTH = 128;

function tooDeep(max: number): SseHubError {
  return new SseHubError('JSON_TOO_DEEP', `JSON nested deeper than ${max} levels is refused`, { maxDepth: max });
}

/**
 * Throws JSON_TOO_DEEP when JSON text nests deeper than `max`, scanning the text
 * once without recursion (so it is safe to run before JSON.parse on any input).
 * Brackets inside strings are skipped; the text need not be valid JSON.
 */
export function assertJsonTextDepth(text: string, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw tooDeep(max);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/**
 * Throws JSON_TOO_DEEP when a value (data handed to `hub.publish()` or a record
 * from code) nests deeper than `max`. Iterative, so a hostile value cannot
 * overflow the stack here. An object reached again is walked again only when
 * reached deeper than before (JSON.stringify would expand it there); a cycle
 * therefore ends as JSON_TOO_DEEP.
 */
export function assertValueDepth(value: unknown, max = MAX_JSON_DEPTH): void {
  const stack: [unknown, number][] = [[value, 1]];
  const deepestSeen = new Map<object, number>();
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) throw tooDeep(max);
    if ((deepestSeen.get(current) ?? 0) >= depth) continue;
    deepestSeen.set(current, depth);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
}
