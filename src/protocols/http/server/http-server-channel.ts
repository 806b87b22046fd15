/**
 * `HttpServerChannel`: one HTTP/1.1 server connection as thin glue around the codec's
 * `ServerConnection` — bytes from the socket in, events to the handler chain, responses and the
 * connection's own answers out, batching the output of requests answered in one read into one
 * write. Every protocol decision (keep-alive, pipelining order, 100-continue, error answers,
 * when to close) is the `ServerConnection`'s; timers, backpressure and the socket are this
 * file's.
 */
import type { ChannelSocket, Producer } from '../../../dispatch/index.js';
import type { ClockTimer } from '../../../server/clock.js';
import { pendingOutputBound } from '../../../server/limits.js';
import { ServerChannel, type ServerChannelOptions } from '../../../server/server-channel.js';
import { type SendOptions, SHUT_WR } from '../../../socket/index.js';
import type { RequestEvent, RequestParserOptions } from '../codec/request-parser.js';
import { ServerConnection } from '../codec/server-connection.js';
import { BodyTimer } from './body-timer.js';
import type { CommonHeaders } from './common-headers.js';
import type { HeadCache } from './head-cache.js';
import type { HttpHandler } from './http-handler.js';
import { HttpRequest, type RequestOrigin } from './http-request.js';
import { HttpResponse, type ResponseSink } from './http-response.js';
import { OutputBatch } from './output-batch.js';
import { BODY_HIGH_WATER, RequestBody, RequestBodyError } from './request-body.js';
import { requestLogRecord } from './request-log-record.js';

/** What every connection of one service shares. */
export interface HttpChannelConfig {
  readonly handlers: readonly HttpHandler[];
  readonly common: CommonHeaders;
  readonly parser: RequestParserOptions;
  readonly secure: boolean;
  /** Seconds a request body may go without a byte arriving (0: no limit). */
  readonly bodyTimeout: number;
  /** Milliseconds to keep reading after the final response before closing (lingering close). */
  readonly lingerTime: number;
  /** Encoded heads of repeated responses, shared by the service's connections (optional). */
  readonly heads?: HeadCache;
}

const EMPTY = Buffer.alloc(0);

/**
 * A server connection. Exchanges run one at a time (the `ServerConnection` parses the next
 * pipelined request only after the current response is fully queued, which keeps responses in
 * order), and a new request is read only while the output queued (a file counted by its
 * length) is within `limits.maxPendingOutput`, which keeps memory and descriptors bounded when
 * a client pipelines without reading.
 *
 * @example
 * // Made by startHttpService() for each accepted connection:
 * new HttpServerChannel(socket, { release, clock }, config);
 */
export class HttpServerChannel extends ServerChannel implements ResponseSink {
  readonly #config: HttpChannelConfig;
  /** @internal The service's head cache (see {@link ResponseSink.heads}). */
  readonly heads: HeadCache | undefined;
  readonly #conn: ServerConnection;
  readonly #origin: RequestOrigin;
  readonly #hooks = { onFirstRead: () => this.#continueBody(), onDrain: () => this.#drained() };
  #request: HttpRequest | null = null;
  #response: HttpResponse | null = null;
  #pumping = false;
  /** Inside collectIncomingData(): activity was just recorded by recv(). */
  #reading = false;
  /** The clock when a request began during the current read, else -1. */
  #readAt = -1;
  readonly #batch = new OutputBatch((bytes, flags) => this.push(bytes, flags));
  /** The closing sequence (flush, shut down, linger) has been started. */
  #closing = false;
  #lingering = false;
  readonly #bodyTimer: BodyTimer;
  #lingerTimer: ClockTimer | null = null;
  /** The queued-output bound (bytes). */
  readonly #maxPending: number;
  /** Requests are held back because output is over the bound: resume once it drains. */
  #held = false;

  /**
   * @param sock The accepted connection.
   * @param options Limits, observer, clock, map and slot release.
   * @param config The service's handlers and settings.
   */
  constructor(sock: ChannelSocket, options: ServerChannelOptions, config: HttpChannelConfig) {
    super(sock, options);
    this.#config = config;
    this.heads = config.heads;
    this.#maxPending = pendingOutputBound(this.limits);
    this.#conn = new ServerConnection(config.parser);
    this.#bodyTimer = new BodyTimer(this.clock, config.bodyTimeout, {
      awaited: () => this.#request !== null && this.#conn.receivingBody && this.socket !== null,
      // A body we stopped reading (the handler is slow) is not the client's fault.
      held: () => (this.#request?.body.buffered ?? 0) >= BODY_HIGH_WATER,
      expired: () => this.#bodyExpired(),
    });
    const addr = this.addr;
    this.#origin = {
      remoteAddress: Array.isArray(addr) ? String(addr[0]) : 'unix',
      remotePort: Array.isArray(addr) ? Number(addr[1]) : 0,
      secure: config.secure,
    };
    // The client speaks first: its first request head must arrive within readTimeout, not
    // idleTimeout (as nginx's client_header_timeout), or silent connections hold slots.
    this.requestStarted();
  }

  override collectIncomingData(data: Buffer): void {
    if (this.#closing) return;
    this.#conn.receiveData(data);
    this.#reading = true;
    this.#readAt = -1;
    try {
      this.#pump();
    } finally {
      this.#reading = false;
    }
  }

  override readable(): boolean {
    switch (this.#conn.readingFor) {
      case 'request':
        return !this.#overBound();
      case 'body':
        // A handler that does not keep up leaves the body in the kernel.
        return this.#request !== null && this.#request.body.buffered < BODY_HIGH_WATER;
      case 'drain':
        // Lingering reads only to drop input: no new request comes of it.
        return true;
      default:
        // While a handler works on a complete request, pipelined input waits in the kernel.
        return false;
    }
  }

  override send(data: Uint8Array | string, options?: SendOptions): number {
    // A long download is activity too: the idle timeout is for connections doing nothing. An
    // answer sent while the input that asked for it is handled needs no clock read: recv()
    // has just recorded the activity.
    if (!this.#reading) this.touch();
    return super.send(data, options);
  }

  /**
   * Sends what the socket takes; once the output is back within the bound, the requests held
   * back (already read, or still in the kernel) are served.
   */
  override initiateSend(): void {
    super.initiateSend();
    // Inside a round (a push from a handler) the round itself looks again before it ends.
    if (this.#held && !this.#pumping && this.socket !== null && !this.#overBound()) {
      this.#pump();
      this.wake();
    }
  }

  override handleClose(): void {
    // A reset is no half-close: nobody is left to read an answer, so the connection ends now.
    // After a FIN (or a TLS close_notify) the client may still be reading: answers queued, or
    // being made for a complete request, go out before the connection ends.
    if (
      this.closeError !== null ||
      this.socket === null ||
      !this.#conn.peerClosed(this.outputPending)
    ) {
      this.close();
      return;
    }
    this.#sync();
  }

  override onReadTimeout(): void {
    const status = this.#conn.readTimedOut(this.bytesIn > 0);
    if (status === null) {
      if (this.bytesIn === 0) {
        this.observer.log?.('info', 'no request before the read timeout', { peer: this.peer });
      }
      this.close();
      return;
    }
    this.observer.log?.('info', 'request head timeout', { peer: this.peer });
    this.#sendError(status, null);
  }

  override close(): void {
    this.#bodyTimer.stop();
    this.#lingerTimer?.cancel();
    this.#lingerTimer = null;
    if (this.#request !== null && this.#conn.receivingBody) {
      this.#request.body.fail(new RequestBodyError(0, 'connection closed'));
    }
    super.close();
  }

  // ------------------------------------------------------------------ ResponseSink

  /** @internal */
  commonHeaders(): string {
    // A response to a request that began in this same read is stamped with the time read
    // for that request: the same second but for microseconds, and one clock read fewer.
    const common = this.#config.common;
    return this.#reading && this.#readAt >= 0 ? common.textAt(this.#readAt) : common.text();
  }

  /** @internal */
  write(response: HttpResponse, bytes: Uint8Array, owned = false): void {
    if (response !== this.#response || this.socket === null) return;
    this.#conn.responseBegun();
    this.#batch.add(bytes, owned);
  }

  /** @internal */
  produce(response: HttpResponse, producer: Producer, size?: number): void {
    if (response !== this.#response || this.socket === null) {
      producer.close?.();
      return;
    }
    this.#conn.responseBegun();
    this.#batch.flush();
    this.pushWithProducer(producer, size);
  }

  /** @internal */
  finish(response: HttpResponse): void {
    if (response !== this.#response) return;
    const request = response.request;
    if (this.#conn.responseFinished(response.keepAlive, request.body.started)) {
      request.body.fail(new RequestBodyError(0, 'response sent before the body'));
    }
    this.#sync();
  }

  /** @internal */
  sent(response: HttpResponse, bytes: number): void {
    const observe = this.observer.request;
    if (observe === undefined) return;
    const record = requestLogRecord(
      response.request,
      response.status,
      bytes,
      this.peer,
      this.clock.now(),
    );
    observe.call(this.observer, record);
  }

  // ------------------------------------------------------------------ the exchange

  /**
   * Whether the output queued for this connection (sent on, or held in the batch) is over the
   * bound: then no new request is read or parsed.
   */
  #overBound(): boolean {
    if (this.queuedBytes + this.#batch.heldBytes <= this.#maxPending) return false;
    this.#held = true;
    return true;
  }

  #pump(): void {
    if (this.#pumping || this.#closing) return;
    // Sending the batch at the end of a round can bring the output back under the bound while
    // requests wait in the parser: then they are served in another round, here.
    do this.#pumpRound();
    while (this.#held && !this.#closing && this.socket !== null && !this.#overBound());
  }

  #pumpRound(): void {
    this.#pumping = true;
    this.#held = false;
    this.#batch.start();
    try {
      while (!this.#closing && this.socket !== null) {
        const request = this.#request;
        // Backpressure: the next request waits (in the parser, then in the kernel) until the
        // client has read enough of the answers already queued; a body waits for its handler.
        if (request === null && this.#overBound()) break;
        if (request !== null && request.body.buffered >= BODY_HIGH_WATER) break;
        const event = this.#conn.nextEvent();
        if (event === null) break;
        switch (event.type) {
          case 'request':
            this.#begin(event);
            break;
          case 'data':
            this.#bodyTimer.activity(this.clock.now());
            // A body that arrives after its answer was sent is read and dropped.
            if (this.#response?.finished === false) request?.body.push(event.data);
            break;
          case 'end':
            this.#bodyTimer.stop();
            request?.body.end();
            break;
          default:
            this.observer.log?.('info', 'bad request', {
              peer: this.peer,
              status: event.status,
              reason: event.reason,
            });
            request?.body.fail(new RequestBodyError(event.status, event.reason));
            if (event.answer) this.#sendError(event.status, request);
        }
        this.#sync();
      }
    } finally {
      // The batch leaves while still pumping: if it brings the output under the bound, the
      // loop in #pump() serves the held requests, not a nested round inside this one.
      try {
        this.#batch.stop();
      } finally {
        this.#pumping = false;
      }
    }
    if (!this.#conn.inExchange && !this.#closing) {
      // The slowloris timer runs while a head is half-received, and only then: not while we
      // hold back requests the client has sent in full.
      if (this.#conn.idle || this.#held) this.requestFinished();
      else this.requestStarted();
    }
    this.#sync();
  }

  #begin(event: RequestEvent): void {
    this.requestFinished();
    const now = this.clock.now();
    if (this.#reading) this.#readAt = now;
    const hasBody = event.bodyKind !== 'none';
    const body = hasBody ? new RequestBody(this.#hooks) : RequestBody.empty();
    const request = new HttpRequest(event, body, this.#origin, now);
    const response = new HttpResponse(request, this);
    this.#request = request;
    this.#response = response;
    if (hasBody && !this.#conn.awaitingContinue) this.#bodyTimer.start(now);
    const handlers = this.#config.handlers;
    let handler: HttpHandler | undefined;
    try {
      for (let i = 0; i < handlers.length; i++) {
        if (handlers[i]!.match(request)) {
          handler = handlers[i];
          break;
        }
      }
      if (handler === undefined) {
        response.status = 404;
        response.send('Not Found\n');
        return;
      }
      const result = handler.handle(request, response);
      if (result !== undefined) {
        // What the failure path throws in turn is this connection's (guard), not the process's.
        this.guard(result.then(undefined, (err: unknown) => this.#handlerFailed(response, err)));
      }
    } catch (err) {
      this.#handlerFailed(response, err);
    }
  }

  /**
   * Follows the connection's state: an exchange it ended is let go (and the next request
   * served), and a connection it closes starts its closing sequence.
   */
  #sync(): void {
    if (this.#request !== null && !this.#conn.inExchange) {
      this.#request = null;
      this.#response = null;
      this.#bodyTimer.stop();
      if (!this.#conn.closing && !this.#pumping) {
        this.#pump();
        this.wake();
      }
    }
    if (this.#conn.closing) this.#startClosing();
  }

  #handlerFailed(response: HttpResponse, err: unknown): void {
    this.observer.error?.(err, this.peer);
    if (response !== this.#response || this.socket === null) return;
    if (!this.#conn.canAnswer) {
      // Half a response cannot be finished honestly: cut the connection.
      this.close();
      return;
    }
    this.#sendError(500, response.request);
  }

  /** Answers with an error status (the connection closes after it) and logs it. */
  #sendError(status: number, request: HttpRequest | null): void {
    const length = this.#conn.sendError(status, this.commonHeaders());
    this.#batch.add(this.#conn.takeOutput(), true);
    const origin = request ?? { remoteAddress: this.#origin.remoteAddress, at: this.clock.now() };
    this.observer.request?.(requestLogRecord(origin, status, length, this.peer, this.clock.now()));
    this.#sync();
  }

  #continueBody(): void {
    if (this.socket === null || !this.#conn.continueBody()) return;
    this.#batch.add(this.#conn.takeOutput(), false);
    this.#bodyTimer.start(this.clock.now());
  }

  #drained(): void {
    if (this.socket === null) return;
    this.wake();
    this.#pump();
  }

  // ------------------------------------------------------------------ closing and timers

  /**
   * Closes after the queued output, lingering: our side is shut for writing and input is read
   * and dropped until the client closes or `lingerTime` passes, so a client still sending does
   * not get a reset that would destroy the response before it reads it.
   */
  #startClosing(): void {
    if (this.#closing || this.socket === null) return;
    this.#closing = true;
    this.requestFinished();
    this.#bodyTimer.stop();
    this.#batch.flush();
    this.pushWithProducer({ more: () => this.#linger() }, 0);
  }

  #linger(): Uint8Array {
    if (this.#lingering || this.socket === null) return EMPTY;
    this.#lingering = true;
    try {
      this.socket.shutdown(SHUT_WR);
    } catch {
      this.close();
      return EMPTY;
    }
    // A client that has half-closed already has nothing more to send: no need to linger.
    if (!this.#conn.lingers) {
      this.close();
      return EMPTY;
    }
    this.#lingerTimer = this.clock.setTimer(this.#config.lingerTime, () => this.close());
    this.wake();
    return EMPTY;
  }

  /** The body stalled past its timeout: answer 408, or cut a response already under way. */
  #bodyExpired(): void {
    const request = this.#request;
    if (request === null) return;
    this.observer.log?.('info', 'request body timeout', { peer: this.peer });
    request.body.fail(new RequestBodyError(408, 'request body timeout'));
    const answer = this.#conn.bodyTimedOut();
    if (answer === 408) this.#sendError(answer, request);
    else this.close();
  }
}
