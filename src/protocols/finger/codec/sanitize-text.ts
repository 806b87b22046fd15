/**
 * Filters text before it goes into a finger reply. RFC 1288 section 3.3 warns that user-supplied
 * text (a `.plan`, a full name) must not be able to drive the reader's terminal: an escape
 * sequence in a plan could retitle a window, remap keys or hide output.
 */

/**
 * Characters a terminal may act on: the C0 controls except TAB, LF and CR, DEL, and the C1
 * block U+0080–U+009F (U+009B is a one-character CSI on terminals that honour 8-bit controls).
 */
const UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]/g;
const NON_ASCII = /[^\x00-\x7f]/gu;
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Removes every control character except CR, LF and TAB (and DEL and the C1 controls), so text
 * from a user's files cannot send terminal escape sequences.
 *
 * @param text Text from any source.
 * @returns The text without the unsafe characters; everything else is kept as it was.
 * @throws Never.
 * @example
 * stripControlCharacters('hi\x1b[2Jthere\r\n'); // 'hi[2Jthere\r\n'
 */
export function stripControlCharacters(text: string): string {
  return text.replace(UNSAFE, '');
}

/**
 * Makes text safe for a field shown on one line (a login, a full name, a tty): control
 * characters go, and line breaks and tabs become spaces, so a field cannot add a line to the
 * reply or push the columns out of line.
 *
 * @param text Field text from any source.
 * @returns The text on one line.
 * @throws Never.
 * @example
 * oneLine('Alice\r\nLogin: root'); // 'Alice  Login: root'
 */
export function oneLine(text: string): string {
  return stripControlCharacters(text).replace(/[\r\n\t]/g, ' ');
}

/**
 * Splits sanitized text into lines at CRLF, bare LF or bare CR, so that every line of the reply
 * can end in CRLF as RFC 1288 section 2.2 asks, whatever the source file used.
 *
 * @param text Text that may hold line breaks.
 * @returns Its lines, without line breaks; trailing line breaks do not make empty lines.
 * @throws Never.
 * @example
 * splitLines('a\nb\r\n'); // ['a', 'b']
 */
export function splitLines(text: string): string[] {
  const lines = stripControlCharacters(text).split(LINE_BREAK);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Replaces every non-ASCII character with `?`, for replies that must stay 7-bit (an old
 * terminal may read a UTF-8 byte such as 0x9B as a control).
 *
 * @param text Sanitized text.
 * @returns The text with only ASCII characters.
 * @throws Never.
 * @example
 * toAscii('José'); // 'Jos?'
 */
export function toAscii(text: string): string {
  return text.replace(NON_ASCII, '?');
}
