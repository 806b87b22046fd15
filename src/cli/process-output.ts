/**
 * `ProcessOutput`: the process's stdout or stderr as the command line writes to it. Node makes
 * `process.stdout` at its first use, and for a pipe or a terminal that is a `net.Socket`: it
 * loads `net` and the stream modules, some milliseconds of every command's start (a `--help`, a
 * `dig`). Most commands write a few lines, and on Linux Node writes those to a pipe, a file or
 * a terminal synchronously anyway; so writes go straight to the descriptor until the descriptor
 * would block or something needs the stream itself (an event listener), and through Node's
 * stream from then on, in order.
 */
import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type { CliOutput } from '../protocols/common/cli-command.js';

/** What a write's callback gets: nothing, or the error. */
type WriteCallback = (err?: Error | null) => void;

/** node:tty, loaded only to tell a terminal from another character device (/dev/null). */
const require = createRequire(import.meta.url);

/** stdout (1) or stderr (2), written to directly until its stream is needed. */
export class ProcessOutput implements CliOutput {
  readonly #fd: number;
  readonly #open: () => Writable;
  readonly #onError: (err: NodeJS.ErrnoException) => void;
  #stream: Writable | null = null;
  #isTTY: boolean | null = null;

  /**
   * @param fd the descriptor (1 or 2).
   * @param open makes Node's stream for it (`() => process.stdout`); called once, when needed.
   * @param onError what a failed write does (`EPIPE`: the reader has gone), on either path.
   */
  constructor(fd: number, open: () => Writable, onError: (err: NodeJS.ErrnoException) => void) {
    this.#fd = fd;
    this.#open = open;
    this.#onError = onError;
  }

  /** Node's stream, made now if it was not, with the error handler on it. */
  get stream(): Writable {
    if (this.#stream === null) {
      this.#stream = this.#open();
      this.#stream.on('error', this.#onError);
    }
    return this.#stream;
  }

  /**
   * Whether the descriptor is a terminal. A pipe or a file (fstat) needs no `node:tty`, which
   * loads `net`: only a character device is asked.
   */
  get isTTY(): boolean {
    this.#isTTY ??=
      fstatSync(this.#fd).isCharacterDevice() &&
      (require('node:tty') as typeof import('node:tty')).isatty(this.#fd);
    return this.#isTTY;
  }

  /** As the stream's, once there is one; until then the descriptor is open (Node keeps 0–2 so). */
  get destroyed(): boolean {
    return this.#stream?.destroyed ?? false;
  }

  /** As the stream's; nothing ends a descriptor written to directly. */
  get writableEnded(): boolean {
    return this.#stream?.writableEnded ?? false;
  }

  /**
   * Writes `chunk`: to the descriptor in this call while there is no stream, else (and with
   * what a full non-blocking descriptor left over) through the stream.
   * @returns `false` when the stream asks the writer to wait for 'drain'.
   */
  write(
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : 'utf8';
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    let rest: string | Uint8Array = chunk;
    if (this.#stream === null) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      let left: Uint8Array | null;
      try {
        left = this.#writeDirect(bytes);
      } catch (err) {
        // Not a write error (no errno code): a bug, for the last-resort handler.
        if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
        // As the stream would: the handler hears of it, and so does the writer.
        this.#onError(err as NodeJS.ErrnoException);
        if (done !== undefined) process.nextTick(done, err);
        return true;
      }
      if (left === null) {
        if (done !== undefined) process.nextTick(done, null);
        return true;
      }
      rest = left;
    }
    return done === undefined ? this.stream.write(rest) : this.stream.write(rest, done);
  }

  /** Listens on the stream, made for it: writes go through it from then on. */
  once(event: 'drain' | 'error', listener: (err?: Error) => void): this {
    this.stream.once(event, listener);
    return this;
  }

  /** Listens on the stream, made for it: writes go through it from then on. */
  on(event: 'drain' | 'error', listener: (err?: Error) => void): this {
    this.stream.on(event, listener);
    return this;
  }

  /** Stops listening on the stream, if there is one. */
  off(event: 'drain' | 'error', listener: (err?: Error) => void): this {
    this.#stream?.off(event, listener);
    return this;
  }

  /**
   * Writes all of `bytes` with write(2), retrying partial writes.
   * @returns `null` when all went, or what is left when the descriptor is non-blocking and full
   *   (`EAGAIN`: a parent shared a non-blocking pipe), for the stream, which waits for room.
   * @throws what write(2) fails with otherwise (`EPIPE`).
   */
  #writeDirect(bytes: Uint8Array): Uint8Array | null {
    let at = 0;
    while (at < bytes.length) {
      try {
        at += writeSync(this.#fd, bytes, at);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return bytes.subarray(at);
        throw err;
      }
    }
    return null;
  }
}
