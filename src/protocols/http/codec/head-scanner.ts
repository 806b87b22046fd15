/**
 * Finds the end of a message head and enforces the head limits as bytes arrive, then decodes
 * the whole head once. This is the hot path of every request, so it makes no object per line:
 * it walks LFs with `Buffer.indexOf`, remembers line offsets in one reused array, and turns the
 * head into text with a single Latin-1 decode.
 */
import { parseFieldLine, parseFoldedValue } from './head-lines.js';
import { HttpHeaders } from './http-headers.js';
import { ParseFailure } from './parse-failure.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;

/** A complete head: its text, where the start line ends in it, its fields, its byte length. */
export interface ScannedHead {
  /** The head decoded as Latin-1, from the first byte scanned to the final CRLF. */
  readonly text: string;
  /** Offsets of the start line in `text`, without CRLF. */
  readonly startLineStart: number;
  readonly startLineEnd: number;
  readonly headers: HttpHeaders;
  /** Bytes the head took, skipped empty lines included. */
  readonly length: number;
}

/** Limits and policies for {@link HeadScanner}. */
export interface HeadScannerOptions {
  readonly maxStartLineLength: number;
  readonly maxHeaderBytes: number;
  readonly maxHeaderCount: number;
  /** Skip empty lines before the start line (RFC 9112 2.2, for requests). */
  readonly skipsLeadingEmptyLines: boolean;
  /** Replace obs-fold with SP (responses) rather than reject it (requests). */
  readonly unfoldsObsFold: boolean;
  /** The failure for a start line over the limit (414 for requests). */
  readonly startLineTooLong: () => ParseFailure;
}

/**
 * Scans a growing buffer for a complete head. Call {@link scan} with the buffered bytes (the
 * same prefix each time, possibly longer); it resumes where it stopped.
 *
 * @example
 * const scanner = new HeadScanner({ maxStartLineLength: 8192, maxHeaderBytes: 16384,
 *   maxHeaderCount: 100, skipsLeadingEmptyLines: true, unfoldsObsFold: false,
 *   startLineTooLong: () => new ParseFailure(414, 'Request line too long') });
 * scanner.scan(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')); // { text, headers, length: 27, ... }
 */
export class HeadScanner {
  readonly #options: HeadScannerOptions;
  /** Offset where the current line starts (and where the LF search resumes). */
  #lineStart = 0;
  /** Offset of the start line's first byte (after skipped empty lines). */
  #startLineStart = 0;
  /** Offset just past the start line, or -1 while it is incomplete. */
  #startLineEnd = -1;
  #fieldBytes = 0;
  #fieldCount = 0;
  /** `start, end` offsets of each field line, reused from head to head. */
  readonly #lines: number[] = [];
  /** Entries of `#lines` in use: the array is overwritten, never shrunk (no length writes). */
  #lineEnds = 0;

  constructor(options: HeadScannerOptions) {
    this.#options = options;
  }

  /** Whether nothing but skipped empty lines has been seen (so a close here is clean). */
  isIdle(bufferedLength: number): boolean {
    return this.#startLineEnd === -1 && bufferedLength === this.#lineStart;
  }

  /**
   * Scans on for the end of the head.
   *
   * @param buf Every byte buffered since the head began.
   * @returns The head, or `null` when it is incomplete (and still within the limits).
   * @throws {ParseFailure} 414/431 for a limit exceeded, 400 for a bare LF, obs-fold in a
   *   request, or malformed field lines.
   */
  scan(buf: Buffer): ScannedHead | null {
    const o = this.#options;
    for (;;) {
      const start = this.#lineStart;
      const lf = buf.indexOf(LF, start);
      if (lf === -1) {
        // A partial line already past its limit fails now, not when (if ever) its LF comes; a
        // trailing CR may still be its terminator, so it does not count.
        const least = buf.length - start - (buf[buf.length - 1] === CR ? 1 : 0);
        if (this.#startLineEnd === -1) {
          if (least > o.maxStartLineLength) throw o.startLineTooLong();
        } else if (this.#fieldBytes + least + 2 > o.maxHeaderBytes) {
          throw new ParseFailure(431, 'Header section too large');
        }
        return null;
      }
      const hasCr = lf > start && buf[lf - 1] === CR;
      const end = hasCr ? lf - 1 : lf;
      const length = end - start;
      this.#lineStart = lf + 1;
      if (this.#startLineEnd === -1) {
        if (length > o.maxStartLineLength) throw o.startLineTooLong();
        if (!hasCr) throw new ParseFailure(400, 'Bare LF');
        if (length === 0 && o.skipsLeadingEmptyLines) {
          // Skipped lines stay buffered until the head completes, so they must be bounded too.
          if (lf + 1 > o.maxStartLineLength) {
            throw new ParseFailure(400, 'Too many empty lines before the start line');
          }
          continue;
        }
        this.#startLineStart = start;
        this.#startLineEnd = end;
        continue;
      }
      if (this.#fieldBytes + length + 2 > o.maxHeaderBytes) {
        throw new ParseFailure(431, 'Header section too large');
      }
      if (!hasCr) throw new ParseFailure(400, 'Bare LF');
      this.#fieldBytes += length + 2;
      if (length === 0) return this.#complete(buf, lf + 1);
      const first = buf[start];
      if (first === SP || first === HTAB) {
        if (!o.unfoldsObsFold || this.#lineEnds === 0) {
          throw new ParseFailure(400, 'Obsolete line folding');
        }
      } else if (++this.#fieldCount > o.maxHeaderCount) {
        throw new ParseFailure(431, 'Too many header fields');
      }
      this.#lines[this.#lineEnds++] = start;
      this.#lines[this.#lineEnds++] = end;
    }
  }

  /** Forgets the current head, for the next message. */
  reset(): void {
    this.#lineStart = 0;
    this.#startLineStart = 0;
    this.#startLineEnd = -1;
    this.#fieldBytes = 0;
    this.#fieldCount = 0;
    this.#lineEnds = 0;
  }

  #complete(buf: Buffer, length: number): ScannedHead {
    const base = this.#startLineStart;
    const text = buf.toString('latin1', base, length);
    const flat: string[] = [];
    const lines = this.#lines;
    const used = this.#lineEnds;
    for (let i = 0; i < used; i += 2) {
      const start = lines[i]! - base;
      const end = lines[i + 1]! - base;
      const first = text.charCodeAt(start);
      if (first === SP || first === HTAB) {
        const last = flat.length - 1;
        const more = parseFoldedValue(text, start, end);
        flat[last] = flat[last]!.length === 0 ? more : `${flat[last]} ${more}`;
      } else {
        parseFieldLine(text, start, end, flat);
      }
    }
    const head: ScannedHead = {
      text,
      startLineStart: 0,
      startLineEnd: this.#startLineEnd - base,
      headers: new HttpHeaders(flat),
      length,
    };
    this.reset();
    return head;
  }
}
