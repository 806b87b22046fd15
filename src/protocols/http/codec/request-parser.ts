/**
 * The server side of HTTP/1.1: request bytes in, events out (RFC 9112). Pull-style and sans-I/O.
 */
import {
  type BodyKind,
  type HttpVersion,
  keepAliveFor,
  readFramingFields,
  requestFraming,
} from './body-framing.js';
import { parseRequestLine } from './head-lines.js';
import type { ScannedHead } from './head-scanner.js';
import type { HttpHeaders } from './http-headers.js';
import type { DataEvent, EndEvent, HeadOutcome, MessageLimits } from './message-events.js';
import { MessageReader } from './message-reader.js';
import { ParseFailure } from './parse-failure.js';

/** The form of a request-target (RFC 9112 3.2). */
export type TargetForm = 'origin' | 'absolute' | 'authority' | 'asterisk';

/** A complete request head. */
export interface RequestEvent {
  readonly type: 'request';
  readonly method: string;
  /** The request-target exactly as sent. */
  readonly target: string;
  readonly targetForm: TargetForm;
  readonly version: HttpVersion;
  readonly headers: HttpHeaders;
  /**
   * The authority the request is for: from an absolute-form or authority-form target (which
   * overrides Host, RFC 9112 3.2.2), otherwise the Host field ('' when HTTP/1.0 sent none).
   */
  readonly authority: string;
  /** Whether the connection may carry another request after this one (RFC 9112 9.3). */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue` on HTTP/1.1: answer 100 (or a final status) before reading the body. */
  readonly expectContinue: boolean;
  /** How the body is framed: `none`, `length` or `chunked`. */
  readonly bodyKind: BodyKind;
  /** The declared Content-Length, or `null`. */
  readonly contentLength: number | null;
}

/** The request could not be parsed: answer `status` and close the connection. */
export interface RequestErrorEvent {
  readonly type: 'error';
  /** 400, 413, 414, 431, 501 or 505. */
  readonly status: number;
  readonly reason: string;
  /** Always `true`: after a framing error the next request's start cannot be found safely. */
  readonly close: true;
}

/** Everything {@link RequestParser.nextEvent} returns. */
export type RequestParserEvent = RequestEvent | DataEvent | EndEvent | RequestErrorEvent;

/** Options for {@link RequestParser}: the limits (see `MessageLimits` for defaults). */
export type RequestParserOptions = MessageLimits;

/** `uri-host [ ":" port ]` characters: unreserved, sub-delims, pct-encoded, ':' and IP literals. */
const AUTHORITY_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(128);
  const chars = "-._~!$&'()*+,;=:[]%";
  for (let b = 0x30; b <= 0x39; b++) table[b] = 1;
  for (let b = 0x41; b <= 0x5a; b++) table[b] = 1;
  for (let b = 0x61; b <= 0x7a; b++) table[b] = 1;
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
})();

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/**
 * Parses requests from a connection, pipelined ones included, strictly enough that no front-end
 * and this parser can disagree about where a request ends (no request smuggling).
 *
 * Feed bytes with `receiveData()`, then call `nextEvent()` until it returns `null`. Each request
 * gives `request`, zero or more `data`, then `end`; bad input gives one `error` and the parser
 * stops. After a request that does not keep the connection alive, or a CONNECT, the parser
 * stops too and `takeBuffered()` returns what followed.
 *
 * @example
 * const parser = new RequestParser();
 * parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 * parser.nextEvent(); // { type: 'request', method: 'GET', target: '/', keepAlive: true, ... }
 * parser.nextEvent(); // { type: 'end', trailers: HttpHeaders {} }
 * parser.nextEvent(); // null
 */
export class RequestParser extends MessageReader<RequestEvent, RequestErrorEvent> {
  protected override readonly skipsLeadingEmptyLines = true;
  protected override readonly unfoldsObsFold = false;
  protected override readonly memoizesHeads = true;

  /**
   * @param options Limits; every one has a default.
   * @throws {RangeError} When a limit is not a positive safe integer.
   */
  constructor(options: RequestParserOptions = {}) {
    super(options);
  }

  /**
   * Parses on and returns the next event.
   *
   * @returns The next event, or `null` when more input is needed (or the parser has stopped).
   */
  override nextEvent(): RequestParserEvent | null {
    return super.nextEvent();
  }

  protected override startLineTooLong(): ParseFailure {
    return new ParseFailure(414, 'Request line too long');
  }

  protected override errorEvent(failure: ParseFailure): RequestErrorEvent {
    return { type: 'error', status: failure.status, reason: failure.message, close: true };
  }

  protected override onHead(head: ScannedHead): HeadOutcome<RequestEvent> {
    const { method, target, version } = parseRequestLine(
      head.text,
      head.startLineStart,
      head.startLineEnd,
    );
    const headers = head.headers;
    const fields = readFramingFields(headers);
    const framing = requestFraming(fields, version);
    if (fields.hostCount > 1) throw new ParseFailure(400, 'More than one Host');
    if (fields.hostCount === 0 && version === '1.1') throw new ParseFailure(400, 'Missing Host');
    const host = fields.host;
    if (!isAuthority(host)) throw new ParseFailure(400, 'Invalid Host');
    let targetForm: TargetForm;
    let authority = host;
    if (method === 'CONNECT') {
      // CONNECT takes host:port and nothing else (RFC 9112 3.2.3).
      if (!isAuthority(target) || target.indexOf(':') <= 0) {
        throw new ParseFailure(400, 'Invalid request target');
      }
      targetForm = 'authority';
      authority = target;
    } else if (target.charCodeAt(0) === 0x2f) {
      targetForm = 'origin';
    } else if (target === '*') {
      if (method !== 'OPTIONS') throw new ParseFailure(400, 'Invalid request target');
      targetForm = 'asterisk';
    } else {
      const match = ABSOLUTE_FORM.exec(target);
      const found = match?.[1];
      if (found === undefined || found.includes('@') || !isAuthority(found)) {
        throw new ParseFailure(400, 'Invalid request target');
      }
      targetForm = 'absolute';
      authority = found;
    }
    const expect = version === '1.1' ? fields.expect : null;
    const keepAlive = keepAliveFor(fields, version);
    return {
      event: {
        type: 'request',
        method,
        target,
        targetForm,
        version,
        headers,
        authority,
        keepAlive,
        expectContinue: expect !== null && expect.toLowerCase() === '100-continue',
        bodyKind: framing.kind,
        contentLength: fields.contentLength,
      },
      interim: false,
      kind: framing.kind,
      length: framing.length,
      keepAlive,
      stopAfter: method === 'CONNECT',
    };
  }
}

function isAuthority(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || AUTHORITY_BYTE[c] !== 1) return false;
  }
  return true;
}
