/**
 * Writes text in the dot-stuffed form of SMTP DATA and POP3 multi-line responses, as a
 * streaming transform whose output does not depend on how the input was chunked.
 */

/** Options for {@link DotStuffer}. */
export interface DotStufferOptions {
  /**
   * For POP3 `TOP n`: stop after the header, the blank line and this many body lines. Without
   * it the whole message is written.
   */
  readonly bodyLines?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/**
 * Dot-stuffs a message: a line starting with `.` gets another, every line ending (CRLF, bare LF
 * or bare CR) is written as CRLF, a last line without an ending gets one, and `end()` adds the
 * terminating `.` CRLF. Normalising bare CR and LF means no receiver can find an end of data
 * inside the content, however it reads line endings.
 *
 * @example
 * const out = new DotStuffer();
 * Buffer.concat([out.push(Buffer.from('.hi\nthere')), out.end()]).toString();
 * // '..hi\r\nthere\r\n.\r\n'
 */
export class DotStuffer {
  #atLineStart = true;
  #pendingCr = false;
  #ended = false;
  /** Body lines still to write for TOP; `null` while in the header or without a limit. */
  #bodyLeft: number | null = null;
  readonly #bodyLines: number | undefined;
  #inHeader: boolean;
  #lineEmpty = true;
  #done = false;

  /**
   * @param options `bodyLines` to cut after the header plus that many body lines (POP3 TOP).
   * @throws {RangeError} If `bodyLines` is not a non-negative integer.
   */
  constructor(options: DotStufferOptions = {}) {
    const { bodyLines } = options;
    if (bodyLines !== undefined && (!Number.isSafeInteger(bodyLines) || bodyLines < 0)) {
      throw new RangeError(`bodyLines must be a non-negative integer, got ${bodyLines}`);
    }
    this.#bodyLines = bodyLines;
    this.#inHeader = bodyLines !== undefined;
  }

  /**
   * Whether the TOP cut has been reached: later input is ignored, so the caller may stop
   * reading the message.
   */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Stuffs a chunk of the message.
   *
   * @param chunk The next bytes of the message.
   * @returns The bytes to send (possibly empty).
   * @throws {Error} If called after `end()`.
   */
  push(chunk: Uint8Array): Buffer {
    if (this.#ended) throw new Error('DotStuffer.push() after end()');
    // Worst case every byte is a bare LF or CR that becomes CRLF, plus one held CR.
    const out = Buffer.allocUnsafe(chunk.length * 2 + 2);
    let n = 0;
    for (let i = 0; i < chunk.length && !this.#done; i++) {
      const byte = chunk[i]!;
      if (this.#pendingCr) {
        this.#pendingCr = false;
        n = this.#newline(out, n);
        if (byte === LF) continue;
        if (this.#done) break;
      }
      if (byte === CR) {
        this.#pendingCr = true;
      } else if (byte === LF) {
        n = this.#newline(out, n);
      } else {
        if (this.#atLineStart && byte === DOT) out[n++] = DOT;
        out[n++] = byte;
        this.#atLineStart = false;
        this.#lineEmpty = false;
      }
    }
    return out.subarray(0, n);
  }

  /**
   * Finishes the message: ends an unterminated last line and adds the `.` CRLF terminator.
   *
   * @returns The last bytes to send.
   * @throws {Error} If called twice.
   */
  end(): Buffer {
    if (this.#ended) throw new Error('DotStuffer.end() called twice');
    const tail = Buffer.alloc(7);
    let n = 0;
    if (!this.#done) {
      if (this.#pendingCr || !this.#atLineStart) n = this.#newline(tail, n);
    }
    this.#ended = true;
    tail[n++] = DOT;
    tail[n++] = CR;
    tail[n++] = LF;
    return tail.subarray(0, n);
  }

  #newline(out: Buffer, n: number): number {
    out[n++] = CR;
    out[n++] = LF;
    this.#atLineStart = true;
    if (this.#bodyLines !== undefined) {
      if (this.#inHeader) {
        if (this.#lineEmpty) {
          this.#inHeader = false;
          this.#bodyLeft = this.#bodyLines;
        }
      } else if (this.#bodyLeft !== null) {
        this.#bodyLeft--;
      }
      if (this.#bodyLeft === 0) this.#done = true;
    }
    this.#lineEmpty = true;
    return n;
  }
}
