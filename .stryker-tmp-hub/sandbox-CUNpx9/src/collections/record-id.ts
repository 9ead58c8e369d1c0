// @ts-nocheck
import { randomBytes } from 'node:crypto';

/** Crockford base 32: ASCII order equals numeric order, so ids sort as strings. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const ID_LENGTH = TIME_CHARS + RANDOM_CHARS;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Time-sortable record ids in the ULID format: 26 characters, 48 bits of
 * millisecond time then 80 random bits. Ids from one generator strictly increase,
 * even within one millisecond or if the clock steps back, and `next(after)`
 * returns an id greater than `after`, so ascending ids are creation order.
 */
export class RecordIdGenerator {
  #last = '';

  /** A new id greater than every id this generator made and than `after` (if given). */
  next(now: number = Date.now(), after?: string): string {
    let id = encodeTime(now) + randomChars();
    const floor = after !== undefined && after > this.#last ? after : this.#last;
    if (id <= floor && ULID.test(floor)) id = increment(floor);
    this.#last = id;
    return id;
  }
}

function encodeTime(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  let out = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function randomChars(): string {
  const bytes = randomBytes(RANDOM_CHARS);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** The next id in sort order (carrying into the time part if the random part is exhausted). */
function increment(id: string): string {
  const chars = id.split('');
  for (let i = ID_LENGTH - 1; i >= 0; i--) {
    const digit = ALPHABET.indexOf(chars[i] as string);
    if (digit < 31) {
      chars[i] = ALPHABET[digit + 1] as string;
      return chars.join('');
    }
    chars[i] = '0';
  }
  throw new Error('record id space exhausted');
}
