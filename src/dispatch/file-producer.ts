/**
 * Streams a file to a channel without reading it whole: one chunk each time the socket can
 * take more, as Medusa's `file_producer`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Producer } from './producer.js';

/** Options for {@link FileProducer}. */
export interface FileProducerOptions {
  /** Bytes per chunk (default 64 KiB). */
  readonly bufferSize?: number;
  /** The first byte to send (default 0), for ranges and resumed transfers. */
  readonly start?: number;
  /** The byte after the last to send (default: the end of the file). */
  readonly end?: number;
}

/**
 * Produces a file's bytes in chunks. Reads are synchronous, as in Medusa: a chunk from the page
 * cache costs microseconds, far less than a trip through Node's thread pool, and the channel
 * pulls a chunk only when its socket has room. The file is opened on the first `more()` and
 * closed at its end or by `close()`.
 *
 * @example chat.pushWithProducer(new FileProducer('/srv/www/index.html'));
 */
export class FileProducer implements Producer {
  /**
   * Each chunk is a new buffer read from the file (or a spare the channel gave back), so
   * channels send it uncopied.
   */
  readonly freshChunks = true;
  readonly #path: string | null;
  #fd: number | null;
  readonly #bufferSize: number;
  #position: number;
  readonly #end: number;
  #done = false;

  /**
   * @param file a path, or an open file descriptor (which the producer then owns and closes).
   * @param options chunk size and byte range.
   * @throws {RangeError} for a bad chunk size or range.
   */
  constructor(file: string | number, options: FileProducerOptions = {}) {
    const bufferSize = options.bufferSize ?? 64 * 1024;
    if (!Number.isInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(
        `FileProducer: bufferSize must be a positive integer, got ${bufferSize}`,
      );
    }
    const start = options.start ?? 0;
    const end = options.end ?? Number.POSITIVE_INFINITY;
    if (!Number.isInteger(start) || start < 0 || !(end >= start)) {
      throw new RangeError(`FileProducer: bad range ${start}-${end}`);
    }
    this.#path = typeof file === 'string' ? file : null;
    this.#fd = typeof file === 'number' ? file : null;
    this.#bufferSize = bufferSize;
    this.#position = start;
    this.#end = end;
  }

  /**
   * The next chunk, read into `spare` when it is one of this producer's earlier chunks (as
   * large as a chunk), else into new memory.
   * @throws {Error} the file system's error (`ENOENT`, `EACCES`) on the first call.
   */
  more(spare?: Buffer): Uint8Array {
    if (this.#done) return new Uint8Array(0);
    if (this.#fd === null) this.#fd = openSync(this.#path as string, 'r');
    const want = Math.min(this.#bufferSize, this.#end - this.#position);
    if (want <= 0) return this.#finish();
    const chunk =
      spare !== undefined && spare.length === this.#bufferSize
        ? spare.subarray(0, want)
        : Buffer.allocUnsafe(want);
    const read = readSync(this.#fd, chunk, 0, want, this.#position);
    if (read === 0) return this.#finish();
    this.#position += read;
    return read === want ? chunk : chunk.subarray(0, read);
  }

  /** Closes the file early. */
  close(): void {
    this.#finish();
  }

  #finish(): Uint8Array {
    this.#done = true;
    if (this.#fd !== null) {
      try {
        closeSync(this.#fd);
      } catch {
        // already closed
      }
      this.#fd = null;
    }
    return new Uint8Array(0);
  }
}
