/**
 * `LogWriterThread`: a worker thread that writes a descriptor's log text, so the write system
 * call — which to a file on a slow disk can block on the kernel's dirty-page throttling — never
 * runs in the thread that serves connections.
 *
 * The two threads share a ring of bytes: the main thread copies text in and moves `HEAD`, the
 * worker writes it out and moves `TAIL`. When the process ends, the main thread waits (bounded)
 * until `TAIL` reaches `HEAD`, so nothing handed over is lost at a normal exit, a
 * `process.exit()` or an uncaught exception.
 */
import { Worker } from 'node:worker_threads';

/** Slots of the ring's header (Int32 each). */
const HEAD = 0;
const TAIL = 1;
/** Set by the worker when the reader went away (`EPIPE`): from then on text is dropped. */
const CLOSED = 2;
const HEADER_BYTES = 16;

/**
 * The worker's code, evaluated as CommonJS: carried as text so it runs the same from the
 * compiled library, the bundled executable and the TypeScript sources in the tests.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { fd, ring } = workerData;
const state = new Int32Array(ring, 0, 4);
const bytes = new Uint8Array(ring, ${HEADER_BYTES});
const size = bytes.length;
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  const head = Atomics.load(state, ${HEAD});
  let tail = Atomics.load(state, ${TAIL});
  if (head === tail) {
    Atomics.wait(state, ${HEAD}, head);
    continue;
  }
  const end = head > tail ? head : size;
  try {
    tail += writeSync(fd, bytes, tail, end - tail);
  } catch (err) {
    if (err.code === 'EAGAIN') {
      Atomics.wait(pause, 0, 0, 10);
      continue;
    }
    Atomics.store(state, ${CLOSED}, 1);
    tail = end;
  }
  Atomics.store(state, ${TAIL}, tail === size ? 0 : tail);
  Atomics.notify(state, ${TAIL});
}
`;

/** A descriptor's writer thread and the ring it reads. */
export class LogWriterThread {
  readonly #state: Int32Array;
  readonly #bytes: Buffer;

  /**
   * Starts the thread (unreferenced: it never keeps the process alive).
   * @param fd the descriptor to write to.
   * @param ringBytes the ring's size: how much text may wait for the disk or a slow reader.
   */
  constructor(fd: number, ringBytes = 4 * 1024 * 1024) {
    const ring = new SharedArrayBuffer(HEADER_BYTES + ringBytes);
    this.#state = new Int32Array(ring, 0, 4);
    this.#bytes = Buffer.from(ring, HEADER_BYTES);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { fd, ring },
      // The worker needs none of the main thread's loaders (tsx in the tests) or options.
      execArgv: [],
      env: {},
      stdout: false,
      stderr: false,
    });
    worker.unref();
  }

  /** Whether the reader is gone for good; text handed over since is dropped. */
  get closed(): boolean {
    return Atomics.load(this.#state, CLOSED) === 1;
  }

  /**
   * Copies as much of `text` into the ring as fits, whole bytes of whole characters.
   * @param text UTF-8 text to write.
   * @returns the number of characters of `text` taken (all of it, or less when the ring is full).
   */
  offer(text: string): number {
    if (this.closed) return text.length;
    const size = this.#bytes.length;
    const head = Atomics.load(this.#state, HEAD);
    const tail = Atomics.load(this.#state, TAIL);
    // One byte always stays free, so a full ring is not mistaken for an empty one.
    const free = (tail - head - 1 + size) % size;
    if (free === 0) return 0;
    const encoded = Buffer.from(text);
    let taken = encoded.length;
    let chars = text.length;
    if (taken > free) {
      // Cut at a character boundary: take the longest prefix of characters that fits.
      chars = 0;
      taken = 0;
      for (const char of text) {
        const width = Buffer.byteLength(char);
        if (taken + width > free) break;
        taken += width;
        chars += char.length;
      }
      if (taken === 0) return 0;
    }
    const first = Math.min(taken, size - head);
    encoded.copy(this.#bytes, head, 0, first);
    if (taken > first) encoded.copy(this.#bytes, 0, first, taken);
    Atomics.store(this.#state, HEAD, (head + taken) % size);
    Atomics.notify(this.#state, HEAD);
    return chars;
  }

  /**
   * Waits until the thread has written everything handed over, or `deadline` (a `Date.now()`).
   * @returns `true` when the ring is empty.
   */
  drainSync(deadline: number): boolean {
    for (;;) {
      const tail = Atomics.load(this.#state, TAIL);
      if (tail === Atomics.load(this.#state, HEAD) || this.closed) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.#state, TAIL, tail, Math.min(left, 10));
    }
  }
}
