/**
 * Sockets made from descriptors, for the kinds that live on a descriptor of their own:
 * Python's `socketpair()` of datagram and seqpacket types, and `fromfd()`.
 */
import { AF_UNIX, SOCK_STREAM } from './constants.js';
import { errnoError, SocketError } from './errors.js';
import { adoptDescriptor } from './fd-engine.js';
import { requireFdSocketAddon } from './node/fd-socket.js';
import { Socket } from './socket.js';
import { checkSocketKind } from './socket-kind.js';

/**
 * Two connected sockets from `socketpair(2)`, for `SOCK_DGRAM` and `SOCK_SEQPACKET` (the
 * module's `socketpair()` calls this for those types).
 * @returns the pair.
 * @throws {SocketError} the addon is missing (`ESOCKTNOSUPPORT`), or the kernel's refusal.
 * @example const [a, b] = descriptorPair(AF_UNIX, SOCK_DGRAM, 0);
 */
export function descriptorPair(family: number, type: number, proto: number): [Socket, Socket] {
  const { baseType } = checkSocketKind(family, type, proto);
  const addon = requireFdSocketAddon('socketpair', 'socketpair() of this type');
  const result = addon.socketpair(family, baseType, proto);
  if (typeof result === 'number') throw errnoError(-result, { op: 'socketpair' });
  return [
    new Socket(family, type, proto, adoptDescriptor(result[0])),
    new Socket(family, type, proto, adoptDescriptor(result[1])),
  ];
}

/**
 * A socket on a duplicate of `fd`, as Python's `socket.fromfd()`: the caller keeps `fd` and
 * closes it when done. For the kinds on their own descriptor (AF_UNIX datagram and seqpacket,
 * raw and ICMP sockets): a descriptor received over `SCM_RIGHTS`, or inherited.
 * @param fd an open socket descriptor.
 * @param family its family; `type` its type; `proto` its protocol.
 * @returns the socket.
 * @throws {SocketError} `EOPNOTSUPP` for a kind Node carries (stream and UDP sockets), `EBADF`
 *   for a descriptor that is not open, `ESOCKTNOSUPPORT` without the native addon.
 * @example const sock = fromfd(3, AF_UNIX, SOCK_DGRAM);
 */
export function fromfd(fd: number, family: number, type: number, proto = 0): Socket {
  if (!Number.isInteger(fd) || fd < 0)
    throw new TypeError(`fromfd(): fd must be a non-negative integer, got ${String(fd)}`);
  const { native } = checkSocketKind(family, type, proto);
  if (!native || (family === AF_UNIX && (type & 0xf) === SOCK_STREAM)) {
    throw new SocketError('EOPNOTSUPP', {
      op: 'fromfd',
      detail:
        'fromfd() takes the kinds on their own descriptor (AF_UNIX SOCK_DGRAM or SOCK_SEQPACKET, SOCK_RAW, ICMP); Node opens stream and UDP sockets itself',
    });
  }
  const addon = requireFdSocketAddon('fromfd', 'fromfd()');
  const copy = addon.dup(fd);
  if (copy < 0) throw errnoError(-copy, { op: 'fromfd' });
  return new Socket(family, type, proto, adoptDescriptor(copy));
}
