/**
 * Helpers of the SO_REUSEPORT tests (socket and server level): a peer process on the same port,
 * one client's answer, and "attempt until every listener has answered", bounded.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  AF_INET,
  AF_INET6,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SocketAddress,
  socket,
} from '../../src/socket/index.js';
import { reusePortPath } from '../../src/socket/reuse-port.js';

/**
 * Why the sharing tests cannot run here (a Node before 22.12 without the native addon), or
 * undefined when they can. Under `POLYPORT_REQUIRE_NATIVE=1` (CI) they run regardless, and fail.
 */
export const REUSE_PORT_SKIP: string | undefined =
  reusePortPath() === 'unavailable' && process.env.POLYPORT_REQUIRE_NATIVE !== '1'
    ? `SO_REUSEPORT is not available on ${process.version} without the native addon (npm run build:native)`
    : undefined;

/** A peer process bound to the same port. */
export interface Peer {
  /** Ends the peer and waits until it has exited. */
  stop(): Promise<void>;
}

const PEER = join(import.meta.dirname, 'fixtures/reuse-port-peer.ts');

/**
 * Starts a process that binds `kind` on `address` with SO_REUSEPORT and answers with `tag`.
 * @returns once it has bound (rejects with its error when it could not).
 */
export async function startPeer(
  kind: 'tcp' | 'udp',
  address: readonly [string, number],
  tag: string,
): Promise<Peer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', PEER, kind, address[0], String(address[1]), tag],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    child.stdin?.end();
    // Bounded: a peer that ignores its stdin's end is killed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      if (child.exitCode === null && child.signalCode === null) await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    exited.then(() => ['(exited before binding)']),
  ])) as [string];
  lines.close();
  if (first !== 'ready') {
    await stop();
    throw new Error(`the peer process did not bind: ${first}`);
  }
  return { stop };
}

/** The family of an address's host. */
export function familyOf(host: string): number {
  return host.includes(':') ? AF_INET6 : AF_INET;
}

/** Connects to `address` and reads what the listener that accepted sends before closing. */
export async function tagOfConnection(address: SocketAddress, host: string): Promise<string> {
  const client = socket(familyOf(host), SOCK_STREAM);
  client.settimeout(10);
  try {
    await client.connect(address);
    const parts: Buffer[] = [];
    for (;;) {
      const data = await client.recv(100);
      if (data.length === 0) return Buffer.concat(parts).toString();
      parts.push(data);
    }
  } finally {
    client.close();
  }
}

/** Sends one datagram from a fresh socket (a fresh source port) and reads the tag answered. */
export async function tagOfDatagram(address: SocketAddress, host: string): Promise<string> {
  const client = socket(familyOf(host), SOCK_DGRAM);
  client.settimeout(10);
  try {
    await client.bind([host, 0]);
    await client.sendto('which?', address);
    const [data] = await client.recvfrom(100);
    return data.toString();
  } finally {
    client.close();
  }
}

/**
 * Makes attempts until each of `tags` has answered one. The kernel picks a reuse-port listener
 * by a hash of the client's address and port, so with a fresh source port per attempt every
 * listener is reached within a few; 200 attempts all missing one would be a 2^-199 chance.
 * @returns how many times each tag answered.
 */
export async function untilEachAnswers(
  tags: readonly string[],
  attempt: () => Promise<string>,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < 200 && tags.some((tag) => !seen.has(tag)); i++) {
    const tag = await attempt();
    seen.set(tag, (seen.get(tag) ?? 0) + 1);
  }
  for (const tag of tags) assert.ok(seen.has(tag), `${tag} never answered: ${[...seen]}`);
  return seen;
}
