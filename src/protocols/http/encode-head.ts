/**
 * Serializers for message heads (RFC 9112 sections 3-5). Values are checked before they reach
 * the wire: a CR or LF smuggled into a name or value would let a caller's input split a message.
 */
import type { HttpVersion } from './body-framing.js';
import { isFieldValue, isToken, TARGET_BYTE } from './field-syntax.js';
import { reasonPhrase } from './status-reasons.js';

/** Header fields to write: `[name, value]` pairs in order (an `HttpHeaders` qualifies). */
export type HeaderInput = Iterable<readonly [string, string]>;

/** A request head to encode. */
export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** Default `'1.1'`. */
  readonly version?: HttpVersion;
  readonly headers?: HeaderInput;
}

/** A response head to encode. */
export interface ResponseHead {
  readonly status: number;
  /** Default: the standard phrase for `status`. */
  readonly reason?: string;
  /** Default `'1.1'`. */
  readonly version?: HttpVersion;
  readonly headers?: HeaderInput;
}

/**
 * Encodes a request line and its header fields, ending with the empty line.
 *
 * @param head Method, target, version and fields.
 * @returns The head as bytes.
 * @throws {TypeError} For a method or field name that is not a token, a target with spaces or
 *   control characters, or a field value with CR, LF or another control character.
 * @example
 * encodeRequestHead({ method: 'GET', target: '/', headers: [['Host', 'a']] });
 * // <Buffer 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'>
 */
export function encodeRequestHead(head: RequestHead): Buffer {
  if (!isToken(head.method)) throw new TypeError(`invalid method ${JSON.stringify(head.method)}`);
  const target = head.target;
  if (target.length === 0) throw new TypeError('empty request target');
  for (let i = 0; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c > 0x7f || TARGET_BYTE[c] !== 1) {
      throw new TypeError(`invalid request target ${JSON.stringify(target)}`);
    }
  }
  const text = `${head.method} ${target} HTTP/${head.version ?? '1.1'}\r\n${fieldLines(head.headers)}\r\n`;
  return Buffer.from(text, 'latin1');
}

/**
 * Encodes a status line and its header fields, ending with the empty line.
 *
 * @param head Status, optional reason, version and fields.
 * @returns The head as bytes.
 * @throws {RangeError} When `status` is not an integer from 100 to 999.
 * @throws {TypeError} For a bad reason, field name or field value (CR/LF included).
 * @example
 * encodeResponseHead({ status: 404, headers: [['Content-Length', '0']] });
 * // <Buffer 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'>
 */
export function encodeResponseHead(head: ResponseHead): Buffer {
  const status = head.status;
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new RangeError(`status must be an integer from 100 to 999, got ${status}`);
  }
  const reason = head.reason ?? reasonPhrase(status);
  if (!isFieldValue(reason)) throw new TypeError(`invalid reason ${JSON.stringify(reason)}`);
  const text = `HTTP/${head.version ?? '1.1'} ${status} ${reason}\r\n${fieldLines(head.headers)}\r\n`;
  return Buffer.from(text, 'latin1');
}

/**
 * Encodes field lines (`name: value\r\n` each), as used in heads and chunked trailers.
 *
 * @param headers The fields, or `undefined` for none.
 * @returns The lines as text, one CRLF after each.
 * @throws {TypeError} For a name that is not a token or a value that is not a valid field value.
 * @example
 * fieldLines([['X-A', '1']]); // 'X-A: 1\r\n'
 */
export function fieldLines(headers: HeaderInput | undefined): string {
  if (headers === undefined) return '';
  let text = '';
  for (const [name, value] of headers) {
    if (!isToken(name)) throw new TypeError(`invalid field name ${JSON.stringify(name)}`);
    if (!isFieldValue(value)) {
      throw new TypeError(`invalid value for ${name}: ${JSON.stringify(value)}`);
    }
    text += `${name}: ${value}\r\n`;
  }
  return text;
}
