/**
 * `UploadWriter`: the disk side of STOR and APPE. Received chunks are gathered into small
 * batches and each batch is written with one synchronous `writev`, uncopied, while its bytes
 * are still in the processor's cache.
 */

import { writevSync } from 'node:fs';

/**
 * Bytes gathered before a batch is written. Small on purpose: measured side by side, 256 KiB
 * batches cost less CPU per GiB than 1 or 4 MiB ones (the kernel copies bytes that were just
 * received and are still cached), and each write blocks the loop only briefly.
 */
export const UPLOAD_BATCH_BYTES = 256 * 1024;
/** Chunks in one `writev` at most (well under any system's IOV_MAX). */
const MAX_BATCH_CHUNKS = 256;

/** Options for {@link UploadWriter}. */
export interface UploadWriterOptions {
  /** The open file. */
  readonly fd: number;
  /** The first byte's offset, or `null` to append at the end (APPE). */
  readonly position: number | null;
  /** Bytes gathered before a write (default {@link UPLOAD_BATCH_BYTES}). */
  readonly batchBytes?: number;
  /** Called once when a write fails; the writer writes nothing more after it. */
  readonly onError: (error: Error) => void;
}

/**
 * Writes an upload to its file in order. A write is synchronous: in this single-threaded
 * server that blocks the loop, but only for one batch of bytes the page cache takes at memory
 * speed (well under a millisecond for 256 KiB), and the data channel reads at most its socket's
 * receive buffer per round, so other clients wait boundedly. Measured against one or two
 * thread-pool writes in flight it cost less CPU per GiB and moved more bytes per second: no
 * hand-off to a thread, no chunk held across a garbage collection while it waits for one.
 *
 * @example
 * const writer = new UploadWriter({ fd, position: 0, onError: (err) => channel.fail(err) });
 * writer.push(chunk); // the chunk must not be changed afterwards: it may be written later
 * writer.flush(); // at the end of the upload
 */
export class UploadWriter {
  readonly #fd: number;
  readonly #batchBytes: number;
  readonly #onError: (error: Error) => void;
  #position: number | null;
  #queue: Buffer[] = [];
  #queued = 0;
  #failed = false;

  /**
   * @param options The file, where to write, the batch size and the error callback.
   * @throws {RangeError} For a batch size below 1.
   */
  constructor(options: UploadWriterOptions) {
    const batchBytes = options.batchBytes ?? UPLOAD_BATCH_BYTES;
    if (!Number.isInteger(batchBytes) || batchBytes < 1)
      throw new RangeError(`UploadWriter: bad batch size ${batchBytes}`);
    this.#fd = options.fd;
    this.#position = options.position;
    this.#batchBytes = batchBytes;
    this.#onError = options.onError;
  }

  /** Bytes received and not yet written (less than one batch). */
  get queued(): number {
    return this.#queued;
  }

  /** Whether a write failed (then nothing more is written). */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Queues bytes for the file and writes the batch once it is full.
   *
   * @param chunk Bytes the caller owns and will not change (they are written without a copy).
   */
  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.#failed) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued >= this.#batchBytes || this.#queue.length >= MAX_BATCH_CHUNKS) this.flush();
  }

  /** Writes everything queued (at the end of the upload, or when a batch is full). */
  flush(): void {
    if (this.#queued === 0 || this.#failed) return;
    let batch = this.#queue;
    let left = this.#queued;
    this.#queue = [];
    this.#queued = 0;
    try {
      while (left > 0) {
        const written = writevSync(this.#fd, batch, this.#position ?? undefined);
        if (this.#position !== null) this.#position += written;
        left -= written;
        // A regular file takes a batch whole or fails; a short count is still honoured, so no
        // byte can go missing from the middle of the file.
        if (left > 0) batch = rest(batch, written);
      }
    } catch (err) {
      this.#failed = true;
      this.#onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** The chunks of `batch` after its first `skip` bytes. */
function rest(batch: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of batch) {
    if (skip >= chunk.length) skip -= chunk.length;
    else {
      out.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
  }
  return out;
}
