/**
 * Which sockets polyport can open: the family and type checks of `socket()`, and which of
 * them Node cannot open, so that the native addon carries them (fd-engine.ts).
 */
import { describe } from './address.js';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM } from './constants.js';
import { SocketError } from './errors.js';

/** Python's `SOCK_NONBLOCK` and `SOCK_CLOEXEC` flags, accepted in `type`. */
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

/** `SOCK_SEQPACKET`, `IPPROTO_ICMP` and `IPPROTO_ICMPV6` (see native-constants.ts). */
const SOCK_SEQPACKET = 5;
const ICMP_PROTOCOLS = new Set([1, 58]);

/**
 * Checks a `socket(family, type, proto)` call.
 * @returns the type without its flags, whether `SOCK_NONBLOCK` was given, and whether the
 *   socket is of a kind Node cannot open, carried by the native addon on a descriptor of its
 *   own (`SOCK_RAW`, `SOCK_SEQPACKET`, AF_UNIX datagrams, ICMP datagram sockets).
 * @throws {TypeError} for non-integers.
 * @throws {SocketError} for unknown families or types.
 * @example checkSocketKind(AF_INET, SOCK_STREAM, 0); // { baseType: 1, nonblocking: false, native: false }
 */
export function checkSocketKind(
  family: number,
  type: number,
  proto: number,
): { baseType: number; nonblocking: boolean; native: boolean } {
  if (!Number.isInteger(family) || !Number.isInteger(type) || !Number.isInteger(proto)) {
    throw new TypeError(
      `socket(): family, type and proto must be integers, got ${describe(family)}, ${describe(type)}, ${describe(proto)}`,
    );
  }
  const baseType = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) {
    refuse(`address family ${family} is not supported`, 'EAFNOSUPPORT');
  }
  if (
    baseType !== SOCK_STREAM &&
    baseType !== SOCK_DGRAM &&
    baseType !== SOCK_RAW &&
    baseType !== SOCK_SEQPACKET
  )
    refuse(`socket type ${type} is not supported`);
  const native =
    baseType === SOCK_RAW ||
    baseType === SOCK_SEQPACKET ||
    (baseType === SOCK_DGRAM && (family === AF_UNIX || ICMP_PROTOCOLS.has(proto)));
  return { baseType, nonblocking: (type & SOCK_NONBLOCK) !== 0, native };
}

/**
 * Throws the refusal of `socket()`: a function of its own rather than a closure in
 * {@link checkSocketKind}, which runs for every connection a server accepts.
 */
function refuse(detail: string, code = 'ESOCKTNOSUPPORT'): never {
  throw new SocketError(code, { op: 'socket', detail });
}
