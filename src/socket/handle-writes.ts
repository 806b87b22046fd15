/**
 * Writes of accepted plain TCP connections straight into Node's stream handle, skipping the
 * `Writable` machinery `socket.write()` runs for every call.
 *
 * Why: a small response costs `socket.write()` a pass through `Writable.write`, `writeOrBuffer`,
 * `_writeGeneric`, a fresh `WriteWrap`, and a `process.nextTick` to report completion — about a
 * quarter of a microsecond per hello-world request, for a write the kernel takes at once. Here
 * a write with nothing queued ahead of it (nothing in Node's `Writable` buffer, no earlier
 * direct write in flight) goes to `handle.writeBuffer()`, which tries the write at once; when
 * the kernel takes it all, nothing more happens. When it does not, libuv queues the rest, as it
 * would for `socket.write()`, and the handle reports completion (or the error) to us.
 *
 * This uses Node internals: the handle (`_handle`) and its `writeBuffer()`/`writeQueueSize`,
 * and Node's `WriteWrap` request class, learnt from the first public write of the process (the
 * request object Node passes to `writeBuffer()`). When any piece is missing, or
 * `POLYPORT_PUBLIC_WRITES=1` (or `POLYPORT_PUBLIC_READS=1`) is set, writes keep Node's public
 * `socket.write()` path.
 */
import type { Socket as NetSocket } from 'node:net';
import { getSystemErrorName } from 'node:util';

/** A write request as Node's handle expects it (an instance of its `WriteWrap` class). */
interface WriteRequest {
  handle: unknown;
  oncomplete: (status: number) => void;
  buffer: unknown;
}

interface WriteHandle {
  writeBuffer(req: WriteRequest, data: Uint8Array): number;
  readonly writeQueueSize: number;
}

type WriteWrapClass = new () => WriteRequest;

/** Node's `WriteWrap`, once learnt; null before (or when it could not be learnt). */
let writeWrap: WriteWrapClass | null = null;
/** Public writes left during which to try learning it: not forever, not on every write. */
let learnTries = 16;

/**
 * Whether {@link HandleWriter} may be used: not when `POLYPORT_PUBLIC_WRITES=1` (or
 * `POLYPORT_PUBLIC_READS=1`, which keeps every Node internal out) forces the public path.
 * @returns true unless the public path is forced.
 * @example
 * const writer = handleWritesWanted() ? new HandleWriter(conn, notify, onError) : null;
 */
export function handleWritesWanted(): boolean {
  return process.env.POLYPORT_PUBLIC_WRITES !== '1' && process.env.POLYPORT_PUBLIC_READS !== '1';
}

function handleOf(stream: NetSocket): WriteHandle | null {
  const handle = (stream as unknown as { _handle?: Partial<WriteHandle> | null })._handle;
  if (handle === null || handle === undefined) return null;
  if (typeof handle.writeBuffer !== 'function' || typeof handle.writeQueueSize !== 'number')
    return null;
  return handle as WriteHandle;
}

/**
 * Runs `write` (a public `socket.write()` of one Buffer) and, until Node's `WriteWrap` class is
 * known, watches the handle's `writeBuffer()` during it to learn the class from the request Node
 * passes. The watch is an own property of that one handle, removed before this returns.
 * @param stream the socket written to.
 * @param write the public write.
 * @example learnWriteWrap(conn, () => conn.write(data));
 */
export function learnWriteWrap(stream: NetSocket, write: () => void): void {
  const handle = learnTries > 0 && writeWrap === null ? handleOf(stream) : null;
  if (handle === null) {
    write();
    return;
  }
  learnTries--;
  const target = handle as unknown as Record<string, unknown>;
  const original = handle.writeBuffer;
  target.writeBuffer = function watched(this: WriteHandle, req: WriteRequest, data: Uint8Array) {
    const found = (req as { constructor?: unknown }).constructor;
    if (typeof found === 'function' && found.name === 'WriteWrap') {
      writeWrap = found as WriteWrapClass;
    }
    return original.call(this, req, data);
  };
  try {
    write();
  } finally {
    delete target.writeBuffer;
  }
}

/** A Node-style error for a failed write (`code`, `errno`, `syscall`), as `socket.write()` gives. */
function writeError(status: number): Error {
  const code = getSystemErrorName(status);
  return Object.assign(new Error(`write ${code}`), { code, errno: status, syscall: 'write' });
}

/**
 * Direct writes for one socket. At most one direct write waits in libuv at a time (its
 * remaining bytes are {@link pending}); the caller writes directly only when nothing else is
 * queued, so the bytes leave in the order they were written whichever path each took.
 *
 * @example
 * const writer = new HandleWriter(conn, notify, onError);
 * if (!writer.write(bytes)) conn.write(bytes);
 */
export class HandleWriter {
  readonly #stream: NetSocket;
  readonly #notify: () => void;
  readonly #failed: (err: Error) => void;
  /** Bytes of the direct write still queued in libuv (0 when none is). */
  pending = 0;

  /**
   * @param stream an accepted, connected plain TCP socket.
   * @param notify called when a write that had to wait completes (room to write again).
   * @param failed called, before `write()` returns, when the kernel refuses a write (a reset
   *   peer): the caller must know at once, or a sender in a loop (chargen) never stops.
   */
  constructor(stream: NetSocket, notify: () => void, failed: (err: Error) => void) {
    this.#stream = stream;
    this.#notify = notify;
    this.#failed = failed;
  }

  /**
   * Writes `data` straight to the handle, when that can be done.
   * @param data bytes that stay unchanged until written (the caller's copy or handed over).
   * @returns false, with nothing written, when the handle or Node's request class is missing
   *   (the caller then uses `socket.write()`); true when the bytes are written or queued, or
   *   the write failed (the error has gone to `failed` and the socket is destroyed).
   */
  write(data: Buffer): boolean {
    const Wrap = writeWrap;
    if (Wrap === null || this.pending > 0) return false;
    const handle = handleOf(this.#stream);
    if (handle === null) return false;
    // A fresh request per write, holding the bytes, as Node's own writes do. Whether Node bound
    // it to a waiting write cannot be read off the handle: the kernel may refuse part of a write,
    // libuv then send the rest inside the same call (the write queue is empty again, yet the
    // request is bound and its completion pending), so reusing one crashes Node's assertion
    // that a request is bound once.
    const req = new Wrap();
    req.handle = handle;
    req.oncomplete = this.#complete;
    req.buffer = data;
    const err = handle.writeBuffer(req, data);
    if (err !== 0) {
      // Reported now, not on the 'error' event a tick later; destroyed without an error, so
      // it is not reported twice.
      this.#failed(writeError(err));
      this.#stream.destroy();
      return true;
    }
    // Bytes libuv still holds: they count against the send buffer until oncomplete. (A bound
    // request whose bytes all went out at once completes later too; that costs nothing.)
    const queued = handle.writeQueueSize;
    if (queued > 0) this.pending = queued;
    return true;
  }

  /** libuv finished the write that waited (status < 0: it failed). */
  #complete = (status: number): void => {
    this.pending = 0;
    if (status < 0) this.#stream.destroy(writeError(status));
    else this.#notify();
  };

  /** Whether Node's request class has been learnt (for tests). */
  static get ready(): boolean {
    return writeWrap !== null;
  }
}
