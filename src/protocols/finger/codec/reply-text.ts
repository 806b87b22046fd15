/**
 * Builds a finger reply as CRLF-terminated, sanitized lines with a hard size bound.
 */

import { splitLines, toAscii } from './sanitize-text.js';

/** Options shared by every finger reply formatter. */
export interface FingerTextOptions {
  /** Largest reply in bytes, the truncation notice included (default 65536, at least 64). */
  readonly maxReplyBytes?: number;
  /** Replace non-ASCII characters with `?` instead of sending UTF-8 (default `false`). */
  readonly asciiOnly?: boolean;
}

/** The default bound on a finger reply: a screenful of records with long plans fits. */
export const DEFAULT_MAX_REPLY_BYTES = 65_536;
const MIN_REPLY_BYTES = 64;
const CRLF = Buffer.from('\r\n');
const TRUNCATED = Buffer.from('[output truncated]\r\n');

/**
 * Collects reply lines: each is stripped of control characters, split at its own line breaks
 * and ended with CRLF; once the bound is reached the reply ends with `[output truncated]` and
 * further lines are dropped, so a huge `.plan` costs the server at most `maxReplyBytes`.
 *
 * @example
 * const text = new ReplyText({ maxReplyBytes: 1024 });
 * text.line('Plan:');
 * text.line('line one\nline two');
 * text.toBuffer(); // 'Plan:\r\nline one\r\nline two\r\n'
 */
export class ReplyText {
  readonly #max: number;
  readonly #ascii: boolean;
  readonly #lines: Buffer[] = [];
  #used = 0;
  #truncated = false;

  /**
   * @param options The size bound and character set.
   * @throws {RangeError} If `maxReplyBytes` is not an integer of at least 64.
   */
  constructor(options: FingerTextOptions = {}) {
    const max = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    if (!Number.isInteger(max) || max < MIN_REPLY_BYTES) {
      throw new RangeError(`maxReplyBytes must be an integer >= ${MIN_REPLY_BYTES}, got ${max}`);
    }
    this.#max = max;
    this.#ascii = options.asciiOnly ?? false;
  }

  /** Whether lines were dropped to respect the bound. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Adds text as one or more lines; an empty string adds one empty line. */
  line(text: string): void {
    if (this.#truncated) return;
    const lines = splitLines(text);
    if (lines.length === 0) lines.push('');
    for (const raw of lines) {
      const safe = this.#ascii ? toAscii(raw) : raw;
      // A UTF-8 line is never shorter in bytes than in UTF-16 units, so a line this long cannot
      // fit and need not be encoded whole.
      const sample = safe.length > this.#max ? safe.slice(0, this.#max + 1) : safe;
      const bytes = Buffer.concat([Buffer.from(sample, 'utf8'), CRLF]);
      if (this.#used + bytes.length > this.#max) {
        this.#truncate(bytes);
        return;
      }
      this.#lines.push(bytes);
      this.#used += bytes.length;
    }
  }

  /** The reply so far as bytes. */
  toBuffer(): Buffer {
    return Buffer.concat(this.#lines, this.#used);
  }

  /** Ends the reply with the notice, keeping as much of the overflowing line as fits. */
  #truncate(overflowing: Buffer): void {
    this.#truncated = true;
    let room = this.#max - TRUNCATED.length - this.#used;
    while (room < 0) {
      const dropped = this.#lines.pop();
      if (dropped === undefined) break;
      this.#used -= dropped.length;
      room += dropped.length;
    }
    if (room > CRLF.length) {
      let cut = Math.min(room - CRLF.length, overflowing.length - CRLF.length);
      // Back off to a character boundary so the kept part is valid UTF-8.
      while (cut > 0 && ((overflowing[cut] ?? 0) & 0xc0) === 0x80) cut--;
      if (cut > 0) {
        const part = Buffer.concat([overflowing.subarray(0, cut), CRLF]);
        this.#lines.push(part);
        this.#used += part.length;
      }
    }
    this.#lines.push(TRUNCATED);
    this.#used += TRUNCATED.length;
  }
}
