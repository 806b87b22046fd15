/**
 * `OutputBatch`: what a server connection answers while it handles one read, collected and
 * sent in one write, so pipelined requests cost one send for all their responses.
 */
import { MSG_ZEROCOPY } from '../../socket/index.js';

/** Where a batch goes: `push(bytes, flags)`, as `AsyncChat.push`. */
export type BatchPush = (bytes: Uint8Array, flags: number) => void;

/**
 * Between {@link start} and {@link stop}, bytes given to {@link add} are held and leave as one
 * buffer at {@link flush} (or stop); outside, they go at once. Bytes marked `owned` (made for
 * this write, held by nobody else) are handed to the socket uncopied, and so is a batch joined
 * from several parts, which is a fresh buffer.
 *
 * @example
 * const batch = new OutputBatch((bytes, flags) => channel.push(bytes, flags));
 * batch.start();
 * batch.add(response1, true);
 * batch.add(response2, true);
 * batch.stop(); // one push of both
 */
export class OutputBatch {
  readonly #push: BatchPush;
  #parts: Uint8Array[] | null = null;
  /** Whether the first part held was made for its write. */
  #firstOwned = false;

  /**
   * @param push Sends bytes on (with `MSG_ZEROCOPY` when they are handed over).
   */
  constructor(push: BatchPush) {
    this.#push = push;
  }

  /** Starts holding output. */
  start(): void {
    this.#parts = [];
  }

  /**
   * Queues bytes: held while started, else sent at once.
   *
   * @param bytes The bytes.
   * @param owned Whether nothing else holds them (they may go uncopied).
   */
  add(bytes: Uint8Array, owned: boolean): void {
    const parts = this.#parts;
    if (parts === null) {
      this.#push(bytes, owned ? MSG_ZEROCOPY : 0);
      return;
    }
    if (parts.length === 0) this.#firstOwned = owned;
    parts.push(bytes);
  }

  /** Sends what is held (and keeps holding, if started). */
  flush(): void {
    const parts = this.#parts;
    if (parts === null || parts.length === 0) return;
    this.#parts = [];
    if (parts.length === 1) this.#push(parts[0]!, this.#firstOwned ? MSG_ZEROCOPY : 0);
    else this.#push(Buffer.concat(parts), MSG_ZEROCOPY);
  }

  /** Sends what is held and stops holding. */
  stop(): void {
    this.flush();
    this.#parts = null;
  }
}
