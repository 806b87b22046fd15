/**
 * Decides how a server frames a response body (RFC 9112 sections 6 and 9.3).
 */
import type { BodyKind, HttpVersion } from './body-framing.js';

/** What {@link decideResponseFraming} needs to know. */
export interface ResponseFramingInput {
  /** The request's version: chunked needs an HTTP/1.1 recipient. */
  readonly requestVersion: HttpVersion;
  /** The request's method: a HEAD response has no body. */
  readonly method: string;
  readonly status: number;
  /** The body length when known in advance, else `null`. */
  readonly contentLength: number | null;
  /** The request's `keepAlive` decision. */
  readonly keepAlive: boolean;
}

/** The framing decision for one response. */
export interface ResponseFraming {
  /** `none` (HEAD, 1xx, 204, 304), `length`, `chunked`, or `close` (body ends at close). */
  readonly kind: BodyKind;
  /** Framing and connection fields to add to the response head. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Whether the connection stays open after this response. */
  readonly keepAlive: boolean;
}

/**
 * Chooses the framing: a known length sets Content-Length; an unknown length on HTTP/1.1 is
 * chunked; on HTTP/1.0 it is delimited by closing the connection. It also says whether to keep
 * the connection, adding `Connection: close` or `Connection: keep-alive` where the peer needs it.
 *
 * @param input The request facts, status and body length.
 * @returns The body kind, the header fields to add and the keep-alive decision.
 * @throws {RangeError} For a status outside 100-999 or a negative or non-integer length.
 * @example
 * decideResponseFraming({
 *   requestVersion: '1.1', method: 'GET', status: 200, contentLength: null, keepAlive: true,
 * }); // { kind: 'chunked', headers: [['Transfer-Encoding', 'chunked']], keepAlive: true }
 */
export function decideResponseFraming(input: ResponseFramingInput): ResponseFraming {
  const { status, contentLength } = input;
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new RangeError(`status must be an integer from 100 to 999, got ${status}`);
  }
  if (contentLength !== null && (!Number.isSafeInteger(contentLength) || contentLength < 0)) {
    throw new RangeError(`contentLength must be a non-negative integer, got ${contentLength}`);
  }
  const headers: Array<readonly [string, string]> = [];
  let kind: BodyKind;
  if (status < 200 || status === 204 || status === 304) {
    // These never have a body, and RFC 9110 8.6 forbids Content-Length on 1xx and 204.
    kind = 'none';
  } else if (input.method === 'HEAD') {
    kind = 'none';
    // A HEAD answer may state the length a GET would get (RFC 9110 9.3.2).
    if (contentLength !== null) headers.push(['Content-Length', String(contentLength)]);
  } else if (contentLength !== null) {
    kind = 'length';
    headers.push(['Content-Length', String(contentLength)]);
  } else if (input.requestVersion === '1.1') {
    kind = 'chunked';
    headers.push(['Transfer-Encoding', 'chunked']);
  } else {
    kind = 'close';
  }
  const keepAlive = input.keepAlive && kind !== 'close' && status >= 200;
  if (status >= 200) {
    if (!keepAlive && input.requestVersion === '1.1') headers.push(['Connection', 'close']);
    if (keepAlive && input.requestVersion === '1.0') headers.push(['Connection', 'keep-alive']);
  }
  return { kind, headers, keepAlive: status < 200 ? input.keepAlive : keepAlive };
}

/** Fields the server writes itself; a handler's values for them would contradict the framing. */
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * Tells whether a field name is one the server writes itself (Content-Length,
 * Transfer-Encoding, Connection), any case. The length test passes over every other name
 * without lower-casing it: this runs for each field of each response.
 *
 * @param name A field name.
 * @returns `true` for a framing field.
 * @example
 * isFramingField('content-LENGTH'); // true
 */
export function isFramingField(name: string): boolean {
  const n = name.length;
  return (n === 14 || n === 17 || n === 10) && FRAMING_FIELDS.has(name.toLowerCase());
}
