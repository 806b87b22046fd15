/** SMTP replies (RFC 5321 §4.2) with enhanced status codes (RFC 3463), and their wire form. */

/** A reply: the three-digit code, an optional enhanced status code and one or more text lines. */
export interface SmtpReply {
  readonly code: number;
  /** `class.subject.detail`, e.g. `2.1.5`; its class must match the code's first digit. */
  readonly enhanced?: string;
  readonly text: string | readonly string[];
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Writes a reply in wire form: `250-…` for every line but the last, `250 …` for the last, each
 * line carrying the enhanced code. CR, LF and other control characters in the text become
 * spaces, so text from elsewhere (a user name, an error) cannot inject a reply line.
 *
 * @param reply The reply to write.
 * @returns The reply's bytes, CRLF-terminated.
 * @throws {RangeError} If the code is not 200–599 or the enhanced code does not match it.
 * @example
 * formatSmtpReply({ code: 250, enhanced: '2.1.0', text: 'Ok' }).toString(); // '250 2.1.0 Ok\r\n'
 */
export function formatSmtpReply(reply: SmtpReply): Buffer {
  const { code, enhanced } = reply;
  if (!Number.isInteger(code) || code < 200 || code > 599) {
    throw new RangeError(`SMTP reply code must be 200-599, got ${code}`);
  }
  if (enhanced !== undefined) {
    const match = ENHANCED.exec(enhanced);
    if (match === null || match[1] !== String(code)[0]) {
      throw new RangeError(`enhanced status ${enhanced} does not fit reply code ${code}`);
    }
  }
  const lines = typeof reply.text === 'string' ? [reply.text] : [...reply.text];
  if (lines.length === 0) lines.push('');
  const out = lines.map((line, i) => {
    const clean = line.replace(/[\x00-\x1f\x7f]/g, ' ');
    const sep = i === lines.length - 1 ? ' ' : '-';
    // `334 ` keeps its space: RFC 4954 requires SP after the code even with no challenge.
    const text = [enhanced ?? '', clean].filter((part) => part !== '').join(' ');
    return `${code}${sep}${text}`;
  });
  return Buffer.from(`${out.join('\r\n')}\r\n`, 'utf8');
}
