/**
 * One header field of a message head, for display: found by name, unfolded, its encoded words
 * decoded. Pure, no I/O.
 */
import { decodeHeaderText } from './encoded-words.js';

/**
 * A header field's value from a message head, unfolded (RFC 5322 2.2.3), its encoded words
 * decoded (RFC 2047) and any control character made a space (a tab would break a listing's
 * columns); `''` when the field is absent. The first field of that name wins.
 * @param head the header block (CRLF or LF line endings; a body after it is ignored as long as
 *   no body line starts with the name).
 * @param name the field name, any case (`Subject`).
 * @returns the text.
 * @example headerField('Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\n', 'subject'); // 'Grüße'
 */
export function headerField(head: string, name: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const raw = new RegExp(`^${escaped}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head)?.[1] ?? '';
  return decodeHeaderText(raw.replace(/\r?\n(?=[ \t])/g, ''))
    .replace(/[\x00-\x1f\x7f]+/g, ' ')
    .trim();
}
