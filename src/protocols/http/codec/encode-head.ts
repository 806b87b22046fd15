/**
 * Serializers for message heads (RFC 9112 sections 3-5). Values are checked before they reach
 * the wire: a CR or LF smuggled into a name or value would let a caller's input split a message.
 */
import type { HttpVersion } from './body-framing.js';
import { isFieldValue, isToken, TARGET_BYTE } from './field-syntax.js';
import { reasonPhrase } from './status-reasons.js';

/** Status lines with the standard reason, made once per status. */
const STATUS_LINES = new Map<number, string>();

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
  const text = responseHeadText(
    head.status,
    head.reason,
    head.version ?? '1.1',
    fieldLines(head.headers),
  );
  return Buffer.from(text, 'latin1');
}

/**
 * The text of a response head: the status line, the field lines as given, and the empty line.
 * Every response head polyport makes, the server's included, is put together here; the field
 * lines come from {@link fieldLines} or {@link fieldLine} over values checked when they were set,
 * so they are not checked again for every response.
 *
 * @param status A status code from 100 to 999.
 * @param reason The reason phrase, or `undefined` for the standard one.
 * @param version The HTTP version of the status line.
 * @param lines Field lines, each ending in CRLF (`''` for none).
 * @returns The head as Latin-1 text, CRLF CRLF included.
 * @throws {RangeError} When `status` is not an integer from 100 to 999.
 * @throws {TypeError} For a reason with CR, LF or another control character.
 * @example
 * responseHeadText(204, undefined, '1.1', 'Server: a\r\n');
 * // 'HTTP/1.1 204 No Content\r\nServer: a\r\n\r\n'
 */
export function responseHeadText(
  status: number,
  reason: string | undefined,
  version: HttpVersion,
  lines: string,
): string {
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new RangeError(`status must be an integer from 100 to 999, got ${status}`);
  }
  let line: string;
  if (reason === undefined) {
    line =
      version === '1.1'
        ? statusLine(status)
        : statusLineText(version, status, reasonPhrase(status));
  } else {
    if (!isFieldValue(reason)) throw new TypeError(`invalid reason ${JSON.stringify(reason)}`);
    line = statusLineText(version, status, reason);
  }
  return `${line}${lines}\r\n`;
}

/**
 * The HTTP/1.1 status line with the standard reason, CRLF included, made once per status
 * rather than once per response.
 *
 * @param status A status code from 100 to 999.
 * @returns The line, e.g. `'HTTP/1.1 200 OK\r\n'`.
 * @example
 * statusLine(404); // 'HTTP/1.1 404 Not Found\r\n'
 */
export function statusLine(status: number): string {
  let line = STATUS_LINES.get(status);
  if (line === undefined) {
    line = statusLineText('1.1', status, reasonPhrase(status));
    // Callers pass checked codes (100-999), but a bound keeps a misuse from growing the map.
    if (STATUS_LINES.size < 1000) STATUS_LINES.set(status, line);
  }
  return line;
}

function statusLineText(version: HttpVersion, status: number, reason: string): string {
  return `HTTP/${version} ${status} ${reason}\r\n`;
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
    text += fieldLine(name, value);
  }
  return text;
}

/**
 * Encodes one field line from a name and value the caller has already checked (a response's
 * fields are checked as they are set, not again as the head is made).
 *
 * @param name A field name (a token).
 * @param value A valid field value.
 * @returns `name: value\r\n`.
 * @example
 * fieldLine('Content-Length', '5'); // 'Content-Length: 5\r\n'
 */
export function fieldLine(name: string, value: string): string {
  return `${name}: ${value}\r\n`;
}
