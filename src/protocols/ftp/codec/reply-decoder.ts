/**
 * The client's reply parser: control-connection bytes in, {@link Reply} events out (RFC 959 4.2).
 */

import { LineSplitter } from '../../common/line-splitter.js';
import type { Reply } from './reply.js';

/** Why the reply stream could not be parsed. */
export type ReplyErrorReason = 'line-too-long' | 'reply-too-large' | 'malformed';

/** One result of {@link FtpReplyDecoder.nextEvent}. */
export type ReplyEvent =
  | { readonly type: 'reply'; readonly reply: Reply }
  /** The server broke the protocol; a client should close the connection. */
  | { readonly type: 'error'; readonly reason: ReplyErrorReason; readonly message: string };

/** Options for {@link FtpReplyDecoder}. */
export interface FtpReplyDecoderOptions {
  /** Longest reply line in bytes (default 8192). */
  readonly maxLineLength?: number;
  /** Largest multi-line reply in bytes, counting text only (default 1 MiB: `STAT dir` can be long). */
  readonly maxReplyBytes?: number;
}

interface Pending {
  readonly code: number;
  readonly lines: string[];
  bytes: number;
  overflow: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes reply text: UTF-8 (RFC 2640), with a CR NUL pair meaning a CR inside a pathname. */
function text(line: Buffer): string {
  return utf8.decode(line).replace(/\r\0/g, '\r');
}

/** `code` if the line starts with a valid reply code, else -1. */
function codeOf(line: string): number {
  const m = /^([1-5][0-9][0-9])/.exec(line);
  return m ? Number(m[1]) : -1;
}

/**
 * Parses the replies a server sends, single-line (`200 text`) and multi-line (`211-…` up to the
 * line starting with the same code and a space). Middle lines that repeat the `211-` prefix (as
 * vsftpd banners do) have it removed; other middle lines are kept as sent.
 *
 * @example
 * const d = new FtpReplyDecoder();
 * d.receiveData(Buffer.from('211-Features:\r\n UTF8\r\n211 End\r\n'));
 * d.nextEvent(); // { type: 'reply', reply: { code: 211, lines: ['Features:', ' UTF8', 'End'] } }
 * d.nextEvent(); // null
 */
export class FtpReplyDecoder {
  readonly #lines: LineSplitter;
  readonly #maxReplyBytes: number;
  #pending: Pending | null = null;

  /**
   * @param options Limits.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: FtpReplyDecoderOptions = {}) {
    const maxReply = options.maxReplyBytes ?? 1024 * 1024;
    if (!Number.isInteger(maxReply) || maxReply < 1) {
      throw new RangeError(`maxReplyBytes must be a positive integer, got ${maxReply}`);
    }
    this.#maxReplyBytes = maxReply;
    this.#lines = new LineSplitter({ maxLineLength: options.maxLineLength ?? 8192 });
  }

  /**
   * Adds bytes received on the control connection.
   *
   * @param chunk The bytes.
   */
  receiveData(chunk: Uint8Array): void {
    this.#lines.push(chunk);
  }

  /**
   * Returns the next reply or error, or `null` when more data is needed.
   *
   * @returns The next event, or `null`.
   */
  nextEvent(): ReplyEvent | null {
    for (;;) {
      const ev = this.#lines.next();
      if (ev === null) return null;
      if (ev.type === 'too-long') {
        // A line we could not hold: the reply it belongs to is lost, so drop it whole.
        this.#pending = null;
        return error('line-too-long', `reply line of ${ev.length} bytes is over the limit`);
      }
      const out = this.#line(text(ev.line), ev.line.length);
      if (out !== null) return out;
    }
  }

  #line(line: string, size: number): ReplyEvent | null {
    const pending = this.#pending;
    if (pending === null) {
      const code = codeOf(line);
      const sep = line.charAt(3);
      if (code < 0 || (sep !== ' ' && sep !== '-' && line.length !== 3)) {
        return error('malformed', `not a reply line: ${JSON.stringify(line.slice(0, 80))}`);
      }
      if (sep === '-') {
        this.#pending = { code, lines: [line.slice(4)], bytes: size, overflow: false };
        return null;
      }
      return { type: 'reply', reply: { code, lines: [line.slice(4)] } };
    }
    const prefix = String(pending.code);
    if (line === prefix || line.startsWith(`${prefix} `)) {
      this.#pending = null;
      if (pending.overflow) {
        return error('reply-too-large', `reply ${prefix} is over ${this.#maxReplyBytes} bytes`);
      }
      pending.lines.push(line.slice(4));
      return { type: 'reply', reply: { code: pending.code, lines: pending.lines } };
    }
    pending.bytes += size;
    if (pending.bytes > this.#maxReplyBytes) {
      // Keep reading to the closing line so the next reply still parses, but hold nothing.
      pending.overflow = true;
      pending.lines.length = 0;
      return null;
    }
    pending.lines.push(line.startsWith(`${prefix}-`) ? line.slice(4) : line);
    return null;
  }
}

function error(reason: ReplyErrorReason, message: string): ReplyEvent {
  return { type: 'error', reason, message };
}
