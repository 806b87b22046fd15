/**
 * Message body framing and connection persistence, RFC 9112 sections 6.1-6.3 and 9.3.
 * Pure functions over parsed header fields; the parsers call them once a head is complete.
 */
import { isNamed, isToken } from './field-syntax.js';
import type { HttpHeaders } from './http-headers.js';
import { ParseFailure } from './parse-failure.js';

/** How a body is delimited: none, a `Content-Length`, chunked, or the end of the connection. */
export type BodyKind = 'none' | 'length' | 'chunked' | 'close';

/** The HTTP versions the parsers accept. */
export type HttpVersion = '1.0' | '1.1';

/** What the framing fields of one message say. */
export interface FramingFields {
  /** The single agreed `Content-Length`, or `null` when absent. */
  readonly contentLength: number | null;
  /** Transfer codings listed in order, lower-cased; empty when absent. */
  readonly transferCodings: readonly string[];
  /** Whether `Transfer-Encoding` was present at all (an empty value still counts). */
  readonly hasTransferEncoding: boolean;
  /** `Connection` options, lower-cased. */
  readonly connection: readonly string[];
  /** How many Host lines there were, and the first one's value ('' when none). */
  readonly hostCount: number;
  readonly host: string;
  /** The `Expect` value (lines joined with ", "), or `null`. */
  readonly expect: string | null;
}

/** Codings RFC 9110 registers; anything else is answered with 501, not 400. */
const KNOWN_CODINGS = new Set(['chunked', 'gzip', 'x-gzip', 'deflate', 'compress', 'x-compress']);

/** The empty list a message without Transfer-Encoding or Connection reports. */
const NONE: readonly string[] = Object.freeze([]);

/** More digits than this cannot fit a safe integer, so they are refused before parsing. */
const MAX_LENGTH_DIGITS = 15;

/**
 * Reads `Content-Length`, `Transfer-Encoding` and `Connection` from parsed fields, refusing what
 * RFC 9110 8.6 and RFC 9112 6 call invalid: signed, non-decimal, overflowing or disagreeing
 * lengths (a repeated identical value, or a list of identical values, is accepted as 8.6 allows).
 *
 * @param headers The message's fields.
 * @returns The framing-relevant facts.
 * @throws {ParseFailure} 400 for an invalid `Content-Length` or a malformed coding list.
 * @example
 * readFramingFields(HttpHeaders.from([['Content-Length', '5, 5']])).contentLength; // 5
 */
export function readFramingFields(headers: HttpHeaders): FramingFields {
  let lengthText: string | null = null;
  let hasTransferEncoding = false;
  // Most requests carry neither field: the arrays are made only for those that do.
  let transferCodings: string[] | null = null;
  let connection: string[] | null = null;
  let hostCount = 0;
  let host = '';
  let expect: string | null = null;
  for (let i = 0; i < headers.size; i++) {
    const name = headers.nameAt(i);
    // isNamed() compares lengths first and lower-cases nothing: most fields cost one compare.
    if (isNamed(name, 'host')) {
      if (hostCount++ === 0) host = headers.valueAt(i);
    } else if (isNamed(name, 'expect')) {
      const value = headers.valueAt(i);
      expect = expect === null ? value : `${expect}, ${value}`;
    } else if (isNamed(name, 'content-length')) {
      for (const member of splitList(headers.valueAt(i), true)) {
        if (lengthText !== null && lengthText !== member) {
          throw new ParseFailure(400, 'Conflicting Content-Length');
        }
        lengthText = member;
      }
    } else if (isNamed(name, 'transfer-encoding')) {
      hasTransferEncoding = true;
      for (const member of splitList(headers.valueAt(i), false)) {
        const coding = member.toLowerCase();
        if (!isToken(coding)) throw new ParseFailure(400, 'Invalid Transfer-Encoding');
        (transferCodings ??= []).push(coding);
      }
    } else if (isNamed(name, 'connection')) {
      for (const member of splitList(headers.valueAt(i), false)) {
        (connection ??= []).push(member.toLowerCase());
      }
    }
  }
  return {
    contentLength: lengthText === null ? null : parseLength(lengthText),
    transferCodings: transferCodings ?? NONE,
    hasTransferEncoding,
    connection: connection ?? NONE,
    hostCount,
    host,
    expect,
  };
}

/**
 * Decides a request's body framing (RFC 9112 6.3, rules 3-6 for requests).
 *
 * @param fields From {@link readFramingFields}.
 * @param version The request's HTTP version.
 * @returns `none`, `length` or `chunked` with the length when known.
 * @throws {ParseFailure} 400 for Content-Length with Transfer-Encoding, chunked not last or
 *   repeated, or Transfer-Encoding in HTTP/1.0; 501 for a coding this parser cannot remove.
 * @example
 * requestFraming(readFramingFields(HttpHeaders.from([['Content-Length', '5']])), '1.1');
 * // { kind: 'length', length: 5 }
 */
export function requestFraming(
  fields: FramingFields,
  version: HttpVersion,
): { kind: BodyKind; length: number | null } {
  if (fields.hasTransferEncoding) {
    // Either disagreement is the classic CL.TE / TE.CL smuggling setup: refuse, never guess.
    if (fields.contentLength !== null) {
      throw new ParseFailure(400, 'Both Content-Length and Transfer-Encoding');
    }
    if (version === '1.0') throw new ParseFailure(400, 'Transfer-Encoding in HTTP/1.0');
    checkChunkedLast(fields.transferCodings);
    return { kind: 'chunked', length: null };
  }
  if (fields.contentLength !== null && fields.contentLength > 0) {
    return { kind: 'length', length: fields.contentLength };
  }
  return { kind: 'none', length: fields.contentLength };
}

/**
 * Decides a response's body framing (RFC 9112 6.3, rules 1-7), given the request it answers.
 *
 * @param fields From {@link readFramingFields}.
 * @param status The final status code.
 * @param method The request method the response answers.
 * @returns The framing; `close` means the body runs to the end of the connection.
 * @throws {ParseFailure} For an unusable coding list.
 * @example
 * responseFraming(readFramingFields(new HttpHeaders()), 200, 'GET'); // { kind: 'close', length: null }
 */
export function responseFraming(
  fields: FramingFields,
  status: number,
  method: string,
): { kind: BodyKind; length: number | null } {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) {
    return { kind: 'none', length: fields.contentLength };
  }
  if (method === 'CONNECT' && status < 300) return { kind: 'none', length: null };
  if (fields.hasTransferEncoding) {
    const last = fields.transferCodings[fields.transferCodings.length - 1];
    if (last !== 'chunked') return { kind: 'close', length: null };
    if (fields.transferCodings.indexOf('chunked') !== fields.transferCodings.length - 1) {
      throw new ParseFailure(400, 'chunked applied more than once');
    }
    return { kind: 'chunked', length: null };
  }
  if (fields.contentLength !== null) {
    return { kind: fields.contentLength > 0 ? 'length' : 'none', length: fields.contentLength };
  }
  return { kind: 'close', length: null };
}

/**
 * Tells whether the connection persists after this message (RFC 9112 9.3): HTTP/1.1 unless
 * `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
 *
 * @param fields From {@link readFramingFields}.
 * @param version The message's version.
 * @returns `true` when another message may follow on the connection.
 * @example
 * keepAliveFor(readFramingFields(new HttpHeaders()), '1.0'); // false
 */
export function keepAliveFor(fields: FramingFields, version: HttpVersion): boolean {
  if (fields.connection.includes('close')) return false;
  return version === '1.1' || fields.connection.includes('keep-alive');
}

function checkChunkedLast(codings: readonly string[]): void {
  const last = codings[codings.length - 1];
  for (const coding of codings) {
    if (!KNOWN_CODINGS.has(coding)) throw new ParseFailure(501, 'Unknown transfer coding');
  }
  if (last !== 'chunked') throw new ParseFailure(400, 'chunked is not the final coding');
  if (codings.indexOf('chunked') !== codings.length - 1) {
    throw new ParseFailure(400, 'chunked applied more than once');
  }
  // gzip etc. under chunked are legal but this parser hands out bytes, not decoded content.
  if (codings.length > 1) throw new ParseFailure(501, 'Unsupported transfer coding');
}

/** Splits a comma list, trimming OWS; `strict` refuses empty members (Content-Length). */
function splitList(value: string, strict: boolean): string[] {
  // Nearly every value is a single member: skip split() and its array.
  if (value.indexOf(',') === -1) {
    const only = value.trim();
    if (only.length > 0) return [only];
    if (strict) throw new ParseFailure(400, 'Invalid Content-Length');
    return [];
  }
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const member = raw.trim();
    if (member.length === 0) {
      if (strict) throw new ParseFailure(400, 'Invalid Content-Length');
      continue;
    }
    out.push(member);
  }
  if (strict && out.length === 0) throw new ParseFailure(400, 'Invalid Content-Length');
  return out;
}

function parseLength(text: string): number {
  if (text.length > MAX_LENGTH_DIGITS) throw new ParseFailure(400, 'Content-Length too large');
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw new ParseFailure(400, 'Invalid Content-Length');
    n = n * 10 + d;
  }
  return n;
}
