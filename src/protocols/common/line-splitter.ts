/**
 * Splits a byte stream into lines for the line-based protocols (FTP, SMTP, POP3, finger).
 * Sans-I/O: bytes go in with `push()`, lines come out of `next()`.
 */

/** How a line ended on the wire: `crlf` is what the RFCs ask for; `lf` is a bare line feed. */
export type LineEnding = 'crlf' | 'lf';

/** One result of {@link LineSplitter.next}. */
export type LineEvent =
  | { readonly type: 'line'; readonly line: Buffer; readonly ending: LineEnding }
  /** A line longer than the limit: its bytes were discarded up to and including its end. */
  | { readonly type: 'too-long'; readonly length: number };

/** Options for {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Longest line accepted, in bytes, not counting the line ending. */
  readonly maxLineLength: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts input into lines at LF (with or without a CR before it), never buffering more than the
 * line limit: an over-long line is reported once as `too-long` and skipped, so a peer cannot
 * make the process hold an unbounded line.
 *
 * @example
 * const lines = new LineSplitter({ maxLineLength: 512 });
 * lines.push(Buffer.from('NOOP\r\nQU'));
 * lines.next(); // { type: 'line', line: <Buffer 'NOOP'>, ending: 'crlf' }
 * lines.next(); // null: 'QU' waits for the rest of its line
 */
export class LineSplitter {
  readonly #max: number;
  #buffer: Buffer = Buffer.alloc(0);
  /** Where the search for LF resumes, so bytes are scanned once however they arrive. */
  #scanned = 0;
  /** While > 0 we are inside an over-long line, discarding; counts the bytes skipped. */
  #discarding = 0;

  constructor(options: LineSplitterOptions) {
    if (!Number.isInteger(options.maxLineLength) || options.maxLineLength < 1) {
      throw new RangeError(
        `maxLineLength must be a positive integer, got ${options.maxLineLength}`,
      );
    }
    this.#max = options.maxLineLength;
  }

  /** Adds received bytes. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    this.#buffer = this.#buffer.length === 0 ? bytes : Buffer.concat([this.#buffer, bytes]);
  }

  /** Returns the next complete line, or `null` when more input is needed. */
  next(): LineEvent | null {
    for (;;) {
      const lf = this.#buffer.indexOf(LF, this.#scanned);
      if (lf === -1) {
        this.#scanned = this.#buffer.length;
        // Keep one byte past the limit: it may be the CR of a line of exactly the limit.
        if (this.#buffer.length > this.#max + 1) {
          // Keep the last byte: it may be the CR of the CRLF that ends the over-long line.
          const keep = this.#buffer.length - 1;
          this.#discarding += keep;
          this.#buffer = this.#buffer.subarray(keep);
          this.#scanned = 1;
        }
        return null;
      }
      const hasCr = lf > 0 && this.#buffer[lf - 1] === CR;
      const end = hasCr ? lf - 1 : lf;
      const line = this.#buffer.subarray(0, end);
      this.#buffer = this.#buffer.subarray(lf + 1);
      this.#scanned = 0;
      if (this.#discarding > 0) {
        const length = this.#discarding + end;
        this.#discarding = 0;
        return { type: 'too-long', length };
      }
      if (line.length > this.#max) return { type: 'too-long', length: line.length };
      return { type: 'line', line, ending: hasCr ? 'crlf' : 'lf' };
    }
  }

  /** Bytes received but not yet returned as a line (for a STARTTLS switch, say). */
  get bufferedLength(): number {
    return this.#discarding > 0 ? 0 : this.#buffer.length;
  }

  /**
   * Removes and returns the bytes not yet returned as lines. A protocol that stops reading lines
   * (after `AUTH TLS`, or to read a body of known length) takes the rest from here so no byte is
   * lost or read twice.
   */
  takeBuffered(): Buffer {
    const rest = this.#discarding > 0 ? Buffer.alloc(0) : this.#buffer;
    this.#buffer = Buffer.alloc(0);
    this.#scanned = 0;
    this.#discarding = 0;
    return rest;
  }
}
