/**
 * Access log lines in the Common and Combined Log Formats (NCSA, as Apache and nginx write them).
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One finished exchange to log. */
export interface AccessLogEntry {
  readonly remoteAddress: string;
  /** The authenticated user, if any. */
  readonly user?: string;
  /** When the request was received; passed in, so formatting stays pure. */
  readonly date: Date;
  /** The request line as received, e.g. `GET / HTTP/1.1`. */
  readonly requestLine: string;
  readonly status: number;
  /** Body bytes sent, or `null` when none (logged as `-`). */
  readonly bytes: number | null;
  readonly referer?: string;
  readonly userAgent?: string;
}

/**
 * Formats one access log line (no newline). Dates are written in UTC (`+0000`). Quotes,
 * backslashes, control and non-ASCII characters in quoted fields are escaped as `\"`, `\\` and
 * `\xHH`, as nginx does, so a client cannot forge log lines.
 *
 * @param entry The exchange.
 * @param format `'common'` or `'combined'` (adds referer and user agent).
 * @returns The line.
 * @example
 * formatAccessLogLine({
 *   remoteAddress: '127.0.0.1', date: new Date(Date.UTC(2000, 9, 10, 13, 55, 36)),
 *   requestLine: 'GET /a.gif HTTP/1.0', status: 200, bytes: 2326,
 * }, 'common');
 * // '127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /a.gif HTTP/1.0" 200 2326'
 */
export function formatAccessLogLine(
  entry: AccessLogEntry,
  format: 'common' | 'combined' = 'common',
): string {
  const stamp = stampOf(entry.date.getTime());
  const user = entry.user === undefined || entry.user === '' ? '-' : escapeField(entry.user);
  const bytes = entry.bytes === null || entry.bytes === 0 ? '-' : String(entry.bytes);
  let line = `${escapeField(entry.remoteAddress)} - ${user} [${stamp}] "${escapeField(entry.requestLine)}" ${entry.status} ${bytes}`;
  if (format === 'combined') {
    line += ` "${escapeField(entry.referer ?? '-')}" "${escapeField(entry.userAgent ?? '-')}"`;
  }
  return line;
}

/** The bytes {@link escapeField} rewrites; most fields hold none and are returned as they are. */
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\uffff]/;

function escapeField(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c > 0x7f) {
      const point = text.codePointAt(i)!;
      if (point > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(point), 'utf8'))
        out += `\\x${b.toString(16)}`;
    } else out += text[i];
  }
  return out;
}

/**
 * The `[...]` part of a line: `10/Oct/2000:13:55:36 +0000`, or `-` for an invalid date. A busy
 * server logs thousands of requests a second, so the text is made once a second, not once a line.
 */
let stampSecond = Number.NaN;
let stampText = '-';
function stampOf(ms: number): string {
  if (Number.isNaN(ms)) return '-';
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    const d = new Date(second * 1000);
    stampSecond = second;
    stampText = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
  }
  return stampText;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
