/**
 * `HeadMemo`: the last message head a parser decoded, kept with its bytes, so a connection that
 * sends the very same head again (a keep-alive client repeating a request) is not scanned and
 * decoded again.
 */

/** Longer heads are not remembered: a memo holds at most this many bytes per connection. */
export const HEAD_MEMO_MAX_BYTES = 1024;

/**
 * One remembered head: its bytes (a private copy) and what decoding them gave. Decoding is a
 * pure function of the bytes (for one parser, whose limits do not change), so input that starts
 * with exactly these bytes decodes to exactly this outcome; its events are immutable, so the same
 * objects may be handed out again.
 *
 * @example
 * const memo = new HeadMemo<Outcome>();
 * memo.remember(buf, head.length, outcome);
 * if (memo.match(next) > 0) use(memo.outcome);
 */
export class HeadMemo<O> {
  #bytes: Buffer | null = null;
  #outcome: O | null = null;

  /**
   * The length of the remembered head when `buf` starts with exactly its bytes, else -1.
   *
   * @param buf The unparsed input, from the start of a message.
   * @returns The head's length in bytes, or -1.
   */
  match(buf: Buffer): number {
    const bytes = this.#bytes;
    if (bytes === null || buf.length < bytes.length) return -1;
    return bytes.compare(buf, 0, bytes.length) === 0 ? bytes.length : -1;
  }

  /** The outcome remembered with the head (call after {@link match} found it). */
  get outcome(): O {
    return this.#outcome as O;
  }

  /**
   * Remembers the head that the first `length` bytes of `buf` hold and what it decoded to,
   * replacing the one before. Heads longer than {@link HEAD_MEMO_MAX_BYTES} are not kept (and
   * the one before is forgotten).
   *
   * @param buf The input the head was decoded from (copied: the caller's bytes may change).
   * @param length The head's length.
   * @param outcome What decoding gave.
   */
  remember(buf: Buffer, length: number, outcome: O): void {
    if (length > HEAD_MEMO_MAX_BYTES) {
      this.#bytes = null;
      this.#outcome = null;
      return;
    }
    this.#bytes = Buffer.from(buf.subarray(0, length));
    this.#outcome = outcome;
  }
}
