/**
 * `logSink(fd)`: where the host's log lines go on their way to standard error. A line costs the
 * caller a string append; lines leave together, in one write per {@link BATCH_BYTES} or per
 * {@link BATCH_MS}, whichever comes first, and whatever is still held leaves synchronously when
 * the process exits.
 */
import { writeSync } from 'node:fs';

/** Bytes held while the reader (a full pipe) takes nothing, beyond which new lines are dropped. */
const MAX_HELD = 64 * 1024 * 1024;
/**
 * How long a line may wait for others to share its write. A write to a pipe wakes its reader, and
 * one per event-loop turn (a few lines each under load) cost the server more than the lines did.
 */
const BATCH_MS = 10;
/** Held text that is written at once: a batch stays a string short enough to be cheap to join. */
const BATCH_BYTES = 32 * 1024;
/** How long to wait before retrying a pipe that was full (`EAGAIN`). */
const RETRY_MS = 10;
/** How long the exit flush waits in all for a full pipe to drain. */
const EXIT_WAIT_MS = 2000;

/** A batching writer for one file descriptor. */
export interface LogSink {
  /** Holds `text` for the next batch. */
  write(text: string): void;
  /** Writes everything held now, synchronously (for exit paths and crash reports). */
  flushSync(): void;
}

const sinks = new Map<number, BatchSink>();

class BatchSink implements LogSink {
  readonly #fd: number;
  #held = '';
  #scheduled = false;
  /** A full pipe refused the last write: wait for the retry rather than try on every line. */
  #retrying = false;
  /** The reader is gone (`EPIPE`): lines are dropped, as nowhere can show them. */
  #closed = false;

  constructor(fd: number) {
    this.#fd = fd;
  }

  write(text: string): void {
    if (this.#closed || this.#held.length > MAX_HELD) return;
    this.#held += text;
    if (this.#held.length >= BATCH_BYTES && !this.#retrying) {
      if (this.#writeHeld()) return;
      this.#retrying = true;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      // Unreferenced: held lines never keep the process alive, as the exit flush writes them.
      setTimeout(this.#flushLater, BATCH_MS).unref();
    }
  }

  flushSync(): void {
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (!this.#writeHeld() && Date.now() < deadline) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
    }
  }

  readonly #flushLater = (): void => {
    this.#scheduled = false;
    this.#retrying = !this.#writeHeld();
    if (this.#retrying) {
      this.#scheduled = true;
      setTimeout(this.#flushLater, RETRY_MS).unref();
    }
  };

  /** Writes what is held; `false` when a full non-blocking pipe left some of it held. */
  #writeHeld(): boolean {
    const text = this.#held;
    if (text === '') return true;
    this.#held = '';
    let bytes: Buffer | null = null;
    let offset = 0;
    try {
      // The string goes as it is (no Buffer made here); the count tells whether all of it went.
      offset = writeSync(this.#fd, text);
      if (offset === text.length && offset === Buffer.byteLength(text)) return true;
      bytes = Buffer.from(text);
      while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        this.#held = (bytes ?? Buffer.from(text)).subarray(offset).toString() + this.#held;
        return false;
      }
      // EPIPE and the like: the reader is gone for good.
      this.#closed = true;
      return true;
    }
  }
}

let exitHooked = false;

/**
 * The sink for file descriptor `fd`, one per descriptor in the process, so every logger writing
 * there shares its order. Its lines are flushed when the process exits (`process.exit()`, the end
 * of the loop, or an uncaught exception).
 * @param fd the descriptor: 2 for standard error.
 * @returns the sink.
 * @example logSink(2).write('12:00:00 INFO  started\n');
 */
export function logSink(fd: number): LogSink {
  let sink = sinks.get(fd);
  if (sink === undefined) {
    sink = new BatchSink(fd);
    sinks.set(fd, sink);
  }
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flushLogs);
  }
  return sink;
}

/**
 * Writes every sink's held lines now, synchronously: before the process ends in a way that
 * skips the `exit` event, or before other text goes to the same descriptor.
 * @example logger.fatal({ err }, 'crashed'); flushLogs(); process.abort();
 */
export function flushLogs(): void {
  for (const sink of sinks.values()) sink.flushSync();
}
