// @ts-nocheck
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory and CPU time of a process tree, read from /proc (Linux). */
export interface ProcSample {
  rssBytes: number;
  cpuSeconds: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which is in parentheses and may hold spaces.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child)) continue;
    const fields = statFields(child);
    if (!fields) continue;
    const parent = Number(fields[1]);
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  const tree: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    tree.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return tree;
}

function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 here).
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Sums RSS and CPU over the given processes (pass processTree(pid) for a server and its workers). */
export function sample(pids: readonly number[]): ProcSample {
  let rss = 0;
  let cpu = 0;
  for (const pid of pids) {
    rss += rssBytes(pid);
    cpu += cpuSeconds(pid);
  }
  return { rssBytes: rss, cpuSeconds: cpu };
}

/** CPU seconds the whole machine spent busy since boot (all cores; /proc/stat). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] as string;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}
