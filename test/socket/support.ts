/**
 * Helpers shared by the socket-layer tests: loopback listeners, connected pairs, and the
 * families to run each test over (IPv6 wherever ::1 works; see {@link IPV6_LOOPBACK}).
 */
import { createServer, type Socket as NetSocket, connect as netConnect } from 'node:net';
import {
  AF_INET,
  AF_INET6,
  SO_LINGER,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
  type SocketAddress,
  socket,
} from '../../src/socket/index.js';
import { needsIpv6Loopback } from '../support/interop.js';

/**
 * Test options for a test over IPv6 loopback: probed for real (a listener on ::1 must accept), so
 * the tests run wherever ::1 works; they skip only where it does not, and there, under
 * `POLYPORT_REQUIRE_INTEROP=1`, importing this file fails saying so.
 */
export const IPV6_LOOPBACK: { skip?: string } = await needsIpv6Loopback();

/** The loopback families to test: AF_INET always, AF_INET6 wherever ::1 works. */
export const LOOPBACKS: ReadonlyArray<{ readonly family: number; readonly host: string }> = [
  { family: AF_INET, host: '127.0.0.1' },
  ...(IPV6_LOOPBACK.skip === undefined ? [{ family: AF_INET6, host: '::1' }] : []),
];

/** A listening TCP socket on loopback, port 0. */
export async function listener(family = AF_INET, host = '127.0.0.1'): Promise<Socket> {
  const server = socket(family, SOCK_STREAM);
  await server.bind([host, 0]);
  await server.listen();
  return server;
}

/** A connected TCP pair over loopback: `[client, server side, listener]`. */
export async function tcpPair(family = AF_INET, host = '127.0.0.1'): Promise<[Socket, Socket]> {
  const server = await listener(family, host);
  try {
    const client = socket(family, SOCK_STREAM);
    const [[conn]] = await Promise.all([server.accept(), client.connect(server.getsockname())]);
    return [client, conn];
  } finally {
    server.close();
  }
}

/** Reads until end of stream, returning everything. */
export async function readAll(sock: Socket, chunk = 65536): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(chunk);
    if (data.length === 0) return Buffer.concat(parts);
    parts.push(data);
  }
}

/** Reads exactly `n` bytes (fails on an early end of stream). */
export async function readExactly(sock: Socket, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const data = await sock.recv(n - got);
    if (data.length === 0) throw new Error(`end of stream after ${got} of ${n} bytes`);
    parts.push(data);
    got += data.length;
  }
  return Buffer.concat(parts);
}

/** A port on loopback where nothing listens (bound, then released). */
export async function closedPort(family = AF_INET, host = '127.0.0.1'): Promise<SocketAddress> {
  const probe = await listener(family, host);
  const address = probe.getsockname();
  probe.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  return address;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Closes a TCP socket with a reset (SO_LINGER on, zero seconds): the peer sees ECONNRESET. */
export function closeWithReset(sock: Socket): void {
  const linger = Buffer.alloc(8);
  linger.writeInt32LE(1, 0);
  linger.writeInt32LE(0, 4);
  sock.setsockopt(SOL_SOCKET, SO_LINGER, linger);
  sock.close();
}

/**
 * A node:net connection accepted on loopback, its client, and a function that closes the
 * listener: for tests of the pieces below polyport's sockets (slab reads, direct writes).
 * @param pauseOnConnect accept it not reading yet (as polyport's listeners do).
 */
export async function netPair(pauseOnConnect = false): Promise<[NetSocket, NetSocket, () => void]> {
  const server = createServer({ pauseOnConnect });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no address');
  const accepted = new Promise<NetSocket>((resolve) => server.once('connection', resolve));
  const client = netConnect(address.port, '127.0.0.1');
  const conn = await accepted;
  return [client, conn, () => server.close()];
}
