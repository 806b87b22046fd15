/** The client side of SMTP replies (RFC 5321 §4.2): multi-line replies gathered into one. */
import { LineSplitter } from '../../../common/line-splitter.js';

/** One result of {@link SmtpReplyParser.nextEvent}. */
export type SmtpReplyEvent =
  | {
      readonly type: 'reply';
      readonly code: number;
      /** The enhanced status code (RFC 3463) if the last line starts with one. */
      readonly enhanced: string | null;
      /** Text of each line, enhanced code removed. */
      readonly lines: readonly string[];
    }
  /** The server sent something that is not a reply; the connection should be closed. */
  | { readonly type: 'error'; readonly reason: 'syntax' | 'too-long' | 'too-many-lines' };

/** Options for {@link SmtpReplyParser}. */
export interface SmtpReplyParserOptions {
  /** Longest reply line, CRLF excluded. Default 2048 (RFC 5321 says 512). */
  readonly maxLineLength?: number;
  /** Most lines in one reply. Default 200. */
  readonly maxLines?: number;
}

const LINE = /^([2-5][0-9][0-9])([ -])(.*)$/s;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)/;

/**
 * Parses a server's replies: `250-first`, `250-second`, `250 last` make one reply with three
 * lines. A line `250` with nothing after the code is taken as the last line, as most clients do.
 *
 * @example
 * const replies = new SmtpReplyParser();
 * replies.receiveData(Buffer.from('250-mx.example.test\r\n250 2.0.0 SIZE 100\r\n'));
 * replies.nextEvent(); // { type: 'reply', code: 250, enhanced: '2.0.0', lines: ['mx.example.test', 'SIZE 100'] }
 */
export class SmtpReplyParser {
  readonly #lines: LineSplitter;
  readonly #maxLines: number;
  #code: string | null = null;
  #texts: string[] = [];
  #failed = false;

  /**
   * @param options Line length and line count limits.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: SmtpReplyParserOptions = {}) {
    this.#lines = new LineSplitter({ maxLineLength: options.maxLineLength ?? 2048 });
    this.#maxLines = options.maxLines ?? 200;
    if (!Number.isSafeInteger(this.#maxLines) || this.#maxLines < 1) {
      throw new RangeError(`maxLines must be a positive integer, got ${this.#maxLines}`);
    }
  }

  /** Adds bytes received from the server. */
  receiveData(chunk: Uint8Array): void {
    if (!this.#failed) this.#lines.push(chunk);
  }

  /** Returns the next complete reply, an error (after which nothing more), or `null`. */
  nextEvent(): SmtpReplyEvent | null {
    while (!this.#failed) {
      const ev = this.#lines.next();
      if (ev === null) return null;
      if (ev.type === 'too-long') return this.#fail('too-long');
      const match = LINE.exec(ev.line.toString('utf8'));
      const bare = /^[2-5][0-9][0-9]$/.test(ev.line.toString('latin1'));
      if (match === null && !bare) return this.#fail('syntax');
      const code = match?.[1] ?? ev.line.toString('latin1');
      if (this.#code !== null && code !== this.#code) return this.#fail('syntax');
      this.#code = code;
      this.#texts.push(match?.[3] ?? '');
      if (this.#texts.length > this.#maxLines) return this.#fail('too-many-lines');
      if (match !== null && match[2] === '-') continue;
      const texts = this.#texts;
      this.#code = null;
      this.#texts = [];
      const enhanced = ENHANCED.exec(texts[texts.length - 1] ?? '')?.[1] ?? null;
      const lines =
        enhanced === null
          ? texts
          : texts.map((t) => (t.startsWith(enhanced) ? t.slice(enhanced.length).trimStart() : t));
      // A code of the wrong class is not an enhanced code (RFC 3463 §2): keep it as text.
      if (enhanced !== null && enhanced[0] !== code[0]) {
        return { type: 'reply', code: Number(code), enhanced: null, lines: texts };
      }
      return { type: 'reply', code: Number(code), enhanced, lines };
    }
    return null;
  }

  /** Removes and returns bytes not yet parsed (for a STARTTLS switch). */
  takeBuffered(): Buffer {
    return this.#lines.takeBuffered();
  }

  #fail(reason: 'syntax' | 'too-long' | 'too-many-lines'): SmtpReplyEvent {
    this.#failed = true;
    return { type: 'error', reason };
  }
}
