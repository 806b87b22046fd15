/**
 * The error of a failed non-blocking connect, rebuilt from the errno `SO_ERROR` gives.
 */
import {
  errnoError,
  formatAddress,
  type SocketAddress,
  type SocketError,
} from '../socket/index.js';

/**
 * Turns an errno (as `getsockopt(SOL_SOCKET, SO_ERROR)` returns it) into a `SocketError` named
 * by its code, as asyncore raises `OSError(err, strerror(err))` (which Python makes the
 * matching subclass, `ConnectionRefusedError` for `ECONNREFUSED`).
 * @param errno the error number (111 for `ECONNREFUSED` on Linux).
 * @param addr the address the connect was for, for the message.
 * @returns the error; an unknown number gets the code `E<number>`.
 * @example socketErrorFromErrno(111, ['127.0.0.1', 1]).code; // 'ECONNREFUSED'
 */
export function socketErrorFromErrno(errno: number, addr: SocketAddress | null): SocketError {
  return errnoError(errno, {
    op: 'connect',
    ...(addr !== null ? { addr: formatAddress(addr) } : {}),
  });
}
