/**
 * Byte classes from RFC 9110 section 5.6 and RFC 9112, as 256-entry lookup tables so the hot
 * parsing loops test one array element per byte instead of running a regular expression.
 */

/**
 * `tchar` (RFC 9110 5.6.2): the bytes allowed in a method, a field name or a coding name.
 *
 * @example
 * TOKEN_BYTE['a'.charCodeAt(0)]; // 1
 */
export const TOKEN_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  const extra = "!#$%&'*+-.^_`|~";
  for (let b = 0x30; b <= 0x39; b++) table[b] = 1;
  for (let b = 0x41; b <= 0x5a; b++) table[b] = 1;
  for (let b = 0x61; b <= 0x7a; b++) table[b] = 1;
  for (const c of extra) table[c.charCodeAt(0)] = 1;
  return table;
})();

/**
 * Bytes allowed inside a field value (RFC 9110 5.5): VCHAR, obs-text, SP and HTAB. Every other
 * control byte (NUL, bare CR, bare LF, DEL, ...) is rejected because intermediaries disagree
 * about them, which is what request smuggling feeds on.
 *
 * @example
 * FIELD_VALUE_BYTE[0x0d]; // 0: a CR never belongs in a value
 */
export const FIELD_VALUE_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0x20; b <= 0xff; b++) table[b] = 1;
  table[0x7f] = 0;
  table[0x09] = 1;
  return table;
})();

/**
 * Bytes allowed in a request-target: visible US-ASCII only (RFC 9112 3.2, RFC 3986).
 *
 * @example
 * TARGET_BYTE[0x20]; // 0: a space ends the target
 */
export const TARGET_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0x21; b <= 0x7e; b++) table[b] = 1;
  return table;
})();

/**
 * Tells whether `text` is a non-empty RFC 9110 token.
 *
 * @param text The candidate method, field name or coding name.
 * @returns `true` when every character is a `tchar`.
 * @example
 * isToken('Content-Length'); // true
 * isToken('Bad Name'); // false
 */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || TOKEN_BYTE[c] !== 1) return false;
  }
  return true;
}

/**
 * Tells whether `text` may be sent as a field value: no control characters other than HTAB, and
 * nothing outside Latin-1 (which could not be written as one byte per character).
 *
 * @param text The candidate field value.
 * @returns `true` when the value is safe to put on the wire.
 * @example
 * isFieldValue('text/html; charset=utf-8'); // true
 * isFieldValue('a\r\nInjected: 1'); // false
 */
export function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE_BYTE[c] !== 1) return false;
  }
  return true;
}

/**
 * Compares a field name (a token, as every parsed name is) with a lower-case name made of
 * letters and `-`, ignoring case, without making a lower-cased copy. Setting bit 0x20 lower-cases
 * an ASCII letter; among token bytes only the letter itself, its capital, or (for `-`) nothing
 * else maps onto a letter or `-`, so the test is exact for tokens.
 *
 * @param name The name as received.
 * @param lower The wanted name, lower case, letters and `-` only.
 * @returns `true` when they are the same name.
 * @example
 * isNamed('Content-Length', 'content-length'); // true
 */
export function isNamed(name: string, lower: string): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i++) {
    if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
