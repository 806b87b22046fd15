/**
 * Reads of accepted plain TCP connections through Node's `onread` machinery instead of 'data'
 * events, so a read does not cost a fresh 64 KiB ArrayBuffer.
 *
 * Why: on Node's default path every read allocates its own 64 KiB backing store and ArrayBuffer
 * (and shrinks it when the read was short). Here every connection reads into one shared scratch
 * buffer and each read is copied out, back to back, into a shared 1 MiB slab: one allocation per
 * slab instead of one per read, for ~17% less CPU per streamed MiB and ~10% per ping-pong round
 * trip in the echo benchmark. The bytes handed out stay the caller's (slab regions are never
 * rewritten), so the external-memory byte rate V8 sees is the same as on the default path.
 *
 * This uses Node internals (the `kBuffer`/`kBufferCb`/`kBufferGen` symbols `net.Socket` keeps
 * for its public `onread` option, and the handle's `useUserBuffer()`), found by feature
 * detection; when any piece is missing, or `POLYPORT_PUBLIC_READS=1` is set, the caller keeps
 * Node's public 'data' path.
 */
import type { Socket as NetSocket } from 'node:net';

/** Bytes a slab holds; reads are copied into it back to back. */
const SLAB_SIZE = 1024 * 1024;
/** The most one read takes (Node's own read size). */
const READ_SIZE = 64 * 1024;

interface ReadHandle {
  reading?: unknown;
  useUserBuffer?: unknown;
}

/** The scratch buffer libuv reads into, shared by every connection. */
let scratch: Buffer | null = null;
let slab: Buffer = Buffer.alloc(0);
let slabUsed = 0;

/**
 * Copies `n` bytes of the scratch buffer out into the current slab and returns a view of them.
 * Regions are handed out once and never rewritten: a full slab is left to the views into it
 * (the GC frees it with the last one) and a fresh one is started, never wrapped around.
 */
function copyOut(from: Buffer, n: number): Buffer {
  if (slab.length - slabUsed < n) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabUsed = 0;
  }
  const start = slabUsed;
  from.copy(slab, start, 0, n);
  // Keep the next region 8-byte aligned so views can back typed arrays of any width.
  slabUsed = (start + n + 7) & ~7;
  return slab.subarray(start, start + n);
}

function symbolNamed(stream: NetSocket, name: string): symbol | null {
  for (const sym of Object.getOwnPropertySymbols(stream)) {
    if (sym.description === name) return sym;
  }
  return null;
}

/**
 * Whether {@link attachSlabReads} may be used: not when `POLYPORT_PUBLIC_READS=1` forces
 * Node's public 'data' path (tests run both paths).
 * @returns true unless the public path is forced.
 * @example
 * if (slabReadsWanted()) attachSlabReads(conn, onChunk);
 */
export function slabReadsWanted(): boolean {
  return process.env.POLYPORT_PUBLIC_READS !== '1';
}

/**
 * Switches a connected, not yet reading TCP stream to slab reads: from now on `onChunk` gets
 * every received chunk (a view the receiver owns: its bytes are never rewritten) and 'data'
 * is not emitted. EOF, errors, 'end' and 'close' arrive as before, and `pause()`/`resume()`
 * still stop and restart reading (net.Socket handles that for its `onread` mode).
 * @param stream an accepted plain TCP `net.Socket` (not TLS, not AF_UNIX), not yet reading.
 * @param onChunk called with each chunk received.
 * @returns false, with nothing changed, when Node lacks a piece this needs.
 * @example
 * if (!attachSlabReads(conn, (chunk) => queue.push(chunk))) conn.on('data', onData);
 */
export function attachSlabReads(stream: NetSocket, onChunk: (chunk: Buffer) => void): boolean {
  const handle = (stream as unknown as { _handle?: ReadHandle | null })._handle;
  if (handle === null || handle === undefined) return false;
  if (typeof handle.useUserBuffer !== 'function' || handle.reading === true) return false;
  const kBuffer = symbolNamed(stream, 'kBuffer');
  const kBufferCb = symbolNamed(stream, 'kBufferCb');
  const kBufferGen = symbolNamed(stream, 'kBufferGen');
  if (kBuffer === null || kBufferCb === null || kBufferGen === null) return false;
  const fields = stream as unknown as Record<symbol, unknown>;
  if (fields[kBuffer] !== null || fields[kBufferCb] !== null) return false;
  scratch ??= Buffer.allocUnsafeSlow(READ_SIZE);
  const buffer = scratch;
  // Each read lands in the scratch buffer and is copied out before the callback returns, so
  // one buffer serves every connection (reads run one at a time on this thread). Returning
  // true keeps reading; backpressure goes through stream.pause(), which net.Socket turns into
  // readStop() in this mode.
  fields[kBufferCb] = (nread: number, buf: Buffer): boolean => {
    onChunk(copyOut(buf, nread));
    return true;
  };
  fields[kBufferGen] = null;
  fields[kBuffer] = buffer;
  (handle.useUserBuffer as (this: ReadHandle, buf: Uint8Array) => void).call(handle, buffer);
  return true;
}
