/**
 * `SocketExtras`: what a socket holds only once it does what the sockets of a server mostly never
 * do (connect, fail, wait in `recv()`, send datagrams), kept out of the socket and made on first
 * use: an idle server holds thousands of accepted sockets that need none of it, and each field
 * of their own would cost every one of them.
 */
import type { Socket as NetSocket } from 'node:net';
import type { SocketError } from './errors.js';
import type { RecvWaiter } from './recv-waiter.js';

/**
 * @internal The rarely needed state of one socket (see the file's comment).
 * @example
 * const extras = new SocketExtras();
 * extras.soError = new SocketError('ECONNREFUSED');
 */
export class SocketExtras {
  /** A stream connection under way. */
  connecting: NetSocket | null = null;
  /** The error of a failed non-blocking connect, or of a datagram send, for the next call. */
  soError: SocketError | null = null;
  /** The one waiting `recv()` (socket-io.ts), made on the first. */
  waiter: RecvWaiter | null = null;
  /** The callback of node:dgram's sends from `send()`, made on the first. */
  onSendDone: ((err: Error | null) => void) | null = null;
  /** The callback of node:dgram's sends from `sendto()`, made on the first. */
  onSendtoDone: ((err: Error | null) => void) | null = null;
  /** Sends left before the next checked one (see `sendtoOwnedNowait()`). */
  unchecked = 0;
}
