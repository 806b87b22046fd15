/**
 * Python's `socket.send_fds()` and `socket.recv_fds()`: descriptors passed between processes
 * over an AF_UNIX socket, as `SCM_RIGHTS` ancillary data.
 */
import type { SocketAddress } from './address.js';
import { CMSG_LEN, fdsOf, fdsToBytes } from './ancillary.js';
import { SOL_SOCKET } from './constants.js';
import { SCM_RIGHTS } from './native-constants.js';
import type { Socket } from './socket.js';

/**
 * Sends `buffers` with the descriptors `fds`, as Python's `send_fds()`. The receiver gets its
 * own descriptors for the same open files; ours stay open.
 * @param sock an AF_UNIX socket on its own descriptor (`SOCK_DGRAM`, `SOCK_SEQPACKET`, or a
 *   `socketpair()` of those).
 * @param buffers the data (at least one byte on a stream: the descriptors ride on it).
 * @param fds the descriptors to pass.
 * @param flags `MSG_*` flags; `address` the destination of an unconnected datagram socket.
 * @returns the number of data bytes sent.
 * @example await sendFds(sock, [Buffer.from('x')], [listener.fileno()]);
 */
export function sendFds(
  sock: Socket,
  buffers: Iterable<Uint8Array | string>,
  fds: Iterable<number>,
  flags = 0,
  address?: SocketAddress,
): Promise<number> {
  return sock.sendmsg(buffers, [[SOL_SOCKET, SCM_RIGHTS, fdsToBytes(fds)]], flags, address);
}

/**
 * Receives data and up to `maxfds` descriptors, as Python's `recv_fds()`. The descriptors are
 * open in this process (close-on-exec) and are the caller's to close.
 * @param sock the receiving AF_UNIX socket.
 * @param bufsize the most data bytes to return.
 * @param maxfds the most descriptors to take (more are closed by the kernel, with `MSG_CTRUNC`).
 * @param flags `MSG_*` flags.
 * @returns `[data, fds, msg_flags, address]`.
 * @example const [data, [fd]] = await recvFds(sock, 16, 1);
 */
export async function recvFds(
  sock: Socket,
  bufsize: number,
  maxfds: number,
  flags = 0,
): Promise<[Buffer, number[], number, SocketAddress]> {
  const [data, ancdata, msgFlags, address] = await sock.recvmsg(
    bufsize,
    CMSG_LEN(maxfds * 4),
    flags,
  );
  return [data, fdsOf(ancdata), msgFlags, address];
}
