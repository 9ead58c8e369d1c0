// @ts-nocheck
import { InvalidArgumentError } from 'commander';
import { parseDuration, parseSize } from '../config/units.js';

/** Argument parsers for commander: each rejects bad input with a message naming the expected form. */
export function portArg(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  }
  return port;
}

export function positiveIntArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('expected a positive whole number.');
  }
  return n;
}

/** A rate per second: a non-negative number such as 20 or 0.5 (0 turns the limit off). */
export function rateArg(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('expected a number of events per second such as 20 or 0.5 (0 for no limit).');
  }
  return n;
}

export function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError('expected a duration such as 500ms, 15s, 10m, 2h or 7d.');
  return ms;
}

export function sizeArg(value: string): number {
  const bytes = parseSize(value);
  if (bytes === undefined || bytes <= 0) throw new InvalidArgumentError('expected a size such as 65536, 64kb or 1mb.');
  return bytes;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
