/**
 * Socket options by level and number on the sockets Node owns (TCP through `net`, UDP through
 * `dgram`, AF_UNIX streams), through the `fd_socket` addon on the descriptor Node's handle holds.
 *
 * Node has no generic `setsockopt`, and some options it tracks itself: those keep going through
 * Node's own calls so Node's view stays right (see {@link carriedByNode}); every other option
 * goes to the kernel. Before the socket has a descriptor (Node makes it at bind or connect) a
 * value is checked on a throwaway socket of the same kind, so a refusal comes from
 * `setsockopt()` as in Python, then stored and applied when the descriptor exists.
 */
import {
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_V6ONLY,
  SO_BROADCAST,
  SO_ERROR,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_RCVBUF,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SO_SNDBUF,
  SOCK_DGRAM,
  SOL_SOCKET,
  TCP_NODELAY,
} from './constants.js';
import { errnoError, SocketError, type SocketErrorContext } from './errors.js';
import type { FdSocketAddon } from './node/fd-socket.js';
import { type OptionValues, optKey } from './socket-options.js';

const ENOPROTOOPT = 92;

/**
 * Options Node's bind itself takes (`reuseAddr`, `reusePort`, `ipv6Only`): stored until the
 * bind, which hands them to Node; once there is a descriptor they are the kernel's like any other.
 */
const AT_BIND = new Set([
  optKey(SOL_SOCKET, SO_REUSEADDR),
  optKey(SOL_SOCKET, SO_REUSEPORT),
  optKey(IPPROTO_IPV6, IPV6_V6ONLY),
]);

/**
 * Whether Node's bind takes the option itself: unset, it reads as Node will make it (see
 * socket-options.ts's `defaultOption`), not as a throwaway socket has it.
 */
export function isAtBind(key: string): boolean {
  return AT_BIND.has(key);
}

/**
 * Stream options with a Node call or polyport's own: `setNoDelay()` and `setKeepAlive()` (Node
 * remembers both); `SO_RCVBUF`/`SO_SNDBUF`, the bounds of what polyport and Node hold for the
 * socket, as they always were (the kernel's own buffers stay self-tuning: fixed small ones slow a
 * loopback transfer to delayed-ACK pace); and `SO_LINGER`, which polyport's `close()` carries out
 * itself, because the kernel's lingering close would block the whole event loop for up to
 * `l_linger` seconds, even on a non-blocking socket.
 */
const STREAM_BY_NODE = new Set([
  optKey(IPPROTO_TCP, TCP_NODELAY),
  optKey(SOL_SOCKET, SO_KEEPALIVE),
  optKey(SOL_SOCKET, SO_RCVBUF),
  optKey(SOL_SOCKET, SO_SNDBUF),
  optKey(SOL_SOCKET, SO_LINGER),
]);

/**
 * The stream options whose value is polyport's, not the kernel's: `getsockopt()` reads them from
 * polyport (see {@link STREAM_BY_NODE}).
 */
export function isPolyportStreamOption(key: string, type: number): boolean {
  return (
    type !== SOCK_DGRAM &&
    STREAM_BY_NODE.has(key) &&
    key !== optKey(IPPROTO_TCP, TCP_NODELAY) &&
    key !== optKey(SOL_SOCKET, SO_KEEPALIVE)
  );
}

/** Datagram options with a `dgram` call (`setBroadcast()`, `setTTL()`, the multicast calls, buffer sizes). */
const DATAGRAM_BY_NODE = new Set([
  optKey(SOL_SOCKET, SO_BROADCAST),
  optKey(SOL_SOCKET, SO_RCVBUF),
  optKey(SOL_SOCKET, SO_SNDBUF),
  optKey(IPPROTO_IP, IP_TTL),
  optKey(IPPROTO_IP, IP_MULTICAST_TTL),
  optKey(IPPROTO_IP, IP_MULTICAST_LOOP),
  optKey(IPPROTO_IP, IP_MULTICAST_IF),
  optKey(IPPROTO_IP, IP_ADD_MEMBERSHIP),
  optKey(IPPROTO_IP, IP_DROP_MEMBERSHIP),
]);

/**
 * Whether an option goes through Node's own call (or polyport's) rather than straight to the
 * kernel.
 * @param key the option's {@link optKey}.
 * @param type the socket type.
 * @param bound whether the socket has its descriptor already.
 * @returns true when Node (or polyport) carries it.
 * @example carriedByNode(optKey(IPPROTO_TCP, TCP_NODELAY), SOCK_STREAM, true); // true
 */
export function carriedByNode(key: string, type: number, bound: boolean): boolean {
  if (!bound && AT_BIND.has(key)) return true;
  return type === SOCK_DGRAM ? DATAGRAM_BY_NODE.has(key) : STREAM_BY_NODE.has(key);
}

/** `SO_ERROR` stays polyport's: Node reads and clears the kernel's on a failed connect. */
export function isPolyportError(level: number, optname: number): boolean {
  return level === SOL_SOCKET && optname === SO_ERROR;
}

/**
 * An option value as the kernel takes it: a C int, or the bytes as given.
 * @example optionBytes(1); // <01 00 00 00> on little-endian machines
 */
export function optionBytes(value: number | Uint8Array): Uint8Array {
  if (typeof value !== 'number') return value;
  const bytes = Buffer.alloc(4);
  if (LITTLE) bytes.writeInt32LE(value);
  else bytes.writeInt32BE(value);
  return bytes;
}

/** A C int read from option bytes. */
export function optionInt(bytes: Buffer): number {
  if (bytes.length < 4) return bytes.length === 0 ? 0 : (bytes[0] ?? 0);
  return LITTLE ? bytes.readInt32LE(0) : bytes.readInt32BE(0);
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The error of a refused option, naming it when the kernel does not know it. */
export function optionError(
  errno: number,
  level: number,
  optname: number,
  context: SocketErrorContext,
): SocketError {
  if (errno !== ENOPROTOOPT) return errnoError(errno, context);
  return new SocketError('ENOPROTOOPT', {
    ...context,
    errno,
    detail: `option ${level}/${optname} is not supported`,
  });
}

/**
 * Sets an option on a descriptor.
 * @throws {SocketError} the kernel's refusal.
 */
export function setKernelOption(
  addon: FdSocketAddon,
  fd: number,
  level: number,
  optname: number,
  value: number | Uint8Array,
  context: SocketErrorContext,
): void {
  const rc = addon.setsockopt(fd, level, optname, optionBytes(value));
  if (rc < 0) throw optionError(-rc, level, optname, { ...context, op: 'setsockopt' });
}

/**
 * Reads an option of a descriptor: a C int without `buflen`, else up to `buflen` bytes.
 * @throws {SocketError} the kernel's refusal.
 */
export function getKernelOption(
  addon: FdSocketAddon,
  fd: number,
  level: number,
  optname: number,
  buflen: number | undefined,
  context: SocketErrorContext,
): number | Buffer {
  const result = addon.getsockopt(fd, level, optname, buflen ?? 4);
  if (typeof result === 'number')
    throw optionError(-result, level, optname, { ...context, op: 'getsockopt' });
  return buflen === undefined ? optionInt(result) : result;
}

/**
 * Runs `use` on a throwaway socket of the given kind with `stored` applied (what a socket that
 * has no descriptor yet would have), then closes it: how an option is checked, or read, before
 * Node has made the descriptor.
 * @throws {SocketError} when the kind cannot be opened, or what `use` throws.
 */
export function withProbe<T>(
  addon: FdSocketAddon,
  family: number,
  type: number,
  proto: number,
  stored: OptionValues,
  context: SocketErrorContext,
  use: (fd: number) => T,
): T {
  const fd = addon.socket(family, type, proto);
  if (fd < 0) throw errnoError(-fd, context);
  try {
    for (const [key, value] of stored) {
      const [level, name] = key.split(':').map(Number) as [number, number];
      // What the kernel refused was refused at setsockopt() already; Node-only ones may not apply.
      addon.setsockopt(fd, level, name, optionBytes(value));
    }
    return use(fd);
  } finally {
    addon.close(fd);
  }
}

/**
 * Applies the stored options the kernel carries to a descriptor that has just appeared.
 * @returns the first refusal, or null.
 */
export function applyKernelOptions(
  addon: FdSocketAddon,
  fd: number,
  type: number,
  stored: OptionValues,
  context: SocketErrorContext,
): SocketError | null {
  let first: SocketError | null = null;
  for (const [key, value] of stored) {
    if (carriedByNode(key, type, false)) continue;
    const [level, name] = key.split(':').map(Number) as [number, number];
    try {
      setKernelOption(addon, fd, level, name, value, context);
    } catch (err) {
      first ??= err as SocketError;
    }
  }
  return first;
}
