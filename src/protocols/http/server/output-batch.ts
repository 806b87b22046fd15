/**
 * `OutputBatch`: what a server connection answers while it handles one read, collected and
 * sent in one write, so pipelined requests cost one send for all their responses.
 */
import type { WriteOptions } from '../../../server/transport.js';

/** Where a batch goes: `write(bytes, options)`, as the kit's `Transport.write`. */
export type BatchPush = (bytes: Uint8Array, options: WriteOptions) => void;

const OWNED: WriteOptions = { owned: true };
const COPIED: WriteOptions = {};

/**
 * Between {@link start} and {@link stop}, bytes given to {@link add} are held and leave as one
 * buffer at {@link flush} (or stop); outside, they go at once. Bytes marked `owned` (made for
 * this write, held by nobody else) are handed to the socket uncopied, and so is a batch joined
 * from several parts, which is a fresh buffer.
 *
 * @example
 * const batch = new OutputBatch((bytes, options) => transport.write(bytes, options));
 * batch.start();
 * batch.add(response1, true);
 * batch.add(response2, true);
 * batch.stop(); // one write of both
 */
export class OutputBatch {
  readonly #push: BatchPush;
  /** Whether output is being held (between start and stop). */
  #holding = false;
  /**
   * The first part held and the rest: one response per read is the common case, so it is kept
   * in a field, and an array is made only for a second part.
   */
  #first: Uint8Array | null = null;
  #rest: Uint8Array[] | null = null;
  /** Whether the first part held was made for its write. */
  #firstOwned = false;
  /** Bytes held now: they count as the connection's queued output (backpressure). */
  #heldBytes = 0;

  /**
   * @param push Sends bytes on (`owned` when they are handed over).
   */
  constructor(push: BatchPush) {
    this.#push = push;
  }

  /** Bytes held, not yet passed on. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Starts holding output. */
  start(): void {
    this.#holding = true;
  }

  /**
   * Queues bytes: held while started, else sent at once.
   *
   * @param bytes The bytes.
   * @param owned Whether nothing else holds them (they may go uncopied).
   */
  add(bytes: Uint8Array, owned: boolean): void {
    if (!this.#holding) {
      this.#push(bytes, owned ? OWNED : COPIED);
      return;
    }
    this.#heldBytes += bytes.length;
    if (this.#first === null) {
      this.#first = bytes;
      this.#firstOwned = owned;
    } else if (this.#rest === null) this.#rest = [bytes];
    else this.#rest.push(bytes);
  }

  /** Sends what is held (and keeps holding, if started). */
  flush(): void {
    const first = this.#first;
    if (first === null) return;
    const rest = this.#rest;
    this.#first = null;
    this.#rest = null;
    this.#heldBytes = 0;
    if (rest === null) this.#push(first, this.#firstOwned ? OWNED : COPIED);
    else this.#push(Buffer.concat([first, ...rest]), OWNED);
  }

  /** Sends what is held and stops holding. */
  stop(): void {
    // A push may lead to more output (a close that says goodbye): send that too, in order.
    while (this.#first !== null) this.flush();
    this.#holding = false;
  }
}
