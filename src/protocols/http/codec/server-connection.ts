/**
 * `ServerConnection`: the protocol state of one HTTP/1.1 server connection as a sans-I/O object,
 * in h11's manner — request bytes in, events out; the progress of each response in; the bytes
 * the connection answers by itself (100 Continue, error responses) out. Rule, as h11's: every
 * decision that moves the connection from one state to another lives in this file — keep-alive,
 * the order of pipelined exchanges, expect-continue, which error answers a parse failure, and
 * when to close. Sockets, timers, handlers and the output queue are the glue's
 * (`HttpServerChannel`).
 */
import type { ServerSession } from '../../../server/server-session.js';
import { encodeResponseHead } from './encode-head.js';
import { type AnsweredRequest, framedResponseHead } from './framed-head.js';
import type { DataEvent, EndEvent } from './message-events.js';
import {
  type RequestErrorEvent,
  type RequestEvent,
  RequestParser,
  type RequestParserOptions,
} from './request-parser.js';
import { reasonPhrase } from './status-reasons.js';

/** The request could not be parsed: the parser's error and what the connection makes of it. */
export interface ServerErrorEvent extends RequestErrorEvent {
  /**
   * No response has begun: answer `status` now with {@link ServerConnection.sendError}. When
   * `false`, a response is under way and the connection closes after it instead.
   */
  readonly answer: boolean;
}

/** Everything {@link ServerConnection.nextEvent} returns. */
export type ServerConnectionEvent = RequestEvent | DataEvent | EndEvent | ServerErrorEvent;

/**
 * What the connection reads input for: the next request (`request`), the body of the current
 * one (`body`), nothing for now (`nothing`: a complete request awaits its response, or the peer
 * has closed), or input to drop while closing (`drain`: the lingering close).
 */
export type ReadingFor = 'request' | 'body' | 'nothing' | 'drain';

/** Where the connection is: between exchanges, in one, or closing for good. */
type Phase = 'idle' | 'exchange' | 'closing';

/** 100 Continue, made once by the encoder. */
const CONTINUE = encodeResponseHead({ status: 100 });
/** Error answers are framed as for a plain HTTP/1.1 GET, whatever the request was. */
const PLAIN_GET: AnsweredRequest = { version: '1.1', method: 'GET' };
const TEXT_PLAIN: readonly string[] = ['Content-Type', 'text/plain; charset=utf-8'];
const EMPTY = Buffer.alloc(0);

/**
 * One server connection's HTTP/1.1 state. Exchanges run one at a time: after a request's last
 * body byte the next pipelined request is not parsed until its response has finished, so
 * responses leave in request order. A parse failure answers with its status (400, 413, 414,
 * 431, 501, 505) when no response has begun, and the connection then closes; so does every
 * exchange that does not keep the connection alive. Closing is lingering: output already
 * queued goes out, the sending side is shut, and input is read and dropped until the peer
 * closes (the glue bounds that with a timer).
 *
 * The glue calls {@link responseBegun} when a response writes its first byte and
 * {@link responseFinished} when it is fully queued; it answers errors with {@link sendError}
 * and sends what {@link takeOutput} returns before anything written after it.
 *
 * @example
 * const conn = new ServerConnection();
 * conn.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 * conn.nextEvent(); // { type: 'request', method: 'GET', ... }
 * conn.nextEvent(); // { type: 'end', ... }
 * conn.responseBegun();
 * conn.responseFinished(true, false); // the exchange is over: the next request may be parsed
 */
export class ServerConnection implements ServerSession<ServerConnectionEvent> {
  readonly #parser: RequestParser;
  #output: Buffer[] = [];
  #phase: Phase = 'idle';
  /** The request of the exchange under way (its version and method), else null. */
  #request: AnsweredRequest | null = null;
  #expectContinue = false;
  #bodyDone = true;
  #continuePending = false;
  #responseBegun = false;
  #responseFinished = false;
  /** Close once the exchange under way is over, whatever its response says. */
  #closeAfter = false;
  /** A parse failure awaits its answer ({@link sendError}): nothing more is parsed. */
  #errorPending = false;
  #peerClosed = false;

  /**
   * @param options The request parser's limits.
   * @throws {RangeError} When a limit is not a positive safe integer.
   */
  constructor(options: RequestParserOptions = {}) {
    this.#parser = new RequestParser(options);
  }

  // ------------------------------------------------------------------ input

  /**
   * Bytes from the client; referenced, not copied. Input is dropped once the connection is
   * closing (the lingering close reads only to discard).
   *
   * @param chunk The bytes.
   */
  receiveData(chunk: Uint8Array): void {
    if (this.#phase === 'closing') return;
    this.#parser.receiveData(chunk);
  }

  /**
   * The next event, or null when more input is needed, when a complete request awaits its
   * response (pipelined requests wait their turn), or once the connection is closing.
   *
   * @returns A request head, body data, the end of a request, a parse error, or null.
   */
  nextEvent(): ServerConnectionEvent | null {
    if (this.#phase === 'closing' || this.#errorPending) return null;
    if (this.#phase === 'exchange' && this.#bodyDone) return null;
    const event = this.#parser.nextEvent();
    if (event === null) {
      // The client closed between requests, or a tunnel/closing request ended the parse.
      if (this.#phase === 'idle' && this.#parser.finished) this.#phase = 'closing';
      return null;
    }
    switch (event.type) {
      case 'request':
        this.#phase = 'exchange';
        this.#request = event;
        this.#expectContinue = event.expectContinue;
        this.#bodyDone = false;
        this.#continuePending = event.bodyKind !== 'none' && event.expectContinue;
        this.#responseBegun = false;
        this.#responseFinished = false;
        return event;
      case 'data':
        return event;
      case 'end':
        this.#bodyDone = true;
        if (this.#responseFinished) this.#endExchange();
        return event;
      default:
        return this.#failed(event);
    }
  }

  /**
   * The client closed its sending side (a FIN, a TLS close_notify; not a reset, after which
   * nobody reads). Answers still queued, or one being made for a complete request, go out first.
   *
   * @param outputPending Whether output is queued that the client has not been sent yet.
   * @returns `true` when the connection goes on to finish its answers (then closes), `false`
   *   when it should close now.
   */
  peerClosed(outputPending: boolean): boolean {
    if (outputPending && !this.#peerClosed) {
      this.#peerClosed = true;
      this.#closeAfter = true;
      if (this.#phase === 'idle') this.#phase = 'closing';
      return true;
    }
    if (this.#phase === 'closing' || this.#peerClosed) return false;
    if (this.#phase === 'exchange' && this.#bodyDone && !this.#responseFinished) {
      this.#peerClosed = true;
      this.#closeAfter = true;
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ the response side

  /** The response of the exchange under way wrote its first byte (its head). */
  responseBegun(): void {
    this.#responseBegun = true;
    this.#continuePending = false;
  }

  /**
   * The response of the exchange under way is fully queued. The exchange ends with it once the
   * request body is in; until then body data still arrives (to be dropped). A client that
   * waited for 100 Continue before sending its body is not waited for: the connection closes.
   *
   * @param keepAlive Whether the response keeps the connection (its framing allows it).
   * @param bodyRead Whether the handler began reading the request body.
   * @returns `true` when the body the client still owes is refused (the glue fails it).
   */
  responseFinished(keepAlive: boolean, bodyRead: boolean): boolean {
    if (this.#phase !== 'exchange') return false;
    this.#responseBegun = true;
    this.#responseFinished = true;
    this.#continuePending = false;
    if (!keepAlive) this.#closeAfter = true;
    if (this.#bodyDone) {
      this.#endExchange();
      return false;
    }
    if (this.#expectContinue && !bodyRead) {
      // The client may still be waiting for 100 Continue: close rather than wait for a body.
      this.#clearExchange();
      this.#phase = 'closing';
      return true;
    }
    return false;
  }

  /**
   * The handler wants the request body: a client that asked to be told to send it
   * (`Expect: 100-continue`) is told now, unless a response has begun.
   *
   * @returns `true` when 100 Continue was queued (the body's timer starts then).
   */
  continueBody(): boolean {
    if (!this.#continuePending) return false;
    this.#continuePending = false;
    if (this.#phase !== 'exchange' || this.#responseBegun) return false;
    this.#output.push(CONTINUE);
    return true;
  }

  /**
   * Answers with an error status and closes after it (the only safe course after bad framing,
   * a timeout or a failed handler): a text body, unless the request was HEAD, with
   * `Connection: close`. Call it only while {@link canAnswer}.
   *
   * @param status The error status (400-599).
   * @param common The `Date` and `Server` lines.
   * @returns The error body's length (for the access log).
   * @throws {RangeError} For a status outside 200-999.
   * @example conn.sendError(408, common.text());
   */
  sendError(status: number, common: string): number {
    const body = `${status} ${reasonPhrase(status)}\n`;
    const head = framedResponseHead(
      PLAIN_GET,
      status,
      undefined,
      common,
      TEXT_PLAIN,
      '',
      false,
      body.length,
    ).text;
    const text = this.#request?.method === 'HEAD' ? head : head + body;
    this.#output.push(Buffer.from(text, 'latin1'));
    this.#errorPending = false;
    this.#clearExchange();
    this.#phase = 'closing';
    return body.length;
  }

  /**
   * What the connection wrote by itself since the last call: 100 Continue and error responses.
   *
   * @returns The bytes (empty when none); nothing else holds them.
   */
  takeOutput(): Buffer {
    const output = this.#output;
    if (output.length === 0) return EMPTY;
    this.#output = [];
    return output.length === 1 ? output[0]! : Buffer.concat(output);
  }

  // ------------------------------------------------------------------ timeouts

  /**
   * The client sent no complete request head within the read timeout.
   *
   * @param received Whether any byte ever arrived on the connection.
   * @returns 408 to answer it (a head was begun between exchanges), or null to close without a
   *   word (nothing was asked: a browser's preconnect would take a 408 for a reply).
   */
  readTimedOut(received: boolean): number | null {
    return received && this.#phase === 'idle' ? 408 : null;
  }

  /**
   * The request body stalled past its timeout.
   *
   * @returns 408 to answer it, `'close'` when a response has begun (cut the connection), or
   *   null when no body is awaited any more (a stale timer).
   */
  bodyTimedOut(): 408 | 'close' | null {
    if (this.#phase !== 'exchange' || this.#bodyDone) return null;
    return this.#responseBegun ? 'close' : 408;
  }

  // ------------------------------------------------------------------ state, for the glue

  /** What input is read for now. */
  get readingFor(): ReadingFor {
    if (this.#peerClosed) return 'nothing';
    switch (this.#phase) {
      case 'closing':
        return 'drain';
      case 'idle':
        return 'request';
      default:
        return this.#bodyDone ? 'nothing' : 'body';
    }
  }

  /** Whether an exchange is under way (a request head arrived, its exchange is not over). */
  get inExchange(): boolean {
    return this.#phase === 'exchange';
  }

  /** Whether the connection is closing: no more requests; queued output, then a lingering close. */
  get closing(): boolean {
    return this.#phase === 'closing';
  }

  /** Whether the closing connection should linger (read and drop input until the peer closes). */
  get lingers(): boolean {
    return !this.#peerClosed;
  }

  /** Whether a request body is still arriving. */
  get receivingBody(): boolean {
    return this.#phase === 'exchange' && !this.#bodyDone;
  }

  /** Whether the client waits for 100 Continue before it sends its body. */
  get awaitingContinue(): boolean {
    return this.#continuePending;
  }

  /** Whether an error may still be answered with a response of its own (none has begun). */
  get canAnswer(): boolean {
    return this.#errorPending || (this.#phase !== 'closing' && !this.#responseBegun);
  }

  /** Whether nothing of a next request has arrived between exchanges (no head half-sent). */
  get idle(): boolean {
    return this.#parser.idle;
  }

  /** Part of a request head is waiting for its end (the read timeout runs meanwhile). */
  get partialCommand(): boolean {
    return this.#phase === 'idle' && !this.#parser.idle;
  }

  // ------------------------------------------------------------------ transitions

  #failed(event: RequestErrorEvent): ServerErrorEvent {
    // After bad framing the next request's start cannot be found: the connection ends, with
    // the failure's status as its answer when no response has begun.
    if (this.#phase !== 'exchange') {
      this.#errorPending = true;
      return { ...event, answer: true };
    }
    this.#bodyDone = true;
    this.#closeAfter = true;
    const answer = !this.#responseBegun;
    if (answer) this.#errorPending = true;
    else if (this.#responseFinished) this.#endExchange();
    return { ...event, answer };
  }

  /** The exchange is over: the next request may be parsed, or the connection closes. */
  #endExchange(): void {
    this.#clearExchange();
    this.#phase = this.#closeAfter || this.#parser.finished ? 'closing' : 'idle';
  }

  #clearExchange(): void {
    this.#request = null;
    this.#expectContinue = false;
    this.#bodyDone = true;
    this.#continuePending = false;
    this.#responseBegun = false;
    this.#responseFinished = false;
  }
}
