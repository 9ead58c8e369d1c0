/**
 * Parsing of human units for the command line and environment:
 * durations (`500ms`, `15s`, `10m`, `2h`, `7d`; a bare number is milliseconds)
 * and sizes (`512`, `64kb`, `1mb`, `1gb`; a bare number is bytes).
 */
// @ts-nocheck

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;

const DURATION_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (DURATION_MS[(match[2] ?? 'ms').toLowerCase()] as number));
}

export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (SIZE_BYTES[(match[2] ?? 'b').toLowerCase()] as number));
}
