/**
 * Which sockets polyport can open: the family and type checks of `socket()`.
 */
import { describe } from './address.js';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM } from './constants.js';
import { SocketError } from './errors.js';

/** Python's `SOCK_NONBLOCK` and `SOCK_CLOEXEC` flags, accepted in `type`. */
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

/**
 * Checks a `socket(family, type, proto)` call.
 * @returns the type without its flags, and whether `SOCK_NONBLOCK` was given.
 * @throws {TypeError} for non-integers.
 * @throws {SocketError} for unknown families or types, and for `SOCK_RAW` and AF_UNIX datagram
 *   sockets, which Node cannot open (the message says why).
 * @example checkSocketKind(AF_INET, SOCK_STREAM, 0); // { baseType: 1, nonblocking: false }
 */
export function checkSocketKind(
  family: number,
  type: number,
  proto: number,
): { baseType: number; nonblocking: boolean } {
  if (!Number.isInteger(family) || !Number.isInteger(type) || !Number.isInteger(proto)) {
    throw new TypeError(
      `socket(): family, type and proto must be integers, got ${describe(family)}, ${describe(type)}, ${describe(proto)}`,
    );
  }
  const baseType = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  const refuse = (detail: string, code = 'ESOCKTNOSUPPORT'): never => {
    throw new SocketError(code, { op: 'socket', detail });
  };
  if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) {
    refuse(`address family ${family} is not supported`, 'EAFNOSUPPORT');
  }
  if (baseType === SOCK_RAW) {
    refuse(
      'SOCK_RAW sockets cannot be opened from Node.js: it has no raw socket API (use SOCK_STREAM or SOCK_DGRAM)',
    );
  }
  if (baseType !== SOCK_STREAM && baseType !== SOCK_DGRAM)
    refuse(`socket type ${type} is not supported`);
  if (family === AF_UNIX && baseType === SOCK_DGRAM) {
    refuse(
      'AF_UNIX datagram sockets cannot be opened from Node.js: node:dgram has only udp4 and udp6 (use AF_UNIX with SOCK_STREAM)',
    );
  }
  return { baseType, nonblocking: (type & SOCK_NONBLOCK) !== 0 };
}
