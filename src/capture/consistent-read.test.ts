/**
 * readConsistent against a real (in-memory) log, with a snapshot reader whose
 * reads append to the log meanwhile, as capture would: the interleavings that
 * are hard to hit with a real PostgreSQL (a reset or a trim between P and H) are
 * arranged exactly. The PostgreSQL side is tested in test/postgres-live-tables.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../log/memory-log.js';
import { changeEvent, sourceLostEvent } from './change-events.js';
import type { RowChange } from './change-source.js';
import { readConsistent } from './consistent-read.js';
import type { CaptureProgress, Row, SnapshotReader, SourceSnapshot } from './consistent-snapshot.js';

const TABLE = 'public.t';
const stored: CaptureProgress = { waitStored: async () => {} };
const options = { keep: () => true, maxRows: 100, timeoutMs: 1_000 };

const upsert = (id: number, n: number, xid: number): Parameters<typeof changeEvent> => [
  { table: TABLE, op: 'update', key: { id }, row: { id, n } } satisfies RowChange,
  { xid, lsn: `0/${xid}` },
];

/** A reader returning `rows` as a snapshot holding xids up to `holds`, after running `during` (capture's appends). */
function reader(reads: { rows: Row[]; holds: number; during?: () => Promise<void> }[]): SnapshotReader {
  let i = 0;
  return {
    read: async (): Promise<SourceSnapshot> => {
      const read = reads[Math.min(i++, reads.length - 1)] as (typeof reads)[number];
      await read.during?.();
      return { rows: read.rows, keyColumns: ['id'], horizon: '0/0', includes: (s) => s.xid <= read.holds };
    },
    close: async () => {},
  };
}

describe('readConsistent', () => {
  it('applies the changes between P and H the snapshot lacks, and only those', async () => {
    const log = new MemoryEventLog();
    await log.open();
    await log.append([changeEvent(...upsert(1, 1, 10))]); // before P: in the snapshot already
    const read = await readConsistent(
      log,
      reader([
        {
          rows: [{ id: 1, n: 2 }],
          holds: 11,
          // Stored after P: xid 11 is in the snapshot (n=2), xid 12 is not.
          during: async () => {
            await log.append([changeEvent(...upsert(1, 2, 11))]);
            await log.append([changeEvent(...upsert(2, 5, 12))]);
          },
        },
      ]),
      stored,
      TABLE,
      options,
    );
    expect(Object.fromEntries(read.rows)).toEqual({ '1': { id: 1, n: 2 }, '2': { id: 2, n: 5 } });
    expect(read.position.head).toBe(3);
  });

  it('reads again when a reset of the table lands between P and H, and gives up after three', async () => {
    const log = new MemoryEventLog();
    await log.open();
    const reset = async () => {
      await log.append([sourceLostEvent([TABLE], 'the slot was dropped')]);
    };
    const read = await readConsistent(
      log,
      reader([
        { rows: [{ id: 1, n: 1 }], holds: 0, during: reset },
        { rows: [{ id: 1, n: 9 }], holds: 0 },
      ]),
      stored,
      TABLE,
      options,
    );
    expect(Object.fromEntries(read.rows)).toEqual({ '1': { id: 1, n: 9 } });
    const always = readConsistent(log, reader([{ rows: [], holds: 0, during: reset }]), stored, TABLE, options);
    await expect(always).rejects.toMatchObject({ code: 'CAPTURE_UNAVAILABLE' });
  });

  it('reads again when retention trimmed past P meanwhile', async () => {
    const log = new MemoryEventLog();
    await log.open();
    let first = true;
    const read = await readConsistent(
      log,
      reader([
        {
          rows: [],
          holds: 0,
          during: async () => {
            if (!first) return;
            first = false;
            await log.append([changeEvent(...upsert(1, 1, 10)), changeEvent(...upsert(2, 1, 11))]);
            await log.trim({ maxEvents: 1 });
          },
        },
      ]),
      stored,
      TABLE,
      options,
    );
    // The second read found nothing trimmed between its P and H: its own snapshot (empty) stands.
    expect(read.rows.size).toBe(0);
    expect(first).toBe(false);
  });
});
