// @ts-nocheck
import { randomBytes } from 'node:crypto';

/**
 * Event ids as clients see them: `<epoch>-<seq>`, e.g. `k2f9qa-1042`. Clients
 * treat them as opaque strings; the hub parses them to resume.
 */
export interface ParsedEventId {
  epoch: string;
  seq: number;
}

const ID = /^([0-9a-z]{1,32})-(\d{1,16})$/;

export function formatEventId(epoch: string, seq: number): string {
  return `${epoch}-${seq}`;
}

/** Parses an id from a client; undefined when it is not one of ours. */
export function parseEventId(id: string): ParsedEventId | undefined {
  const match = ID.exec(id);
  if (!match) return undefined;
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(seq)) return undefined;
  return { epoch: match[1] as string, seq };
}

/** A fresh random epoch: 8 base-36 characters. */
export function newEpoch(): string {
  return (randomBytes(6).readUIntBE(0, 6) % 36 ** 8).toString(36).padStart(8, '0');
}
