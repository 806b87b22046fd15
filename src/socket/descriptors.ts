/**
 * Sockets made from descriptors: Python's `socketpair()` of datagram and seqpacket types,
 * `fromfd()` and `socket(fileno=…)`.
 */
import { SO_TYPE, SOCK_STREAM, SOL_SOCKET } from './constants.js';
import { errnoError } from './errors.js';
import { adoptDescriptor } from './fd-engine.js';
import { loadBuiltin } from './load-builtin.js';
import { SO_ACCEPTCONN, SO_DOMAIN, SO_PROTOCOL } from './native-constants.js';
import { requireFdSocketAddon } from './node/fd-socket.js';
import { adoptStream, Socket } from './socket.js';
import { adoptListener } from './socket-base.js';
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
 * closes it when done. Any socket descriptor: received over `SCM_RIGHTS`, or inherited. See
 * {@link adoptFileno} for what carries each kind.
 * @param fd an open socket descriptor.
 * @param family its family; `type` its type; `proto` its protocol.
 * @returns the socket.
 * @throws {SocketError} `EBADF` for a descriptor that is not open, `ENOTSOCK` for one that is
 *   not a socket, `ESOCKTNOSUPPORT` without the native addon.
 * @example const sock = fromfd(3, AF_UNIX, SOCK_DGRAM);
 */
export function fromfd(fd: number, family: number, type: number, proto = 0): Socket {
  checkFd(fd, 'fromfd');
  const addon = requireFdSocketAddon('fromfd', 'fromfd()');
  const copy = addon.dup(fd);
  if (copy < 0) throw errnoError(-copy, { op: 'fromfd' });
  try {
    return adoptFileno(copy, family, type, proto);
  } catch (err) {
    addon.close(copy);
    throw err;
  }
}

/**
 * A socket that takes over `fd` (and closes it when closed), as Python's
 * `socket.socket(family, type, proto, fileno)`; `socket(…, fileno)` calls this. The family, type
 * and protocol left out are read from the descriptor, as Python does. What carries it:
 * - a listening TCP or AF_UNIX stream descriptor: a Node `net.Server`, as `bind()` makes;
 * - a connected one: a Node `net.Socket`, as `accept()` gives;
 * - a TCP or AF_UNIX stream descriptor neither listening nor connected, and every UDP
 *   descriptor: polyport's own descriptor socket (Node cannot take those over as what it opens
 *   itself: `dgram` does not know a descriptor's peer), which behaves the same through this API;
 * - the kinds Node never opens (AF_UNIX datagram and seqpacket, raw, ICMP): as they always are.
 * @param fd an open socket descriptor, owned from now on.
 * @returns the socket.
 * @throws {SocketError} `EBADF`, `ENOTSOCK`, `ESOCKTNOSUPPORT` without the native addon.
 * @example const sock = socket(undefined, undefined, undefined, inheritedFd);
 */
export function adoptFileno(fd: number, family?: number, type?: number, proto?: number): Socket {
  checkFd(fd, 'socket');
  const addon = requireFdSocketAddon('socket', 'socket() with a fileno');
  const read = (name: number): number => {
    const got = addon.getsockopt(fd, SOL_SOCKET, name, 4);
    if (typeof got === 'number') throw errnoError(-got, { op: 'socket' });
    return got.readInt32LE(0);
  };
  // Asked first: it fails with ENOTSOCK or EBADF for what is not an open socket.
  const kernelType = read(SO_TYPE);
  const fam = family ?? read(SO_DOMAIN);
  const typ = type ?? kernelType;
  const pro = proto ?? read(SO_PROTOCOL);
  const { baseType, native } = checkSocketKind(fam, typ, pro);
  if (native || baseType !== SOCK_STREAM) return new Socket(fam, typ, pro, adoptDescriptor(fd));
  const net = loadBuiltin('node:net');
  if (read(SO_ACCEPTCONN) === 1) {
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    // Node adopts a listening descriptor as cluster workers do; its listen() again is harmless.
    server.listen({ fd });
    return new Socket(fam, typ, pro, adoptListener(server));
  }
  if (typeof addon.getpeername(fd) !== 'number') {
    const stream = new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
    return new Socket(fam, typ, pro, adoptStream(stream));
  }
  return new Socket(fam, typ, pro, adoptDescriptor(fd));
}

function checkFd(fd: number, op: string): void {
  if (!Number.isInteger(fd) || fd < 0)
    throw new TypeError(`${op}(): fd must be a non-negative integer, got ${String(fd)}`);
}
