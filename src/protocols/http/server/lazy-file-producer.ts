/**
 * `LazyFileProducer`: a file body that takes its descriptor only when the connection is about to
 * send it, so responses queued behind others (pipelined requests) hold no descriptor each.
 */
import { fstat, open } from 'node:fs';
import { FileProducer, type Producer } from '../../../dispatch/index.js';

/** Which file the response's head described, and which bytes of it to send. */
export interface LazyFileTarget {
  /** The resolved path. */
  readonly path: string;
  /** Device and inode the head's validators were made from: another file is not sent. */
  readonly dev: number;
  readonly ino: number;
  /** The first byte to send. */
  readonly start: number;
  /** The byte after the last to send. */
  readonly end: number;
  /** Bytes per read. */
  readonly chunkSize: number;
}

/** The file was replaced between the head and the body: its bytes would not match the head. */
export class FileChangedError extends Error {
  override name = 'FileChangedError';
  readonly code = 'EFILECHANGED';
}

/**
 * Produces a byte range of a file, opening it (asynchronously, off the event loop) on the first
 * `more()`, that is when the socket has room for it. The opened file must be the one the head
 * was made from (same device and inode); a file removed or replaced meanwhile fails the body
 * (the connection closes: a head already promised other bytes). Reads after the open are one
 * chunk each, bounded by `chunkSize`, as a {@link FileProducer}'s.
 *
 * @example
 * response.produce(new LazyFileProducer({ path, dev, ino, start: 0, end: size, chunkSize }), size);
 */
export class LazyFileProducer implements Producer {
  readonly freshChunks = true;
  readonly #target: LazyFileTarget;
  #inner: FileProducer | null = null;
  #opening: Promise<Uint8Array> | null = null;
  #closed = false;

  /**
   * @param target The file, its identity and the range to send.
   */
  constructor(target: LazyFileTarget) {
    this.#target = target;
  }

  /**
   * The next chunk (read into `spare`, an earlier chunk the socket is done with, when given);
   * the first call opens the file.
   *
   * @returns A chunk, an empty one at the end, or a promise of the first chunk.
   * @throws {FileChangedError} (as a rejection) When the file is no longer the one described.
   */
  more(spare?: Buffer): Uint8Array | Promise<Uint8Array> {
    if (this.#inner !== null) return this.#inner.more(spare);
    if (this.#closed) return new Uint8Array(0);
    this.#opening ??= this.#open();
    return this.#opening;
  }

  /** Closes the file, or drops it as soon as it opens. */
  close(): void {
    this.#closed = true;
    this.#inner?.close();
  }

  async #open(): Promise<Uint8Array> {
    const { path, dev, ino, start, end, chunkSize } = this.#target;
    const fd = await openFile(path);
    const inner = new FileProducer(fd, { start, end, bufferSize: chunkSize });
    if (this.#closed) {
      inner.close();
      return new Uint8Array(0);
    }
    try {
      const stats = await fstatFile(fd);
      if (stats.dev !== dev || stats.ino !== ino) throw new FileChangedError(`${path} changed`);
    } catch (err) {
      inner.close();
      throw err;
    }
    if (this.#closed) {
      inner.close();
      return new Uint8Array(0);
    }
    this.#inner = inner;
    return inner.more();
  }
}

/** `open(2)` in the thread pool, as a bare descriptor for {@link FileProducer}. */
function openFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (err, fd) => (err === null ? resolve(fd) : reject(err)));
  });
}

function fstatFile(fd: number): Promise<{ dev: number; ino: number }> {
  return new Promise((resolve, reject) => {
    fstat(fd, (err, stats) => (err === null ? resolve(stats) : reject(err)));
  });
}
