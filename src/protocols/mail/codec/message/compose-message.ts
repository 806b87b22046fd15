/**
 * Builds an RFC 5322 message from a body and headers the way `polyport mail send` needs it:
 * non-ASCII header text as RFC 2047 encoded words, and with attachments a MIME
 * `multipart/mixed` message (RFC 2045, 2046) whose parts are base64. Pure: the caller reads
 * the files and supplies the clock's value and the random parts.
 */
import { encodeAddress, encodeHeaderText } from './encoded-words.js';

/** One attached file. */
export interface Attachment {
  /** The file name the recipient sees (without folders). */
  readonly name: string;
  /** Its media type (`application/pdf`). */
  readonly type: string;
  /** Its bytes. */
  readonly data: Uint8Array;
}

/** What {@link composeMessage} puts together. */
export interface MessageParts {
  /** The From address, `addr` or `Name <addr>`. */
  readonly from: string;
  /** The recipients, each `addr` or `Name <addr>`. */
  readonly to: readonly string[];
  /** The subject ('' for none). */
  readonly subject: string;
  /** The `Date:` value (RFC 5322 date-time). */
  readonly date: string;
  /** The `Message-ID:` value without angle brackets. */
  readonly messageId: string;
  /** The text body (UTF-8). */
  readonly body: Uint8Array;
  /** Files to attach (none: a single text/plain message). */
  readonly attachments?: readonly Attachment[];
  /** The MIME boundary (random in use; fixed in tests); must not occur in any part. */
  readonly boundary?: string;
}

/** Base64 in lines of 76 characters (RFC 2045 6.8). */
function base64Lines(data: Uint8Array): string {
  const text = Buffer.from(data).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines.join('\r\n');
}

/** A `filename` parameter: quoted ASCII, or RFC 2231 `filename*=UTF-8''...` for the rest. */
function filenameParameter(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name)) return `filename="${name.replace(/(["\\])/g, '\\$1')}"`;
  const encoded = [...Buffer.from(name, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return `filename*=UTF-8''${encoded}`;
}

/** Line endings as CRLF, as a message on the wire has them. */
function crlf(body: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(body).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/**
 * Composes the message.
 * @param parts headers, body and attachments.
 * @returns the message bytes, CRLF line endings.
 * @throws {RangeError} when the boundary occurs in the body.
 * @example
 * composeMessage({ from: 'a@x.test', to: ['b@x.test'], subject: 'Grüße', date, messageId: 'id@x',
 *   body: Buffer.from('hi\n') });
 */
export function composeMessage(parts: MessageParts): Buffer {
  const attachments = parts.attachments ?? [];
  const subject = parts.subject.replace(/[\r\n]+/g, ' ');
  const headers = [
    `From: ${encodeAddress(parts.from)}`,
    `To: ${parts.to.map(encodeAddress).join(', ')}`,
    ...(subject === '' ? [] : [`Subject: ${encodeHeaderText(subject)}`]),
    `Date: ${parts.date}`,
    `Message-ID: <${parts.messageId}>`,
    'MIME-Version: 1.0',
  ];
  const body = crlf(parts.body);
  if (attachments.length === 0) {
    headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    return Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'utf8'), body]);
  }
  const boundary = parts.boundary ?? 'polyport-boundary';
  if (body.includes(`--${boundary}`)) {
    throw new RangeError(`composeMessage: the boundary ${boundary} occurs in the body`);
  }
  headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const chunks: Buffer[] = [
    Buffer.from(`${headers.join('\r\n')}\r\n\r\nThis is a MIME message.\r\n`, 'utf8'),
    Buffer.from(
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
      'utf8',
    ),
    body,
    Buffer.from(body.length === 0 || body.subarray(-2).toString() === '\r\n' ? '' : '\r\n'),
  ];
  for (const file of attachments) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\n` +
          `Content-Type: ${file.type}\r\n` +
          'Content-Transfer-Encoding: base64\r\n' +
          `Content-Disposition: attachment; ${filenameParameter(file.name)}\r\n\r\n` +
          `${base64Lines(file.data)}\r\n`,
        'utf8',
      ),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return Buffer.concat(chunks);
}
