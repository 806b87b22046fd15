/**
 * The server's control-connection codec: bytes in, FTP command events out (RFC 959, 2640).
 */

import { LineSplitter } from '../../common/line-splitter.js';
import { type Reply, reply } from './reply.js';
import { stripTelnet } from './telnet.js';

/** One result of {@link FtpCommandDecoder.nextEvent}. */
export type CommandEvent =
  /** `verb` is upper-cased; `arg` is everything after the first space, `''` when there is none. */
  | { readonly type: 'command'; readonly verb: string; readonly arg: string }
  /** The line could not be used; send `reply` and read on. */
  | { readonly type: 'error'; readonly reply: Reply };

/**
 * What to do with a line that is not valid UTF-8: `replace` puts U+FFFD in (pyftpdlib's choice;
 * the path then matches nothing), `latin1` reads the line as ISO-8859-1 (for legacy clients),
 * `reject` answers 501.
 */
export type InvalidUtf8Policy = 'replace' | 'latin1' | 'reject';

/** Options for {@link FtpCommandDecoder}. */
export interface FtpCommandDecoderOptions {
  /** Longest command line in bytes, not counting CRLF (default 4096). */
  readonly maxLineLength?: number;
  /** Handling of invalid UTF-8 (default `replace`). */
  readonly invalidUtf8?: InvalidUtf8Policy;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const looseUtf8 = new TextDecoder('utf-8', { fatal: false });
/** RFC 959 verbs are letters; longer ones than 4 are allowed so the table can answer 500. */
const VERB = /^[A-Za-z]{1,16}$/;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const LF_BYTE = Buffer.from([LF]);
/**
 * The longest line start that can still be an ABOR: the verb and room for the Telnet commands a
 * client sends before it (IAC IP, IAC DM, an option or two). Longer starts are not checked.
 */
const MAX_ABOR_LINE = 32;

/** Whether a line's bytes so far (Telnet commands included) read exactly `ABOR`. */
function isAbor(line: Buffer): boolean {
  if (line.length < 4 || line.length > MAX_ABOR_LINE) return false;
  const text = stripTelnet(line);
  return text.length === 4 && text.toString('latin1').toUpperCase() === 'ABOR';
}

/**
 * Parses command lines from an FTP client. Lines end in CRLF (a bare LF is tolerated); Telnet
 * commands are stripped, so `IAC IP IAC DM ABOR` reads as `ABOR`. Over-long and malformed lines
 * become `error` events carrying a 500 reply, never exceptions.
 *
 * @example
 * const d = new FtpCommandDecoder();
 * d.receiveData(Buffer.from('retr my file.txt\r\n'));
 * d.nextEvent(); // { type: 'command', verb: 'RETR', arg: 'my file.txt' }
 * d.nextEvent(); // null
 */
export class FtpCommandDecoder {
  readonly #lines: LineSplitter;
  readonly #invalidUtf8: InvalidUtf8Policy;
  /** The current line's first bytes (up to {@link MAX_ABOR_LINE} + 1), to spot an ABOR. */
  #start: Buffer = Buffer.alloc(0);
  /** An ABOR just ended at a bare CR: one LF or NUL after it belongs to that CR and is dropped. */
  #afterAbortCr = false;

  /**
   * @param options Limits and the UTF-8 policy.
   * @throws {RangeError} If `maxLineLength` is not a positive integer.
   */
  constructor(options: FtpCommandDecoderOptions = {}) {
    this.#lines = new LineSplitter({ maxLineLength: options.maxLineLength ?? 4096 });
    this.#invalidUtf8 = options.invalidUtf8 ?? 'replace';
  }

  /**
   * Adds bytes received on the control connection.
   *
   * @param chunk The bytes.
   */
  receiveData(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let from = 0;
    if (this.#afterAbortCr && bytes.length > 0) {
      this.#afterAbortCr = false;
      if (bytes[0] === LF || bytes[0] === NUL) from = 1;
    }
    // Python's ftplib (and other clients) send ABOR's CRLF as urgent data: without SO_OOBINLINE,
    // which Node cannot set, Linux takes the last byte, the LF, out of the stream, and "ABOR\r"
    // arrives with no line end. RFC 854 lets a CR stand only before LF or NUL, so a line that
    // reads ABOR ends at its CR, whatever follows; a LF (or NUL) right after it is that CR's and
    // is dropped. Elsewhere a bare CR stays part of the line (RFC 2640 pathnames carry CR NUL).
    for (let cr = bytes.indexOf(CR, from); cr !== -1; cr = bytes.indexOf(CR, cr + 1)) {
      const lf = bytes.lastIndexOf(LF, cr);
      const line =
        lf >= from
          ? bytes.subarray(lf + 1, cr)
          : this.#start.length > MAX_ABOR_LINE
            ? null
            : Buffer.concat([this.#start, bytes.subarray(from, cr)]);
      if (line === null || !isAbor(line)) continue;
      this.#lines.push(bytes.subarray(from, cr + 1));
      this.#lines.push(LF_BYTE);
      this.#start = Buffer.alloc(0);
      from = cr + 1;
      if (from === bytes.length) this.#afterAbortCr = true;
      else if (bytes[from] === LF || bytes[from] === NUL) from += 1;
      cr = from - 1;
    }
    if (from >= bytes.length) return;
    const rest = bytes.subarray(from);
    this.#lines.push(rest);
    this.#trackStart(rest);
  }

  /** Keeps the first bytes of the line in progress, enough to tell whether it is an ABOR. */
  #trackStart(bytes: Buffer): void {
    const lf = bytes.lastIndexOf(LF);
    if (lf !== -1) this.#start = Buffer.from(bytes.subarray(lf + 1, lf + 2 + MAX_ABOR_LINE));
    else if (this.#start.length <= MAX_ABOR_LINE)
      this.#start = Buffer.concat([this.#start, bytes.subarray(0, MAX_ABOR_LINE + 1)]);
  }

  /**
   * Returns the next command or error, or `null` when more data is needed.
   *
   * @returns The next event, or `null`.
   */
  nextEvent(): CommandEvent | null {
    const ev = this.#lines.next();
    if (ev === null) return null;
    if (ev.type === 'too-long') {
      return { type: 'error', reply: reply(500, 'Command line too long.') };
    }
    const bytes = stripTelnet(ev.line);
    let line: string;
    try {
      line = strictUtf8.decode(bytes);
    } catch {
      if (this.#invalidUtf8 === 'reject') {
        return { type: 'error', reply: reply(501, 'Command is not valid UTF-8.') };
      }
      line = this.#invalidUtf8 === 'latin1' ? bytes.toString('latin1') : looseUtf8.decode(bytes);
    }
    const space = line.indexOf(' ');
    const verb = space === -1 ? line : line.slice(0, space);
    if (!VERB.test(verb)) {
      return { type: 'error', reply: reply(500, 'Syntax error, command unrecognized.') };
    }
    const arg = space === -1 ? '' : line.slice(space + 1);
    return { type: 'command', verb: verb.toUpperCase(), arg };
  }

  /** Bytes received but not yet parsed, in the order they came. */
  get bufferedLength(): number {
    return this.#lines.bufferedLength;
  }

  /**
   * Removes and returns the bytes received but not yet parsed. After `AUTH TLS` is accepted the
   * server stops reading lines here; bytes the client sent after the command (the start of its
   * TLS handshake) must go to the TLS layer, not be lost.
   *
   * @returns The unparsed bytes.
   * @example
   * d.receiveData(Buffer.from('AUTH TLS\r\n\x16\x03\x01'));
   * d.nextEvent(); // { type: 'command', verb: 'AUTH', arg: 'TLS' }
   * d.takeBuffered(); // <Buffer 16 03 01>
   */
  takeBuffered(): Buffer {
    this.#start = Buffer.alloc(0);
    this.#afterAbortCr = false;
    return this.#lines.takeBuffered();
  }
}
