/**
 * `FileSource`: the bytes of a file for RETR, read in large chunks into one buffer that the
 * transfer reuses, so a download allocates once instead of once per chunk.
 */

import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes read per chunk by default: large reads mean few system calls and few socket sends. */
export const FILE_SOURCE_CHUNK = 512 * 1024;

/** Options for {@link FileSource}. */
export interface FileSourceOptions {
  /** The first byte to read (REST), default 0. */
  readonly start?: number;
  /** Bytes per chunk (default {@link FILE_SOURCE_CHUNK}). */
  readonly chunkSize?: number;
}

/**
 * Reads a file front to back. Reads are synchronous, as the dispatch layer's `FileProducer`: a
 * chunk from the page cache costs far less than a trip through Node's thread pool, and the data
 * channel reads only when its socket has room. The file is opened on the first read and closed
 * at its end or by {@link FileSource.close}.
 *
 * @example
 * const source = new FileSource('/srv/ftp/big.bin', { start: 0 });
 * for (let chunk = source.read(); chunk.length > 0; chunk = source.read()) sock.send(chunk);
 */
export class FileSource {
  readonly #path: string;
  readonly #chunkSize: number;
  #buffer: Buffer | null = null;
  #fd: number | null = null;
  #position: number;
  #done = false;

  /**
   * @param path The file's real path.
   * @param options Where to start and the chunk size.
   * @throws {RangeError} For a negative or fractional start or a chunk size below 1.
   */
  constructor(path: string, options: FileSourceOptions = {}) {
    const start = options.start ?? 0;
    const chunkSize = options.chunkSize ?? FILE_SOURCE_CHUNK;
    if (!Number.isInteger(start) || start < 0)
      throw new RangeError(`FileSource: bad start ${start}`);
    if (!Number.isInteger(chunkSize) || chunkSize < 1)
      throw new RangeError(`FileSource: bad chunk size ${chunkSize}`);
    this.#path = path;
    this.#position = start;
    this.#chunkSize = chunkSize;
  }

  /**
   * Reads the next chunk.
   *
   * @returns A view of the source's own buffer, valid only until the next `read()` (the caller
   *   must be done with it, or have copied it, by then); empty at the end of the file.
   * @throws {Error} The file system's error (`ENOENT`, `EACCES`, `EIO`).
   */
  read(): Buffer {
    if (this.#done) return Buffer.alloc(0);
    if (this.#fd === null) this.#fd = openSync(this.#path, 'r');
    // Allocated on the first read, not in the constructor: a transfer refused before its data
    // connection opens costs no buffer.
    this.#buffer ??= Buffer.allocUnsafe(this.#chunkSize);
    const read = readSync(this.#fd, this.#buffer, 0, this.#chunkSize, this.#position);
    if (read === 0) {
      this.close();
      return Buffer.alloc(0);
    }
    this.#position += read;
    return this.#buffer.subarray(0, read);
  }

  /** Closes the file (at the end, or early when the transfer is cut). Closing twice is harmless. */
  close(): void {
    this.#done = true;
    this.#buffer = null;
    if (this.#fd === null) return;
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    this.#fd = null;
  }
}
