/**
 * The LOGIN SASL mechanism (draft-murchison-sasl-login, never an RFC but offered by most SMTP
 * servers and tried by most clients): the server prompts `Username:` and `Password:` in base64
 * and the client answers each with one base64 line.
 */
import { decodeSaslText, MAX_SASL_FIELD } from './sasl-text.js';

/** `Username:` in base64: the text of the first `334` (what Postfix and Exchange send). */
export const LOGIN_USERNAME_PROMPT = 'VXNlcm5hbWU6';

/** `Password:` in base64: the text of the second `334`. */
export const LOGIN_PASSWORD_PROMPT = 'UGFzc3dvcmQ6';

/**
 * Decodes one LOGIN answer (the user name or the password).
 *
 * @param text The base64 line the client sent.
 * @returns The decoded field.
 * @throws {SyntaxError} If the text is not canonical base64 of UTF-8, is empty, holds a NUL or
 *   is longer than 255 octets.
 * @example
 * decodeAuthLoginField('ZGVtbw=='); // 'demo'
 */
export function decodeAuthLoginField(text: string): string {
  const field = decodeSaslText(text, 'LOGIN');
  if (field.includes('\0')) throw new SyntaxError('LOGIN field must not contain NUL');
  if (Buffer.byteLength(field, 'utf8') > MAX_SASL_FIELD) {
    throw new SyntaxError('LOGIN field longer than 255 octets');
  }
  return field;
}
