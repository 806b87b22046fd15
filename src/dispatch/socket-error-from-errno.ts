/**
 * The error of a failed non-blocking connect, rebuilt from the errno `SO_ERROR` gives.
 */
import { constants } from 'node:os';
import { type SocketAddress, SocketError } from '../socket/index.js';

/**
 * Turns an errno (as `getsockopt(SOL_SOCKET, SO_ERROR)` returns it) into a `SocketError` named
 * by its code, as asyncore raises `OSError(err, strerror(err))`.
 * @param errno the error number (111 for `ECONNREFUSED` on Linux).
 * @param addr the address the connect was for, for the message.
 * @returns the error; an unknown number gets the code `E<number>`.
 * @example socketErrorFromErrno(111, ['127.0.0.1', 1]).code; // 'ECONNREFUSED'
 */
export function socketErrorFromErrno(errno: number, addr: SocketAddress | null): SocketError {
  const code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
  return new SocketError(code, {
    op: 'connect',
    errno,
    ...(addr !== null ? { addr: typeof addr === 'string' ? addr : `${addr[0]}:${addr[1]}` } : {}),
  });
}

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value, name]),
);
