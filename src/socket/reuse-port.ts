/**
 * `SO_REUSEPORT`: several sockets (in one process or many) bound to the same address and port,
 * the kernel spreading new connections or datagrams between them. This is how
 * `polyport serve --workers N` runs N processes on one set of ports.
 *
 * Node has a public `reusePort` option for `net.Server.listen()` and `dgram.createSocket()` from
 * 22.12 and 23.1 on; that is used wherever it exists. On older Nodes (20) polyport's small native
 * addon (`native/reuse_port.cc`) makes the socket, sets `SO_REUSEADDR` and `SO_REUSEPORT`, binds
 * it (and listens, for a stream), and Node takes it over by its descriptor
 * (`server.listen({ fd })`, `dgram.bind({ fd })`), public calls both. Without either, setting
 * the option fails at once with `ENOPROTOOPT` saying what would make it work: a socket never
 * silently binds without it (a second worker would then fail with `EADDRINUSE`, far from the
 * cause).
 */
import { closeSync } from 'node:fs';
import type { ResolvedAddress } from './address.js';
import { AF_INET6 } from './constants.js';
import { errnoError, SocketError, type SocketErrorContext, toSocketError } from './errors.js';
import { ipFamily } from './inet.js';
import { loadBuiltin } from './load-builtin.js';
import { loadNativeAddon } from './node/native-addon.js';

/** How this Node gives a socket `SO_REUSEPORT`. */
export type ReusePortPath =
  /** Node's own `reusePort` option (22.12+, 23.1+). */
  | 'public'
  /** polyport's native addon makes the bound socket and Node adopts its descriptor. */
  | 'native'
  /** Neither: the option cannot be set here. */
  | 'unavailable';

/** The addon's one call (see native/reuse_port.cc). */
interface ReusePortAddon {
  bound(
    family: number,
    type: number,
    host: string,
    port: number,
    v6only: boolean,
    backlog: number,
  ): number;
}

/** Whether this Node's net and dgram take `reusePort` (both gained it in 22.12 and 23.1). */
function hasPublicOption(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

let addon: ReusePortAddon | null | undefined;

function reusePortAddon(): ReusePortAddon | null {
  if (addon === undefined) {
    const native = loadNativeAddon('reuse_port');
    addon = typeof native?.bound === 'function' ? (native as unknown as ReusePortAddon) : null;
  }
  return addon;
}

/**
 * How a socket gets `SO_REUSEPORT` on this Node.
 * @returns `'public'` (Node's option), `'native'` (the addon) or `'unavailable'`.
 * @example if (reusePortPath() === 'unavailable') console.log('run one worker');
 */
export function reusePortPath(): ReusePortPath {
  if (hasPublicOption()) return 'public';
  return reusePortAddon() !== null ? 'native' : 'unavailable';
}

/**
 * Throws where `SO_REUSEPORT` cannot be set: `setsockopt()` calls it, so the failure comes
 * where the option is asked for, not at a later bind.
 * @param context the socket's error context.
 * @throws {SocketError} `ENOPROTOOPT`, naming Node 22.12+ or the native addon as the remedy.
 * @example requireReusePort({ op: 'setsockopt' });
 */
export function requireReusePort(context: SocketErrorContext): void {
  if (reusePortPath() !== 'unavailable') return;
  throw new SocketError('ENOPROTOOPT', {
    ...context,
    detail:
      `SO_REUSEPORT needs Node.js 22.12 or later (this is ${process.version}), ` +
      'or polyport’s native addon (npm run build:native)',
  });
}

/**
 * A new socket with `SO_REUSEADDR` and `SO_REUSEPORT`, bound to `resolved` (and listening, for
 * `SOCK_STREAM`), made by the native addon for Node to adopt by its descriptor. Only for the
 * `'native'` path: on the public one Node binds the socket itself. A host name is resolved
 * first, to the first address of the socket's family, as Node's own bind does.
 * @param family `AF_INET` or `AF_INET6`.
 * @param type `SOCK_STREAM` or `SOCK_DGRAM`.
 * @param resolved where to bind.
 * @param v6only `IPV6_V6ONLY` for an AF_INET6 socket.
 * @param backlog the listen backlog of a stream socket.
 * @param context the socket's error context (for the bind's error).
 * @returns the descriptor, now the caller's to hand to Node (or to close).
 * @throws {SocketError} the bind's error (`EADDRINUSE`, `EACCES` …), or `ENOPROTOOPT` without
 *   the addon.
 * @example const fd = await reusePortDescriptor(AF_INET, SOCK_STREAM, resolved, false, 511, ctx);
 */
export async function reusePortDescriptor(
  family: number,
  type: number,
  resolved: ResolvedAddress,
  v6only: boolean,
  backlog: number,
  context: SocketErrorContext,
): Promise<number> {
  const native = reusePortAddon();
  if (native === null) {
    requireReusePort(context);
    throw new SocketError('ENOPROTOOPT', { ...context, detail: 'Node binds this socket itself' });
  }
  let host = resolved.host;
  if (ipFamily(host) === 0) {
    try {
      // Loaded by the first name to resolve (see load-builtin.ts).
      const { lookup } = loadBuiltin('node:dns/promises');
      host = (await lookup(host, { family: family === AF_INET6 ? 6 : 4 })).address;
    } catch (err) {
      // As Node's own bind reports a name that does not resolve.
      throw toSocketError(err, context);
    }
  }
  const result = native.bound(family, type, host, resolved.port, v6only, backlog);
  if (result < 0) throw errnoError(-result, context);
  return result;
}

/**
 * Closes a descriptor from {@link reusePortDescriptor} that Node did not take over (its
 * adoption threw before Node owned it).
 * @param fd the descriptor.
 */
export function closeUnadopted(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing is left to release.
  }
}
