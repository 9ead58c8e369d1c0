// @ts-nocheck
import { readFileSync } from 'node:fs';

/** Used where /proc is missing (macOS, Windows): a common soft limit that node raises to at least. */
export const FALLBACK_OPEN_FILES = 1024;

/**
 * File descriptors the hub keeps for everything that is not a stream: requests
 * to /healthz, /publish and the collections API, the SQLite files (database, WAL,
 * shared memory), the log output, Redis or PostgreSQL connections and node's own
 * (event loop, signals, DNS). 10% of the limit, and at least 128.
 */
export function streamHeadroom(openFiles: number): number {
  return Math.max(128, Math.ceil(openFiles * 0.1));
}

/**
 * Descriptors never handed to sockets at all (`server.maxConnections` stops
 * accepting above limit minus this): without it, at the limit accept() fails and
 * node resets new connections, /healthz included.
 */
export const RESERVED_FILES = 48;

/**
 * The process's soft RLIMIT_NOFILE. Node has no getrlimit, so this reads
 * /proc/self/limits (Linux), else falls back to {@link FALLBACK_OPEN_FILES}.
 */
export function openFileLimit(limitsFile = '/proc/self/limits'): number {
  try {
    const line = readFileSync(limitsFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
    const n = Number(soft);
    return Number.isSafeInteger(n) && n > 0 ? n : FALLBACK_OPEN_FILES;
  } catch {
    return FALLBACK_OPEN_FILES;
  }
}

/** The default `maxConnections`: the open-file limit less the headroom, at least 1. */
export function defaultMaxConnections(openFiles = openFileLimit()): number {
  return Math.max(1, openFiles - streamHeadroom(openFiles));
}

/** `server.maxConnections` for a standalone hub: every socket, streams and API requests alike. */
export function socketLimit(openFiles = openFileLimit()): number {
  return Math.max(1, openFiles - RESERVED_FILES);
}
