/**
 * Tells a reset from an end of stream after Node reported the end. libuv reports EOF, not
 * ECONNRESET, when the peer's RST arrives in the same poll as its last bytes: `uv__stream_io`
 * sees POLLHUP after a partial read and ends the stream without reading again, so the pending
 * `ECONNRESET` is never read. Node has no `getsockopt(SO_ERROR)`, but the kernel's state shows it:
 * after a FIN the socket is in CLOSE_WAIT and `getpeername()` works; after a RST it is CLOSED
 * and `getpeername()` fails with ENOTCONN, as it does in Python.
 */
import type { Socket as NetSocket } from 'node:net';
import { constants } from 'node:os';
import { handleOf } from './handles.js';

/** libuv's error numbers are the negated system ones on Unix. */
const UV_ENOTCONN = -constants.errno.ENOTCONN;

/**
 * The part of Node's TCP handle this reads: `getpeername(out)` returns 0 or a negative errno
 * (a TLS handle would pass it to the stream below, and answer undefined over a pipe).
 */
interface PeerNameHandle {
  getpeername(out: object): unknown;
}

function peerNameHandle(stream: NetSocket): PeerNameHandle | null {
  const handle = handleOf(stream);
  if (handle === undefined || typeof handle !== 'object') return null;
  const fn = (handle as { getpeername?: unknown }).getpeername;
  return typeof fn === 'function' ? (handle as PeerNameHandle) : null;
}

/**
 * Whether a TCP stream that just reported its end was in fact reset by the peer.
 *
 * Call it when the stream's `'end'` arrives, and only while our own side has not shut down
 * writing: a connection closed from both sides is CLOSED too (our FIN went first, so the socket
 * left TIME_WAIT to the kernel), and there the answer would be wrong.
 * @param stream a `net.Socket` over TCP; for a TLS socket and over AF_UNIX the answer is false
 *   (TLS tells a reset from its close_notify itself; a pipe has no peer name to probe).
 * @returns true when the kernel no longer knows a peer (the connection was reset).
 * @example stream.on('end', () => { if (endedByReset(stream)) reportReset(); });
 */
export function endedByReset(stream: NetSocket): boolean {
  // TLS says itself how it ended: its end is the peer's close_notify (a RST after it, from a
  // peer that closed with our bytes unread, does not undo a clean end), and a RST without one
  // already fails the read with ECONNRESET. The probe would take the first for a reset.
  if ((stream as { encrypted?: unknown }).encrypted === true) return false;
  const handle = peerNameHandle(stream);
  if (handle === null) return false;
  try {
    // Only ENOTCONN says "reset": any other answer says nothing.
    return handle.getpeername({}) === UV_ENOTCONN;
  } catch {
    // Internals changed shape: an unknown answer is not a reset.
    return false;
  }
}
