/**
 * `CutProducer`: a producer that ends after a given number of bytes, for a POP3 fault that
 * cuts a RETR or TOP mid-message (`cutAfter`).
 */
import type { Producer } from '../../../../dispatch/index.js';

const EMPTY = new Uint8Array(0);

/**
 * Passes on what `inner` produces up to `limit` bytes, then closes `inner` (which reports an
 * incomplete transfer) and calls `onCut`. A message shorter than the limit goes out whole.
 *
 * @example
 * connection.writeProducer(new CutProducer(message, 100, () => connection.closeWhenDone()));
 */
export class CutProducer implements Producer {
  readonly #inner: Producer;
  readonly #onCut: () => void;
  #left: number;
  #cut = false;

  /**
   * @param inner The whole message.
   * @param limit Bytes let through.
   * @param onCut Called once, when the limit is reached (after the last piece is handed on).
   */
  constructor(inner: Producer, limit: number, onCut: () => void) {
    this.#inner = inner;
    this.#left = limit;
    this.#onCut = onCut;
  }

  more(): Uint8Array | Promise<Uint8Array> {
    if (this.#left === 0) {
      this.#stop();
      return EMPTY;
    }
    const next = this.#inner.more();
    return next instanceof Promise ? next.then((chunk) => this.#take(chunk)) : this.#take(next);
  }

  close(): void {
    this.#inner.close?.();
  }

  #take(chunk: Uint8Array): Uint8Array {
    if (chunk.length < this.#left) {
      this.#left -= chunk.length;
      return chunk;
    }
    const piece = chunk.subarray(0, this.#left);
    this.#left = 0;
    this.#stop();
    return piece;
  }

  #stop(): void {
    if (this.#cut) return;
    this.#cut = true;
    this.#inner.close?.();
    this.#onCut();
  }
}
