/**
 * `UploadWriter`: the disk side of STOR and APPE. Received chunks are queued as they came and
 * written with one `writev` per batch, so the network and the disk work at once and no chunk is
 * copied to join it to its neighbours.
 */

import { writev } from 'node:fs';

/** Bytes handed to the disk in one `writev` at most. */
const MAX_BATCH_BYTES = 1024 * 1024;
/** Chunks in one `writev` at most (well under any system's IOV_MAX). */
const MAX_BATCH_CHUNKS = 256;

/** Options for {@link UploadWriter}. */
export interface UploadWriterOptions {
  /** The open file. */
  readonly fd: number;
  /** The first byte's offset, or `null` to append at the end (APPE). */
  readonly position: number | null;
  /**
   * Called when a write has finished (`null`) or failed; after a failure the writer writes no
   * more. The channel reads on (room was freed) or ends the transfer from here.
   */
  readonly onWritten: (error: Error | null) => void;
}

/**
 * Writes an upload to its file in order, one `writev` at a time. Chunks pushed while a write is
 * in flight wait in a queue and go in the next batch; the caller bounds memory by not reading
 * more once {@link UploadWriter.queued} reaches its limit (TCP then slows the peer).
 *
 * @example
 * const writer = new UploadWriter({ fd, position: 0, onWritten: (err) => channel.wake() });
 * writer.push(chunk); // the chunk must not be changed afterwards: it is written as it is
 */
export class UploadWriter {
  readonly #fd: number;
  readonly #onWritten: (error: Error | null) => void;
  #position: number | null;
  #queue: Buffer[] = [];
  #queued = 0;
  #writing = 0;
  #failed = false;

  /**
   * @param options The file, where to write, and the completion callback.
   */
  constructor(options: UploadWriterOptions) {
    this.#fd = options.fd;
    this.#position = options.position;
    this.#onWritten = options.onWritten;
  }

  /** Bytes received and not yet handed to the disk. */
  get queued(): number {
    return this.#queued;
  }

  /** Whether a write is in flight. */
  get writing(): boolean {
    return this.#writing > 0;
  }

  /** Whether every byte pushed is on disk (or a write failed and nothing more will be written). */
  get idle(): boolean {
    return this.#failed || (this.#writing === 0 && this.#queued === 0);
  }

  /**
   * Queues bytes for the file and starts a write unless one is in flight.
   *
   * @param chunk Bytes the caller owns and will not change (they are written without a copy).
   */
  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.#failed) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#next();
  }

  #next(): void {
    if (this.#writing > 0 || this.#queued === 0 || this.#failed) return;
    let count = 0;
    let bytes = 0;
    while (
      count < this.#queue.length &&
      count < MAX_BATCH_CHUNKS &&
      (count === 0 || bytes + (this.#queue[count] as Buffer).length <= MAX_BATCH_BYTES)
    ) {
      bytes += (this.#queue[count] as Buffer).length;
      count += 1;
    }
    const batch = this.#queue.splice(0, count);
    this.#queued -= bytes;
    this.#writing = bytes;
    writev(this.#fd, batch, this.#position, (err, written) => {
      this.#writing = 0;
      if (err) {
        this.#failed = true;
        this.#onWritten(err);
        return;
      }
      if (this.#position !== null) this.#position += written;
      // libuv writes a regular file's batch whole or fails; a short count is put back anyway
      // rather than trusted, so no byte can go missing from the middle of the file.
      if (written < bytes) this.#requeue(batch, written);
      this.#next();
      this.#onWritten(null);
    });
  }

  #requeue(batch: Buffer[], written: number): void {
    let skip = written;
    const rest: Buffer[] = [];
    for (const chunk of batch) {
      if (skip >= chunk.length) skip -= chunk.length;
      else {
        rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
        skip = 0;
      }
    }
    for (const chunk of rest) this.#queued += chunk.length;
    this.#queue.unshift(...rest);
  }
}
