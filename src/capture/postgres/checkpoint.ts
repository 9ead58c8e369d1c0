/**
 * The capture checkpoint for PostgreSQL: which database (system identifier),
 * which slot, and the end LSN of the last transaction stored in the log.
 * Stored as JSON text beside the log's events (CheckpointStore).
 */
export interface PgCheckpoint {
  system: string;
  slot: string;
  lsn: string;
}

export function encodeCheckpoint(cp: PgCheckpoint): string {
  return JSON.stringify(cp);
}

export function decodeCheckpoint(text: string | undefined): PgCheckpoint | undefined {
  if (!text) return undefined;
  try {
    const cp = JSON.parse(text) as PgCheckpoint;
    return typeof cp.lsn === 'string' && typeof cp.system === 'string' ? cp : undefined;
  } catch {
    return undefined;
  }
}

/** `16/B374D848` as a number of bytes. */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi ?? '0'}`) << 32n) + BigInt(`0x${lo ?? '0'}`);
}

export function compareLsn(a: string, b: string): number {
  const d = lsnValue(a) - lsnValue(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The LSN one byte before `lsn`. */
export function lsnBefore(lsn: string): string {
  const v = lsnValue(lsn) - 1n;
  if (v < 0n) return '0/0';
  return `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;
}
