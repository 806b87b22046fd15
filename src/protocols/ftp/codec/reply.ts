/**
 * FTP replies (RFC 959 section 4.2): the `Reply` value both sides share, and the server's encoder.
 */

/** One FTP reply: a three-digit code and one or more lines of text. */
export interface Reply {
  /** The reply code, 100 to 599. */
  readonly code: number;
  /** The text lines; one line gives `200 text`, several give a `200-` … `200 ` block. */
  readonly lines: readonly string[];
}

/**
 * The outcome of parsing a command argument on the server: the value, or the reply to send.
 * Bad client input is a protocol event, not an exception, so argument parsers return this.
 */
export type ArgResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reply: Reply };

/**
 * Builds a {@link Reply}.
 *
 * @param code The reply code, 100 to 599.
 * @param lines The text lines; none gives one empty line.
 * @returns The reply.
 * @throws {RangeError} If `code` is not an integer from 100 to 599.
 * @example
 * reply(250, 'Directory successfully changed.'); // { code: 250, lines: ['Directory …'] }
 */
export function reply(code: number, ...lines: string[]): Reply {
  if (!Number.isInteger(code) || code < 100 || code > 599) {
    throw new RangeError(`FTP reply code must be an integer from 100 to 599, got ${code}`);
  }
  return { code, lines: lines.length === 0 ? [''] : lines };
}

/**
 * Wraps a value as a successful {@link ArgResult}.
 *
 * @param value The parsed value.
 * @returns `{ ok: true, value }`.
 * @example
 * ok(42); // { ok: true, value: 42 }
 */
export function ok<T>(value: T): ArgResult<T> {
  return { ok: true, value };
}

/**
 * Wraps a reply as a failed {@link ArgResult}.
 *
 * @param code The reply code, 100 to 599.
 * @param text The reply text.
 * @returns `{ ok: false, reply }`.
 * @throws {RangeError} If `code` is out of range.
 * @example
 * fail(501, 'Syntax error in parameters.'); // { ok: false, reply: { code: 501, … } }
 */
export function fail<T = never>(code: number, text: string): ArgResult<T> {
  return { ok: false, reply: reply(code, text) };
}

/**
 * Makes one line of text safe inside a reply. Pathnames can hold CR and LF, which would end the
 * line early and let a file name forge replies: CR becomes CR NUL (RFC 2640 section 3.1, the
 * Telnet convention) and LF becomes NUL, as vsftpd does.
 */
function sanitise(text: string): string {
  return text.replace(/\r/g, '\r\0').replace(/\n/g, '\0');
}

/**
 * Encodes a reply for the control connection. One line gives `200 text\r\n`. Several give the
 * RFC 959 multi-line form `211-first`, the middle lines, `211 last`; a middle line that starts
 * with a digit is indented by one space so a client cannot mistake it for the closing line.
 *
 * @param value The reply.
 * @returns The UTF-8 bytes (RFC 2640), each line ended by CRLF.
 * @throws {RangeError} If the code is not an integer from 100 to 599.
 * @example
 * encodeReply(reply(211, 'Features:', ' UTF8', 'End')).toString();
 * // '211-Features:\r\n UTF8\r\n211 End\r\n'
 */
export function encodeReply(value: Reply): Buffer {
  const { code, lines } = value;
  if (!Number.isInteger(code) || code < 100 || code > 599) {
    throw new RangeError(`FTP reply code must be an integer from 100 to 599, got ${code}`);
  }
  const safe = lines.length === 0 ? [''] : lines.map(sanitise);
  if (safe.length === 1) return Buffer.from(`${code} ${safe[0]}\r\n`, 'utf8');
  let out = `${code}-${safe[0]}\r\n`;
  for (let i = 1; i < safe.length - 1; i++) {
    const line = safe[i] ?? '';
    out += /^[0-9]/.test(line) ? ` ${line}\r\n` : `${line}\r\n`;
  }
  out += `${code} ${safe[safe.length - 1]}\r\n`;
  return Buffer.from(out, 'utf8');
}
