/**
 * Tells a reset from an end of stream after Node reported the end. libuv reports EOF, not
 * ECONNRESET, when the peer's RST arrives in the same poll as its last bytes: `uv__stream_io`
 * sees POLLHUP after a partial read and ends the stream without reading again, so the pending
 * `ECONNRESET` is never read. Node has no `getsockopt(SO_ERROR)`, but the kernel's state shows it:
 * after a FIN the socket is in CLOSE_WAIT and `getpeername()` works; after a RST it is CLOSED
 * and `getpeername()` fails with ENOTCONN, as it does in Python.
 */
import type { Socket as NetSocket } from 'node:net';

/** The part of Node's TCP handle this reads: `getpeername(out)` returns 0 or a negative errno. */
interface PeerNameHandle {
  getpeername(out: object): number;
}

function peerNameHandle(stream: NetSocket): PeerNameHandle | null {
  const handle = (stream as { _handle?: unknown })._handle;
  if (handle === null || typeof handle !== 'object') return null;
  const fn = (handle as { getpeername?: unknown }).getpeername;
  return typeof fn === 'function' ? (handle as PeerNameHandle) : null;
}

/**
 * Whether a TCP stream that just reported its end was in fact reset by the peer.
 *
 * Call it when the stream's `'end'` arrives, and only while our own side has not shut down
 * writing: a connection closed from both sides is CLOSED too (our FIN went first, so the socket
 * left TIME_WAIT to the kernel), and then this cannot tell the two apart and says false.
 * @param stream a `net.Socket` over TCP (an AF_UNIX or TLS stream has no peer-name probe: false).
 * @returns true when the kernel no longer knows a peer (the connection was reset).
 * @example stream.on('end', () => { if (endedByReset(stream)) reportReset(); });
 */
export function endedByReset(stream: NetSocket): boolean {
  const handle = peerNameHandle(stream);
  if (handle === null) return false;
  try {
    return handle.getpeername({}) !== 0;
  } catch {
    // Internals changed shape: an unknown answer is not a reset.
    return false;
  }
}
