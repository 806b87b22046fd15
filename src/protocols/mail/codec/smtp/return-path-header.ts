/** The trace header that records the reverse-path at final delivery (RFC 5321 §4.4). */
import type { MailPath } from './mail-path.js';

/**
 * Builds the `Return-Path:` header a final-delivery server puts first in each message it stores
 * (RFC 5321 §4.4, as Postfix's local(8) and Dovecot's LDA do): the `MAIL FROM` reverse-path,
 * `<>` for a null sender, so a reader of the mailbox knows where bounces go. The path comes
 * from `parseMailArgument()`, which admits no control characters; any that slipped in are
 * dropped anyway, so the header cannot be broken.
 *
 * @param reversePath The transaction's reverse-path (its `address` is `''` for `<>`).
 * @returns The header line, CRLF-terminated.
 * @example
 * buildReturnPathHeader({ address: 'a@client.example', localPart: 'a', domain: 'client.example' });
 * // 'Return-Path: <a@client.example>\r\n'
 */
export function buildReturnPathHeader(reversePath: MailPath): string {
  return `Return-Path: <${reversePath.address.replace(/[\x00-\x1f\x7f<>]/g, '')}>\r\n`;
}
