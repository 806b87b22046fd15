/**
 * What the FTP benchmark reads of a server's process tree from /proc: vsftpd forks a process per
 * session, polyport serves every session in one, so both are measured over the whole tree.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Tick length of /proc/PID/stat's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICK = 0.01;

interface Proc {
  readonly ppid: number;
  /** utime + stime + cutime + cstime, in ticks: children that ended count in the last two. */
  readonly ticks: number;
}

/** Every process now, by id. */
function scan(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((t, i) => t + Number(fields[i]), 0);
      procs.set(Number(entry), { ppid: Number(fields[1]), ticks });
    } catch {
      // gone meanwhile
    }
  }
  return procs;
}

/** `pid` and everything below it, parents first. */
function tree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [p, { ppid }] of scan()) children.set(ppid, [...(children.get(ppid) ?? []), p]);
  const out: number[] = [];
  const visit = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

/**
 * The process ids below `pid` (not `pid` itself).
 * @example for (const p of descendants(vsftpdPid)) process.kill(p);
 */
export function descendants(pid: number): number[] {
  return tree(pid).slice(1);
}

/**
 * CPU seconds (user + system) used so far by a process and its descendants, live or reaped.
 * @example const before = treeCpuSeconds(pid);
 */
export function treeCpuSeconds(pid: number): number {
  const procs = scan();
  const children = new Map<number, number[]>();
  for (const [p, { ppid }] of procs) children.set(ppid, [...(children.get(ppid) ?? []), p]);
  let ticks = 0;
  const visit = (p: number): void => {
    ticks += procs.get(p)?.ticks ?? 0;
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return ticks * CLOCK_TICK;
}

/**
 * PSS (or RSS) in bytes of a process and all its descendants.
 * @example const bytes = treeMemory(pid);
 */
export function treeMemory(pid: number): number {
  let total = 0;
  for (const p of tree(pid)) {
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      try {
        const status = readFileSync(`/proc/${p}/status`, 'utf8');
        total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
      } catch {
        // gone
      }
    }
  }
  return total;
}
