/**
 * `logSink(fd)`: where the host's log lines go on their way to standard error. A line costs the
 * caller a string append; lines leave together, handed to the descriptor's
 * {@link LogWriterThread} per {@link BATCH_BYTES} or per {@link BATCH_MS}, whichever comes first,
 * and the exit flush waits until that thread has written everything, held or handed over.
 */
import { LogWriterThread } from './log-writer-thread.js';

/** Bytes held while the reader (a full pipe) takes nothing, beyond which new lines are dropped. */
const MAX_HELD = 64 * 1024 * 1024;
/**
 * How long a line may wait for others to share its write. Each hand-over wakes the writer thread
 * and each write wakes the log's reader; one per event-loop turn (a few lines each under load)
 * cost the server more than the lines did.
 */
const BATCH_MS = 10;
/** Held text that is written at once: a batch stays a string short enough to be cheap to join. */
const BATCH_BYTES = 32 * 1024;
/** How long to wait before offering text again to a writer thread whose ring was full. */
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
  readonly #thread: LogWriterThread;
  #held = '';
  #scheduled = false;
  /** The writer's ring was full (a stalled reader): wait for the retry rather than try on every line. */
  #retrying = false;

  constructor(fd: number) {
    this.#thread = new LogWriterThread(fd);
  }

  write(text: string): void {
    // The reader gone (`EPIPE`): lines are dropped, as nowhere can show them.
    if (this.#thread.closed || this.#held.length > MAX_HELD) return;
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
    // Hand everything over, letting the thread make room as needed, then wait for it to finish.
    while (!this.#writeHeld()) {
      const drained = this.#thread.drainSync(Math.min(deadline, Date.now() + RETRY_MS));
      if (!drained && Date.now() >= deadline) return;
    }
    this.#thread.drainSync(deadline);
  }

  readonly #flushLater = (): void => {
    this.#scheduled = false;
    this.#retrying = !this.#writeHeld();
    if (this.#retrying) {
      this.#scheduled = true;
      setTimeout(this.#flushLater, RETRY_MS).unref();
    }
  };

  /** Hands what is held to the writer thread; `false` when its ring was full and some stays held. */
  #writeHeld(): boolean {
    const text = this.#held;
    if (text === '') return true;
    const taken = this.#thread.offer(text);
    if (this.#thread.closed) {
      // EPIPE and the like: the reader is gone for good.
      this.#held = '';
      return true;
    }
    this.#held = taken === text.length ? '' : text.slice(taken);
    return this.#held === '';
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
