/**
 * The DNS codec's errors. A message that breaks RFC 1035 raises {@link DnsFormatError}, which a
 * server turns into a FORMERR reply; a zone file that cannot be read raises
 * {@link ZoneSyntaxError}, which names the file and line.
 */

/**
 * A DNS message that cannot be decoded: truncated, a bad name or pointer, rdata of the wrong
 * length. `offset` is where in the message the problem was found.
 *
 * @example
 * try { decodeMessage(bytes); } catch (e) { if (e instanceof DnsFormatError) reply(FORMERR); }
 */
export class DnsFormatError extends Error {
  /** Stable code for logs and tests. */
  readonly code = 'EDNSFORMAT';
  /** Byte offset in the message where decoding failed. */
  readonly offset: number;

  /**
   * @param message what is wrong.
   * @param offset where in the message it was found.
   */
  constructor(message: string, offset: number) {
    super(`${message} (at offset ${offset})`);
    this.name = 'DnsFormatError';
    this.offset = offset;
  }
}

/**
 * A master file (zone file) that cannot be parsed. The message starts with `file:line:` (or
 * `line N:`) so an operator can find the mistake.
 *
 * @example
 * try { parseZone(text, { origin: 'example.test' }); }
 * catch (e) { if (e instanceof ZoneSyntaxError) console.error(e.message, e.line); }
 */
export class ZoneSyntaxError extends SyntaxError {
  /** 1-based line number where the faulty entry starts. */
  readonly line: number;
  /** The file name given to the parser, if any. */
  readonly file: string | undefined;

  /**
   * @param message what is wrong.
   * @param line 1-based line of the faulty entry.
   * @param file the file name, when the text came from one.
   */
  constructor(message: string, line: number, file?: string) {
    super(`${file === undefined ? 'line ' : `${file}:`}${line}: ${message}`);
    this.name = 'ZoneSyntaxError';
    this.line = line;
    this.file = file;
  }
}
