/**
 * `FileSource`: the bytes of a file to send (FTP's RETR, a client's upload), read in large
 * chunks, each into a fresh buffer that the caller owns, so it can go to the socket uncopied.
 */

import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Bytes read per chunk by default: large reads mean few system calls, sends and loop rounds
 * (1 MiB measured about 20% less CPU per GiB than 512 KiB, with a 2 MiB send buffer).
 */
export const FILE_SOURCE_CHUNK = 1024 * 1024;

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
   * @param into A buffer of the chunk size to read into (one the socket is done with), instead
   *   of a new one.
   * @returns A fresh buffer the caller owns (the source keeps no reference to it, so it may be
   *   handed to a socket as `owned`); empty at the end of the file.
   * @throws {Error} The file system's error (`ENOENT`, `EACCES`, `EIO`).
   */
  read(into?: Buffer): Buffer {
    if (this.#done) return Buffer.alloc(0);
    if (this.#fd === null) this.#fd = openSync(this.#path, 'r');
    // A buffer per chunk, handed over to the socket rather than copied. The caller gives back
    // one the socket is done with when it can: fresh memory costs a page fault per 4 KiB on its
    // first write, which made reading the file cost as much again as sending it. Unpooled, so
    // a chunk pins only itself.
    const buffer =
      into !== undefined && into.length === this.#chunkSize
        ? into
        : Buffer.allocUnsafeSlow(this.#chunkSize);
    const read = readSync(this.#fd, buffer, 0, this.#chunkSize, this.#position);
    if (read === 0) {
      this.close();
      return Buffer.alloc(0);
    }
    this.#position += read;
    return read === this.#chunkSize ? buffer : buffer.subarray(0, read);
  }

  /** Closes the file (at the end, or early when the transfer is cut). Closing twice is harmless. */
  close(): void {
    this.#done = true;
    if (this.#fd === null) return;
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    this.#fd = null;
  }
}
