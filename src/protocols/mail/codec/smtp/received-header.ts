/** The trace header an SMTP server prepends to each message it accepts (RFC 5321 §4.4). */

/** What {@link buildReceivedHeader} writes about one delivery. */
export interface ReceivedInfo {
  /** The name the client gave in HELO/EHLO. */
  readonly heloName: string;
  /** The client's IP address. */
  readonly remoteAddress: string;
  /** The client's name from reverse DNS, if known. */
  readonly remoteHost?: string;
  /** This server's name. */
  readonly byHost: string;
  /** `SMTP`, `ESMTP`, `ESMTPS`, `ESMTPSA`… (RFC 3848); `SmtpServerSession.protocolName`. */
  readonly protocol: string;
  /** The queue or message id. */
  readonly id?: string;
  /** The recipient, written only when the message has exactly one (RFC 5321 §7.6). */
  readonly recipient?: string;
  /** When the message was received. */
  readonly date: Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Formats a date as RFC 5322 `date-time` in UTC, e.g. `Tue, 24 Nov 2026 15:24:36 +0000`.
 *
 * @param date The instant to format.
 * @returns The date-time text.
 * @throws {RangeError} If the date is invalid.
 * @example
 * formatRfc5322Date(new Date(0)); // 'Thu, 01 Jan 1970 00:00:00 +0000'
 */
export function formatRfc5322Date(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ` +
    `${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:` +
    `${pad(date.getUTCSeconds())} +0000`
  );
}

/** Removes what could break the header: control characters, and parentheses in comments. */
function clean(text: string): string {
  return text.replace(/[\x00-\x20\x7f()<>;\\"]/g, '');
}

/**
 * Builds a `Received:` header, folded, ending in CRLF, e.g.
 * `Received: from c.example (c.example [192.0.2.1])\r\n\tby mx.example.test (polyport) with
 * ESMTP id 1A2B\r\n\tfor <demo@example.test>; Tue, 24 Nov 2026 15:24:36 +0000\r\n`.
 * Client-supplied names are stripped of characters that could end or fold the header.
 *
 * @param info Who sent, who received, how and when.
 * @returns The header text, CRLF-terminated, to write before the message.
 * @throws {RangeError} If `info.date` is invalid.
 * @example
 * buildReceivedHeader({ heloName: 'c.example', remoteAddress: '192.0.2.1', byHost: 'mx.example.test',
 *   protocol: 'ESMTP', date: new Date(0) });
 */
export function buildReceivedHeader(info: ReceivedInfo): string {
  const helo = clean(info.heloName) || 'unknown';
  const host = clean(info.remoteHost ?? '') || 'unknown';
  const address = clean(info.remoteAddress);
  const literal = address.includes(':') ? `IPv6:${address}` : address;
  let text = `Received: from ${helo} (${host} [${literal}])\r\n\tby ${clean(info.byHost)} (polyport)`;
  text += ` with ${clean(info.protocol) || 'SMTP'}`;
  if (info.id !== undefined) text += ` id ${clean(info.id)}`;
  if (info.recipient !== undefined)
    text += `\r\n\tfor <${info.recipient.replace(/[\x00-\x1f\x7f<>]/g, '')}>`;
  return `${text}; ${formatRfc5322Date(info.date)}\r\n`;
}
