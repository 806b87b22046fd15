/**
 * The `fd_socket` native addon (native/fd_socket.cc): the socket system calls on a descriptor,
 * for the socket kinds Node cannot open. Every call returns a negative errno on failure
 * instead of throwing, so the error policy stays in TypeScript (fd-engine.ts).
 */
import { SocketError } from '../errors.js';
import { loadNativeAddon } from './native-addon.js';

/** A uv_poll watcher made by {@link FdSocketAddon.watch}. */
export type FdWatcher = { readonly __fdWatcher: unique symbol };

/** The calls of the addon; each returns `-errno` on failure. */
export interface FdSocketAddon {
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number, protocol: number): [number, number] | number;
  dup(fd: number): number;
  bind(fd: number, sockaddr: Uint8Array): number;
  connect(fd: number, sockaddr: Uint8Array): number;
  listen(fd: number, backlog: number): number;
  accept(fd: number): [number, Buffer] | number;
  shutdown(fd: number, how: number): number;
  close(fd: number): number;
  getsockname(fd: number): Buffer | number;
  getpeername(fd: number): Buffer | number;
  getsockopt(fd: number, level: number, name: number, buflen: number): Buffer | number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  sendmsg(
    fd: number,
    data: Uint8Array,
    control: Uint8Array | null,
    flags: number,
    sockaddr: Uint8Array | null,
  ): number;
  recvmsg(
    fd: number,
    bufsize: number,
    ancbufsize: number,
    flags: number,
  ): [data: Buffer, control: Buffer, flags: number, sockaddr: Buffer] | number;
  /** poll(2) for POLLIN|POLLOUT with no wait: the revents (Linux's values). */
  pollNow(fd: number): number;
  watch(fd: number, callback: (status: number, events: number) => void): FdWatcher;
  /**
   * A watcher of a descriptor polyport does not own (a pipe, a tty, stdin): it polls a private
   * duplicate, closed with the watcher, and leaves the file's blocking mode as it was.
   */
  watchDescriptor(
    fd: number,
    callback: (status: number, events: number) => void,
  ): FdWatcher | number;
  /** Arms the watcher for `UV_READABLE` (1) and/or `UV_WRITABLE` (2); 0 stops it. */
  arm(watcher: FdWatcher, events: number): number;
  unwatch(watcher: FdWatcher): number;
}

let addon: FdSocketAddon | null | undefined;

/**
 * The addon, or null when it is not built for this Node, or when `POLYPORT_NO_FD_SOCKETS=1`
 * asks to behave as if it were not (to see, and test, what a machine without a compiler gets).
 * @returns the addon's calls, or null.
 * @example const fds = fdSocketAddon(); if (fds !== null) fds.pollNow(0);
 */
export function fdSocketAddon(): FdSocketAddon | null {
  if (addon === undefined) {
    addon =
      process.env.POLYPORT_NO_FD_SOCKETS === '1'
        ? null
        : (loadNativeAddon('fd_socket') as FdSocketAddon | null);
    if (addon !== null && typeof addon.socket !== 'function') addon = null;
  }
  return addon;
}

/**
 * The addon, or the error that says it is missing and how to build it.
 * @param op the call that needs it, for the message.
 * @param what the feature, for the message (`AF_UNIX datagram sockets`, `sendmsg()`).
 * @returns the addon's calls.
 * @throws {SocketError} `ESOCKTNOSUPPORT` when the addon is not built.
 * @example const fds = requireFdSocketAddon('socket', 'SOCK_RAW sockets');
 */
export function requireFdSocketAddon(op: string, what: string): FdSocketAddon {
  const found = fdSocketAddon();
  if (found !== null) return found;
  throw new SocketError('ESOCKTNOSUPPORT', {
    op,
    detail: `${what} need polyport's native addon (fd_socket), which is not built for this Node.js: run \`npm run build:native\``,
  });
}
