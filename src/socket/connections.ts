/**
 * Python's module-level socket helpers: `socket()`, `create_connection()`, `create_server()`,
 * `socketpair()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type SocketAddress } from './address.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  SO_REUSEPORT,
  SOCK_STREAM,
  SOL_SOCKET,
} from './constants.js';
import { adoptFileno, descriptorPair } from './descriptors.js';
import { AddressInfoError, SocketError } from './errors.js';
import { ipFamily } from './inet.js';
import { loadBuiltin } from './load-builtin.js';
import { Socket } from './socket.js';

/**
 * Creates a socket, as Python's `socket.socket()`.
 * @param family `AF_INET` (default), `AF_INET6` or `AF_UNIX`.
 * @param type `SOCK_STREAM` (default), `SOCK_DGRAM`, `SOCK_SEQPACKET` or `SOCK_RAW`.
 * @param proto the protocol, usually 0 (`IPPROTO_ICMP` for a raw or ICMP datagram socket).
 * @returns the new socket.
 * @throws {PermissionError} for a raw or ICMP socket without the privilege.
 * @throws {SocketError} for the kinds Node cannot open (`SOCK_RAW`, `SOCK_SEQPACKET`, AF_UNIX
 *   datagrams, ICMP datagram sockets) when the native addon is not built.
 * @param fileno a socket descriptor to take over (and close when closed), as Python's `fileno=`;
 *   the family, type and protocol left out are then read from it (see `adoptFileno()`).
 * @example const udp = socket(AF_INET, SOCK_DGRAM);
 */
export function socket(family?: number, type?: number, proto?: number, fileno?: number): Socket {
  if (fileno !== undefined && fileno !== null) return adoptFileno(fileno, family, type, proto);
  return new Socket(family ?? AF_INET, type ?? SOCK_STREAM, proto ?? 0);
}

/**
 * Connects to a TCP service, trying each address the host name resolves to in turn, as
 * Python's `socket.create_connection()`.
 * @param address `[host, port]`.
 * @param timeout seconds for each attempt and the returned socket; omitted: the default timeout.
 * @param sourceAddress `[host, port]` to bind to before connecting.
 * @returns the connected socket.
 * @throws {SocketError} the last attempt's error; {AddressInfoError} when the name does not resolve.
 * @example const sock = await createConnection(['localhost', 8888], 5);
 */
export async function createConnection(
  address: readonly [string, number],
  timeout?: number | null,
  sourceAddress?: readonly [string, number],
): Promise<Socket> {
  if (!Array.isArray(address) || address.length !== 2 || typeof address[0] !== 'string') {
    throw new TypeError(
      `createConnection(): address must be [host, port], got ${describe(address)}`,
    );
  }
  const [host, port] = address;
  const candidates = await resolveAll(host);
  let lastError: unknown = null;
  for (const { address: ip, family } of candidates) {
    const sock = new Socket(family === 6 ? AF_INET6 : AF_INET, SOCK_STREAM);
    try {
      if (timeout !== undefined) sock.settimeout(timeout);
      if (sourceAddress !== undefined) await sock.bind(sourceAddress);
      await sock.connect([ip, port]);
      return sock;
    } catch (err) {
      lastError = err;
      sock.close();
    }
  }
  throw (
    lastError ??
    new AddressInfoError('EAI_NONAME', {
      errno: -2,
      op: 'getaddrinfo',
      addr: host,
      detail: 'name or service not known',
    })
  );
}

async function resolveAll(host: string): Promise<Array<{ address: string; family: number }>> {
  const literal = ipFamily(host);
  if (literal !== 0) return [{ address: host, family: literal }];
  try {
    // Loaded by the first name to resolve: a client given an IP literal never needs node:dns.
    const { lookup } = loadBuiltin('node:dns/promises');
    return await lookup(host === '' ? 'localhost' : host, { all: true });
  } catch (err) {
    throw new AddressInfoError('EAI_NONAME', {
      errno: -2,
      op: 'getaddrinfo',
      addr: host,
      detail: 'name or service not known',
      cause: err,
    });
  }
}

/** Options for {@link createServer}. */
export interface CreateServerOptions {
  /** `AF_INET` (default) or `AF_INET6`. */
  readonly family?: number;
  /** The listen backlog. */
  readonly backlog?: number;
  /**
   * Let several sockets (in one process or many) listen on the same port, the kernel spreading
   * connections between them (`SO_REUSEPORT`; Node.js 22.12 or later, or the native addon).
   */
  readonly reusePort?: boolean;
  /** With `AF_INET6`, accept IPv4 connections too. */
  readonly dualstackIpv6?: boolean;
}

/**
 * Creates a listening TCP socket, as Python's `socket.create_server()`.
 * @param address `[host, port]`; `''` listens on every interface.
 * @returns the listening socket.
 * @throws {SocketError} `ENOPROTOOPT` for `reusePort` where it cannot be set (see
 *   `Socket.setsockopt()`); `EADDRINUSE`.
 * @example const server = await createServer(['127.0.0.1', 0]);
 */
export async function createServer(
  address: SocketAddress,
  options: CreateServerOptions = {},
): Promise<Socket> {
  const family = options.family ?? AF_INET;
  if (options.dualstackIpv6 && family !== AF_INET6) {
    throw new RangeError('createServer(): dualstackIpv6 requires family AF_INET6');
  }
  const sock = new Socket(family, SOCK_STREAM);
  try {
    if (options.reusePort) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    if (family === AF_INET6)
      sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, options.dualstackIpv6 ? 0 : 1);
    await sock.bind(address);
    await sock.listen(options.backlog ?? 128);
    return sock;
  } catch (err) {
    sock.close();
    throw err;
  }
}

/**
 * A pair of connected sockets, as Python's `socket.socketpair()`. A stream pair is made by
 * connecting through a private listener (an AF_UNIX path in a fresh temporary directory, or
 * loopback for AF_INET/AF_INET6) that is removed at once; an AF_UNIX `SOCK_DGRAM` or
 * `SOCK_SEQPACKET` pair is `socketpair(2)` itself, through the native addon.
 * @returns two sockets connected to each other.
 * @example const [a, b] = await socketpair(); await a.sendall('x'); await b.recv(1);
 */
export async function socketpair(
  family = AF_UNIX,
  type = SOCK_STREAM,
  proto = 0,
): Promise<[Socket, Socket]> {
  if (type !== SOCK_STREAM && family !== AF_UNIX) {
    throw new SocketError('EOPNOTSUPP', {
      op: 'socketpair',
      detail: 'socketpair() of datagram or seqpacket sockets needs AF_UNIX',
    });
  }
  // Datagram and seqpacket pairs are the kernel's socketpair(2), through the native addon.
  if (type !== SOCK_STREAM) return descriptorPair(family, type, proto);
  const listener = new Socket(family, type, proto);
  const dir = family === AF_UNIX ? mkdtempSync(join(tmpdir(), 'polyport-pair-')) : null;
  try {
    await listener.bind(
      dir !== null ? join(dir, 's') : [family === AF_INET6 ? '::1' : '127.0.0.1', 0],
    );
    await listener.listen(1);
    const client = new Socket(family, type, proto);
    const [[server], _] = await Promise.all([
      listener.accept(),
      client.connect(listener.getsockname()),
    ]);
    return [client, server];
  } finally {
    listener.close();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}
