/**
 * The server's control-connection codec: bytes in, FTP command events out (RFC 959, 2640).
 */

import { LineSplitter } from '../common/line-splitter.js';
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
    this.#lines.push(chunk);
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
    return this.#lines.takeBuffered();
  }
}
