/**
 * Counts the descriptors of this process that belong to the server under test: every
 * descriptor, less the sockets the test's own clients and fault proxies hold open (they run in
 * the same process). A case can so check that the server let go of a connection while the
 * hostile client still holds its end. (Matching sockets by port through /proc/net/tcp does not
 * work: a socket the server reset is no longer listed there, though the client still holds it.)
 */
import { readdirSync, readlinkSync } from 'node:fs';

/**
 * Descriptors open in this process, less `harnessSockets`.
 * @param harnessSockets sockets the test itself holds open now.
 * @returns the count.
 */
export function serverDescriptors(harnessSockets = 0): number {
  return readdirSync('/proc/self/fd').length - harnessSockets;
}

/**
 * What this process's descriptors point at, counted by kind (`socket`, `anon_inode:[eventpoll]`,
 * a file's path), for a failure message that says which descriptor was kept.
 * @returns e.g. `socket ×12, /tmp/d/ftp/upload/.x.part ×1`.
 */
export function describeDescriptors(): string {
  const kinds = new Map<string, number>();
  for (const name of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${name}`);
    } catch {
      continue;
    }
    const kind = target.startsWith('socket:') ? 'socket' : target;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([kind, n]) => `${kind} ×${n}`).join(', ');
}
