/**
 * Node's libuv handles behind its sockets, and their file descriptors, for `fileno()` and the
 * accelerators. Node does not expose them publicly, so they are read from the objects' private
 * fields here, the one place that knows where they are; -1 or undefined is reported whenever
 * one cannot be found. Every reader of a handle (fileno(), the reset probe, slab reads, batched
 * datagrams, the accelerator fault tests) goes through these, so a Node that moves the field is
 * one fix here.
 */
/** A handle that may carry a descriptor. */
export interface HasFd {
  readonly fd?: number;
}

/**
 * The libuv handle of a `net.Socket` or `net.Server`.
 * @param object the socket or server.
 * @returns its handle, or undefined (not open yet, or closed).
 * @example handleOf(conn)?.fd;
 */
export function handleOf(object: object): HasFd | undefined {
  return (object as { _handle?: HasFd | null })._handle ?? undefined;
}

/**
 * The descriptor of a `net.Socket`, `net.Server` or `dgram.Socket`'s handle.
 * @param handle what {@link handleOf} or {@link datagramHandle} returned.
 * @returns the descriptor, or -1 when there is none.
 * @example descriptorOf(handleOf(conn));
 */
export function descriptorOf(handle: HasFd | undefined): number {
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

/**
 * The libuv handle of a `dgram.Socket`.
 * @param udp the datagram socket.
 * @returns its handle, or undefined.
 * @example datagramHandle(udp)?.fd;
 */
export function datagramHandle(udp: object): HasFd | undefined {
  // node:dgram keeps its handle under a private symbol, in a state object with a `handle`.
  for (const symbol of Object.getOwnPropertySymbols(udp)) {
    const state = (udp as Record<symbol, { handle?: HasFd } | undefined>)[symbol];
    // A closed socket's state holds null: no handle.
    if (state && typeof state === 'object' && 'handle' in state) return state.handle ?? undefined;
  }
  return undefined;
}

/** What a stream handle's `getsockname(out)`/`getpeername(out)` fill in. */
interface HandleName {
  address?: unknown;
  port?: unknown;
}

/**
 * A connected stream's own or peer address, asked of its handle directly. net.Socket's
 * `localAddress`/`remoteAddress` keep each answer in an object for the socket's life; a caller
 * that keeps its own copy would pay twice, and an idle server thousands of times. TLS sockets
 * pass these calls on to the TCP handle beneath.
 * @param stream a `net.Socket` or `tls.TLSSocket`.
 * @param peer the peer's address rather than our own.
 * @returns the address and port, or undefined when the handle cannot tell (none any more, or a
 *   Node without these calls): then ask net.Socket.
 * @example handleAddress(conn, true)?.address; // '127.0.0.1'
 */
export function handleAddress(
  stream: object,
  peer: boolean,
): { readonly address: string; readonly port: number } | undefined {
  const handle = handleOf(stream) as { getsockname?: unknown; getpeername?: unknown } | undefined;
  const ask = peer ? handle?.getpeername : handle?.getsockname;
  if (typeof ask !== 'function') return undefined;
  const out: HandleName = {};
  try {
    if (ask.call(handle, out) !== 0) return undefined;
  } catch {
    return undefined;
  }
  const { address, port } = out;
  return typeof address === 'string' && typeof port === 'number' ? { address, port } : undefined;
}
