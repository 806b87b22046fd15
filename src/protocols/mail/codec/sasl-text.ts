/**
 * The text of a SASL response as SMTP AUTH (RFC 4954 §4) and POP3 AUTH (RFC 5034) carry it:
 * canonical base64 of UTF-8, the form every mechanism's response shares.
 */

/** Canonical base64, padding required: anything else is a malformed response (RFC 4954 §4). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** RFC 4616 caps each field at 255 octets; LOGIN's fields get the same bound. */
export const MAX_SASL_FIELD = 255;

/**
 * Decodes a base64 SASL response into text. `=` (an empty response) and `''` are refused:
 * neither PLAIN nor LOGIN has an empty field.
 *
 * @param text The base64 text the client sent.
 * @param mechanism The mechanism's name, for the error message.
 * @returns The decoded text.
 * @throws {SyntaxError} If the text is empty, not canonical base64, or not valid UTF-8.
 * @example
 * decodeSaslText('ZGVtbw==', 'LOGIN'); // 'demo'
 */
export function decodeSaslText(text: string, mechanism: string): string {
  if (text === '=' || text === '' || !BASE64.test(text)) {
    throw new SyntaxError(`${mechanism} response is not base64`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'base64'));
  } catch {
    throw new SyntaxError(`${mechanism} response is not UTF-8`);
  }
}
