/**
 * PostgreSQL snapshots (`pg_current_snapshot()`) as a visibility test for the
 * 32-bit transaction ids pgoutput sends.
 */

/** `xmin:xmax:xip,…` (pg_current_snapshot) with xids cut to the 32 bits pgoutput sends. */
export interface XidSnapshot {
  xmin: number;
  xmax: number;
  running: ReadonlySet<number>;
}

const xid32 = (text: string): number => Number(BigInt(text) & 0xffffffffn);

export function parseXidSnapshot(text: string): XidSnapshot {
  const [xmin = '0', xmax = '0', xip = ''] = text.split(':');
  return {
    xmin: xid32(xmin),
    xmax: xid32(xmax),
    running: new Set(xip === '' ? [] : xip.split(',').map(xid32)),
  };
}

/** `a` comes before `b` in PostgreSQL's circular 32-bit xid order (TransactionIdPrecedes). */
function precedes(a: number, b: number): boolean {
  return (a - b) >>> 0 >= 0x80000000;
}

/**
 * Whether a committed transaction's changes are in the snapshot: it finished
 * before the snapshot was taken, i.e. its xid is below `xmax` and was not
 * running then (PostgreSQL's own visibility test for committed xids).
 */
export function snapshotHolds(snapshot: XidSnapshot, xid: number): boolean {
  if (precedes(xid, snapshot.xmin)) return true;
  return precedes(xid, snapshot.xmax) && !snapshot.running.has(xid);
}
