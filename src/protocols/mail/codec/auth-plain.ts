/**
 * SASL PLAIN (RFC 4616) as used by SMTP AUTH (RFC 4954) and POP3 AUTH (RFC 5034): the message
 * `authzid NUL authcid NUL passwd`, base64-encoded on the wire.
 */
import { decodeSaslText, MAX_SASL_FIELD as MAX_FIELD } from './sasl-text.js';

/** The three fields of a PLAIN message. */
export interface PlainCredentials {
  /** Identity to act as; empty when it is the same as `username`. */
  readonly authorizationId: string;
  readonly username: string;
  readonly password: string;
}

/**
 * Encodes credentials as the base64 initial response of `AUTH PLAIN`.
 *
 * @param credentials The username, password and optional authorization identity.
 * @returns The base64 text to send after `AUTH PLAIN `.
 * @throws {RangeError} If a field holds a NUL or is longer than 255 octets, or username or
 *   password is empty.
 * @example
 * encodeAuthPlain({ username: 'demo', password: 'demo' }); // 'AGRlbW8AZGVtbw=='
 */
export function encodeAuthPlain(
  credentials: Partial<Pick<PlainCredentials, 'authorizationId'>> &
    Omit<PlainCredentials, 'authorizationId'>,
): string {
  const fields = [credentials.authorizationId ?? '', credentials.username, credentials.password];
  for (const field of fields) {
    if (field.includes('\0')) throw new RangeError('PLAIN credentials must not contain NUL');
    if (Buffer.byteLength(field, 'utf8') > MAX_FIELD) {
      throw new RangeError('PLAIN credential field longer than 255 octets');
    }
  }
  if (credentials.username === '' || credentials.password === '') {
    throw new RangeError('PLAIN username and password must not be empty');
  }
  return Buffer.from(fields.join('\0'), 'utf8').toString('base64');
}

/**
 * Decodes a base64 PLAIN response. `=` stands for an empty response (RFC 4954), which is
 * malformed for PLAIN.
 *
 * @param text The base64 text the client sent.
 * @returns The decoded credentials.
 * @throws {SyntaxError} If the text is not canonical base64, not valid UTF-8, or not exactly
 *   three NUL-separated fields with a non-empty username and password.
 * @example
 * decodeAuthPlain('AGRlbW8AZGVtbw=='); // { authorizationId: '', username: 'demo', password: 'demo' }
 */
export function decodeAuthPlain(text: string): PlainCredentials {
  const fields = decodeSaslText(text, 'PLAIN').split('\0');
  if (fields.length !== 3) throw new SyntaxError('PLAIN response must have three fields');
  const [authorizationId = '', username = '', password = ''] = fields;
  if (username === '' || password === '') {
    throw new SyntaxError('PLAIN username and password must not be empty');
  }
  if (fields.some((field) => Buffer.byteLength(field, 'utf8') > MAX_FIELD)) {
    throw new SyntaxError('PLAIN field longer than 255 octets');
  }
  return { authorizationId, username, password };
}
