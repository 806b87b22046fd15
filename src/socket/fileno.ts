/**
 * File descriptors of Node's handles, for `fileno()`: Node does not expose them publicly, so
 * they are read from the handle objects, and -1 is reported whenever one cannot be found.
 */
/** A handle that may carry a descriptor. */
export interface HasFd {
  readonly fd?: number;
}

/** The libuv handle of a `net.Socket` or `net.Server`. */
export function handleOf(object: object): HasFd | undefined {
  return (object as { _handle?: HasFd | null })._handle ?? undefined;
}

/** The libuv handle of a `dgram.Socket`. */
export function datagramHandle(udp: object): HasFd | undefined {
  // node:dgram keeps its handle under a private symbol; read it only to report the fd.
  for (const symbol of Object.getOwnPropertySymbols(udp)) {
    const state = (udp as Record<symbol, { handle?: HasFd } | undefined>)[symbol];
    if (state && typeof state === 'object' && 'handle' in state) return state.handle;
  }
  return undefined;
}
