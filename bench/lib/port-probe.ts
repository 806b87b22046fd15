/**
 * Probes of loopback TCP ports, for servers that print no port (`polyport serve` on its fixed
 * ports): whether something accepts on a port, and waiting until a given process listens on some
 * ports — that process, not another one that took the ports first (Linux: /proc).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendants } from '../ftp/process-tree.js';

/**
 * Whether a TCP connection to 127.0.0.1:`port` is accepted (it is closed at once).
 * @example if (await connects(10080)) throw new Error('port 10080 is busy');
 */
export function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** The TCP ports process `pid` listens on (IPv4 and IPv6), from /proc. */
export function listeningPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined) inodes.add(inode);
    }
  } catch {
    return new Set(); // gone (or an fd closed while read)
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6
    }
    // "sl local_address rem_address st ... inode": local "ADDR:PORT" in hex, state 0A is LISTEN.
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) {
        ports.add(Number.parseInt(fields[1]!.split(':')[1]!, 16));
      }
    }
  }
  return ports;
}

/**
 * Waits until process `pid`, or the processes it started, listen on every one of `ports`
 * (`polyport serve --workers 2`'s workers hold the service ports, its main process the admin
 * port).
 * @param gaveUp checked between probes: a reason to stop waiting (the process exited), or
 *   undefined to go on.
 * @throws {Error} after `timeoutMs`, or as soon as `gaveUp` gives a reason.
 * @example await waitForListening(child.pid, [10080, 10021], 30_000, () => (child.exitCode === null ? undefined : 'exited'));
 */
export async function waitForListening(
  pid: number,
  ports: readonly number[],
  timeoutMs: number,
  gaveUp: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listening = new Set([pid, ...descendants(pid)].flatMap((p) => [...listeningPorts(p)]));
    const missing = ports.filter((port) => !listening.has(port));
    if (missing.length === 0) return;
    const reason = gaveUp();
    if (reason !== undefined) throw new Error(reason);
    if (Date.now() > deadline) {
      throw new Error(`not listening on ${missing.join(', ')} after ${timeoutMs} ms`);
    }
    await sleep(25);
  }
}
