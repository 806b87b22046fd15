/**
 * The client side of HTTP/1.1: response bytes in, events out (RFC 9112). Pull-style, sans-I/O.
 */
import {
  type BodyKind,
  type HttpVersion,
  keepAliveFor,
  readFramingFields,
  responseFraming,
} from './body-framing.js';
import { isToken } from './field-syntax.js';
import { parseStatusLine } from './head-lines.js';
import type { ScannedHead } from './head-scanner.js';
import type { HttpHeaders } from './http-headers.js';
import type { DataEvent, EndEvent, HeadOutcome, MessageLimits } from './message-events.js';
import { MessageReader } from './message-reader.js';
import { ParseFailure } from './parse-failure.js';

/** An interim 1xx response (100 Continue, 103 Early Hints, 101 Switching Protocols). */
export interface InformationalEvent {
  readonly type: 'informational';
  readonly version: HttpVersion;
  readonly status: number;
  readonly reason: string;
  readonly headers: HttpHeaders;
}

/** A final response head. */
export interface ResponseEvent {
  readonly type: 'response';
  readonly version: HttpVersion;
  readonly status: number;
  readonly reason: string;
  readonly headers: HttpHeaders;
  /** The method of the request this answers (it decides whether a body follows). */
  readonly method: string;
  /** Whether the connection may carry another exchange after this one. */
  readonly keepAlive: boolean;
  /** How the body is framed; `close` reads until {@link ResponseParser.connectionClosed}. */
  readonly bodyKind: BodyKind;
  /** The declared Content-Length, or `null`. */
  readonly contentLength: number | null;
  /** Transfer codings other than the final chunked, still applied to the body, lower-cased. */
  readonly transferCodings: readonly string[];
}

/** The response could not be parsed; the connection cannot be reused. */
export interface ResponseErrorEvent {
  readonly type: 'error';
  readonly reason: string;
}

/** Everything {@link ResponseParser.nextEvent} returns. */
export type ResponseParserEvent =
  | InformationalEvent
  | ResponseEvent
  | DataEvent
  | EndEvent
  | ResponseErrorEvent;

/** Options for {@link ResponseParser}: the limits (see `MessageLimits` for defaults). */
export type ResponseParserOptions = MessageLimits;

/**
 * Parses responses on a client connection. Call `requestSent(method)` for every request written,
 * in order, so HEAD and CONNECT responses are framed right; a response with no request noted is
 * read as an answer to GET. A body without Content-Length or chunked ends with
 * `connectionClosed()`. After a 101, a 2xx to CONNECT or a closing response the parser stops and
 * `takeBuffered()` returns the bytes that followed.
 *
 * @example
 * const parser = new ResponseParser();
 * parser.requestSent('GET');
 * parser.receiveData(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi'));
 * parser.nextEvent(); // { type: 'response', status: 200, bodyKind: 'length', ... }
 * parser.nextEvent(); // { type: 'data', data: <Buffer 68 69> }
 * parser.nextEvent(); // { type: 'end', trailers: HttpHeaders {} }
 */
export class ResponseParser extends MessageReader<
  InformationalEvent | ResponseEvent,
  ResponseErrorEvent
> {
  protected override readonly skipsLeadingEmptyLines = false;
  protected override readonly unfoldsObsFold = true;
  readonly #methods: string[] = [];

  /**
   * @param options Limits; every one has a default.
   * @throws {RangeError} When a limit is not a positive safe integer.
   */
  constructor(options: ResponseParserOptions = {}) {
    super(options);
  }

  /**
   * Notes that a request was sent; responses are matched to requests in order.
   *
   * @param method The request method, e.g. `'HEAD'`.
   * @throws {TypeError} When `method` is not a token.
   * @example
   * parser.requestSent('HEAD');
   */
  requestSent(method: string): void {
    if (!isToken(method)) throw new TypeError(`invalid method ${JSON.stringify(method)}`);
    this.#methods.push(method);
  }

  /**
   * Parses on and returns the next event.
   *
   * @returns The next event, or `null` when more input is needed (or the parser has stopped).
   */
  override nextEvent(): ResponseParserEvent | null {
    return super.nextEvent();
  }

  protected override startLineTooLong(): ParseFailure {
    return new ParseFailure(502, 'Status line too long');
  }

  protected override errorEvent(failure: ParseFailure): ResponseErrorEvent {
    return { type: 'error', reason: failure.message };
  }

  protected override onMessageEnd(): void {
    this.#methods.shift();
  }

  protected override onHead(head: ScannedHead): HeadOutcome<InformationalEvent | ResponseEvent> {
    const { version, status, reason } = parseStatusLine(
      head.text,
      head.startLineStart,
      head.startLineEnd,
    );
    const headers = head.headers;
    const method = this.#methods[0] ?? 'GET';
    if (status < 200) {
      return {
        event: { type: 'informational', version, status, reason, headers },
        interim: true,
        kind: 'none',
        length: null,
        keepAlive: true,
        stopAfter: status === 101,
      };
    }
    const fields = readFramingFields(headers);
    const framing = responseFraming(fields, status, method);
    const tunnel = method === 'CONNECT' && status < 300;
    // TE with CL is answered by TE (RFC 9112 6.3) but the connection is not trusted again.
    const keepAlive =
      framing.kind !== 'close' &&
      keepAliveFor(fields, version) &&
      !(fields.hasTransferEncoding && fields.contentLength !== null);
    const codings = fields.transferCodings;
    return {
      event: {
        type: 'response',
        version,
        status,
        reason,
        headers,
        method,
        keepAlive,
        bodyKind: framing.kind,
        contentLength: fields.contentLength,
        transferCodings:
          framing.kind === 'chunked'
            ? codings.slice(0, -1)
            : framing.kind === 'close'
              ? codings
              : [],
      },
      interim: false,
      kind: framing.kind,
      length: framing.length,
      keepAlive,
      stopAfter: tunnel,
    };
  }
}
