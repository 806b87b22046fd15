/**
 * Reads dot-stuffed text (SMTP DATA, RFC 5321 §4.5.2; POP3 multi-line responses, RFC 1939 §3):
 * lines come out unstuffed until the terminating `CRLF . CRLF`.
 */
import { type LineEnding, LineSplitter } from '../../common/line-splitter.js';

/** One result of {@link DotDecoder.next}. */
export type DotDecoderEvent =
  /** A content line with its leading stuffing dot removed; `line` excludes the line ending. */
  | {
      readonly type: 'line';
      readonly line: Buffer;
      readonly ending: LineEnding;
      /** Whether a stuffing dot was removed (the line was one octet longer on the wire). */
      readonly stuffed: boolean;
    }
  /** A line longer than `maxLineLength`: its bytes are lost. */
  | { readonly type: 'too-long'; readonly length: number }
  /** The terminating dot line; bytes after it stay buffered for {@link DotDecoder.takeBuffered}. */
  | { readonly type: 'end' };

/** Options for {@link DotDecoder}. */
export interface DotDecoderOptions {
  /** Longest wire line accepted, not counting the line ending. */
  readonly maxLineLength: number;
}

const DOT = 0x2e;

/**
 * Splits dot-stuffed text into unstuffed lines and finds its end. The end is only a `.` line
 * that ends in CRLF and follows a CRLF: `LF . LF`, `LF . CRLF` and `CR . CRLF` are content,
 * never the end, so a message cannot smuggle commands past a server that reads the end
 * differently (the 2023 "SMTP smuggling" attacks). Bare CR and LF are reported, not changed:
 * callers choose to normalise or refuse.
 *
 * @example
 * const dots = new DotDecoder({ maxLineLength: 998 });
 * dots.push(Buffer.from('..hi\r\n.\r\nQUIT\r\n'));
 * dots.next(); // { type: 'line', line: <'.hi'>, ending: 'crlf', stuffed: true }
 * dots.next(); // { type: 'end' }
 * dots.takeBuffered(); // <'QUIT\r\n'>
 */
export class DotDecoder {
  readonly #lines: LineSplitter;
  /** The line before ended in CRLF; true at the start, which follows the command's CRLF. */
  #afterCrlf = true;
  #ended = false;

  constructor(options: DotDecoderOptions) {
    this.#lines = new LineSplitter({ maxLineLength: options.maxLineLength });
  }

  /** Adds received bytes. */
  push(chunk: Uint8Array): void {
    this.#lines.push(chunk);
  }

  /** Returns the next line, the end, or `null` when more input is needed (or after the end). */
  next(): DotDecoderEvent | null {
    if (this.#ended) return null;
    const ev = this.#lines.next();
    if (ev === null) return null;
    if (ev.type === 'too-long') {
      // Its ending is unknown, so the next line must not be taken as the end: a lost
      // `x…x LF` followed by `. CRLF` would otherwise end the data where a relay did not.
      this.#afterCrlf = false;
      return ev;
    }
    const { line, ending } = ev;
    const wasAfterCrlf = this.#afterCrlf;
    this.#afterCrlf = ending === 'crlf';
    if (line.length === 1 && line[0] === DOT && ending === 'crlf' && wasAfterCrlf) {
      this.#ended = true;
      return { type: 'end' };
    }
    if (line.length > 0 && line[0] === DOT) {
      return { type: 'line', line: line.subarray(1), ending, stuffed: true };
    }
    return { type: 'line', line, ending, stuffed: false };
  }

  /** Whether the terminating dot line has been read. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Removes and returns the bytes not yet read as lines (the commands after the end). */
  takeBuffered(): Buffer {
    return this.#lines.takeBuffered();
  }
}
