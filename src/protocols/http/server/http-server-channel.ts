/**
 * `HttpServerChannel`: one HTTP/1.1 server connection as thin glue around the codec's
 * `ServerConnection` — bytes from the transport in, events to the handler chain, responses and
 * the connection's own answers out, batching the output of requests answered in one read into
 * one write. Every protocol decision (keep-alive, pipelining order, 100-continue, error answers,
 * when to close) is the `ServerConnection`'s; timers, backpressure and the transport are this
 * file's.
 *
 * It is composed with the kit's {@link Transport} (a `ChannelTransport` on the loop) as its
 * {@link TransportHandler}, not driven by the kit's `Connection`: `Connection` stops reading
 * while a handler works and while any output is queued, and hands each event to a handler
 * whose promise holds the next one. HTTP must read a request body while its handler works (a
 * streamed upload), parse pipelined requests while earlier responses are still queued (up to
 * `limits.maxPendingOutput`), send the responses of one read in one write, and end an exchange
 * when its response is queued, not when a handler's promise settles. Doing that on
 * `Connection` would need a second event loop inside its handler and more work per request on
 * the server's hottest path; as a transport handler it costs what the channel cost before.
 */
import type { Producer } from '../../../dispatch/index.js';
import { type Clock, type ClockTimer, systemClock } from '../../../server/clock.js';
import type { ConnectionSettings } from '../../../server/connection.js';
import type { FaultAction } from '../../../server/fault-hook.js';
import { guardedClock } from '../../../server/guarded-clock.js';
import { DEFAULT_LIMITS, pendingOutputBound, type ServerLimits } from '../../../server/limits.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import type {
  TimeoutPhase,
  Transport,
  TransportHandler,
  WriteOptions,
} from '../../../server/transport.js';
import type { RequestEvent } from '../codec/request-parser.js';
import { ServerConnection } from '../codec/server-connection.js';
import { answerFault } from './answer-fault.js';
import { BodyTimer } from './body-timer.js';
import { FaultedSink, shapesOutput } from './faulted-output.js';
import type { HeadCache } from './head-cache.js';
import type { HttpChannelConfig } from './http-channel-config.js';
import { handleRequest } from './http-handler.js';
import { HttpRequest, type RequestOrigin, requestOrigin } from './http-request.js';
import { HttpResponse, type ResponseSink } from './http-response.js';
import { OutputBatch } from './output-batch.js';
import { BODY_HIGH_WATER, RequestBody, RequestBodyError } from './request-body.js';
import { requestDetail, requestLogRecord } from './request-log-record.js';

/**
 * A server connection. Exchanges run one at a time (the `ServerConnection` parses the next
 * pipelined request only after the current response is fully queued, which keeps responses in
 * order), and a new request is read only while the output queued (a file counted by its
 * length) is within `limits.maxPendingOutput`, which keeps memory and descriptors bounded when
 * a client pipelines without reading. Reading is gated through the transport
 * (`pauseReading()`/`resumeReading()`) from what the `ServerConnection` reads for.
 *
 * @example
 * // Made by startHttpService() for each accepted connection:
 * createChannel: ({ socket, channelOptions }) =>
 *   new HttpServerChannel(new ChannelTransport(socket, channelOptions), channelOptions, config);
 */
export class HttpServerChannel implements TransportHandler, ResponseSink {
  /** What carries the bytes: a `ChannelTransport` on the loop, or a test's transport. */
  readonly transport: Transport;
  /** The limits in force: the output bound, the timeouts. */
  readonly limits: ServerLimits;
  /** Hears of errors, bad requests and each request's log record. */
  readonly observer: ServerObserver;
  /** This connection's clock: a throw in one of its timers closes the connection, not the loop. */
  readonly clock: Clock;
  readonly #config: HttpChannelConfig;
  /** @internal The service's head cache (see {@link ResponseSink.heads}). */
  readonly heads: HeadCache | undefined;
  readonly #conn: ServerConnection;
  readonly #origin: RequestOrigin;
  readonly #hooks = { onFirstRead: () => this.#continueBody(), onDrain: () => this.#drained() };
  #request: HttpRequest | null = null;
  #response: HttpResponse | null = null;
  #pumping = false;
  /** Inside dataReceived(): the transport has just recorded activity. */
  #reading = false;
  /** Whether any byte ever arrived (a read timeout before it says nothing). */
  #received = false;
  /** The clock when a request began during the current read, else -1. */
  #readAt = -1;
  readonly #batch = new OutputBatch((bytes, options) => this.#send(bytes, options));
  /** The closing sequence (flush, shut down, linger) has been started. */
  #closing = false;
  #lingering = false;
  /** The transport is gone (connectionLost). */
  #lost = false;
  readonly #bodyTimer: BodyTimer;
  #lingerTimer: ClockTimer | null = null;
  /** A fault's delay before the response (see {@link FaultAction}). */
  #faultTimer: ClockTimer | null = null;
  /** The queued-output bound (bytes). */
  readonly #maxPending: number;
  /** Requests are held back because output is over the bound: resume once it drains. */
  #held = false;
  /** A body that lasts until the client goes is being produced (`untilClientCloses()`). */
  #endless: HttpResponse | null = null;

  /**
   * Attaches to the transport (when it is a `ChannelTransport`) and starts the read timeout:
   * the client speaks first.
   *
   * @param transport The connection's transport.
   * @param settings Limits, observer and clock, from the listener (its `channelOptions`).
   * @param config The service's handlers and settings.
   */
  constructor(transport: Transport, settings: ConnectionSettings, config: HttpChannelConfig) {
    this.transport = transport;
    this.limits = settings.limits ?? DEFAULT_LIMITS;
    this.observer = settings.observer ?? {};
    this.clock = guardedClock(settings.clock ?? systemClock, (err) => this.handleUncaught(err));
    this.#config = config;
    this.heads = config.heads;
    this.#maxPending = pendingOutputBound(this.limits);
    this.#conn = new ServerConnection(config.parser);
    this.#bodyTimer = new BodyTimer(this.clock, config.bodyTimeout, {
      awaited: () => this.#request !== null && this.#conn.receivingBody && !this.#lost,
      // A body we stopped reading (the handler is slow) is not the client's fault.
      held: () => (this.#request?.body.buffered ?? 0) >= BODY_HIGH_WATER,
      expired: () => this.#bodyExpired(),
    });
    this.#origin = requestOrigin(transport.peerAddress, config.secure);
    (transport as Partial<{ attach(handler: TransportHandler): void }>).attach?.(this);
    // The client speaks first: its first request head must arrive within readTimeout, not
    // idleTimeout (as nginx's client_header_timeout), or silent connections hold slots.
    transport.requestStarted();
  }

  /** The peer, formatted for logs. */
  get peer(): string {
    return this.transport.peer;
  }

  /** Closes now; queued output is dropped. */
  close(): void {
    this.transport.close();
    // A transport that does not report its own close (a test double) still ends us.
    this.connectionLost(null);
  }

  /**
   * An exception escaped one of this connection's timers or continuations: reported as
   * `uncaught` (a bug) and the connection closes; every other connection goes on.
   *
   * @param error What was thrown.
   */
  handleUncaught(error: unknown): void {
    const observer = this.observer;
    if (observer.uncaught !== undefined) observer.uncaught(error, this.peer);
    else observer.error?.(error, this.peer);
    this.close();
  }

  // ------------------------------------------------------------------ TransportHandler

  /** @internal */
  dataReceived(data: Buffer): void {
    if (this.#closing || this.#lost) return;
    this.#received = true;
    this.#conn.receiveData(data);
    this.#reading = true;
    this.#readAt = -1;
    try {
      this.#pump();
    } finally {
      this.#reading = false;
    }
  }

  /**
   * @internal The socket took queued output: a long download is activity too, the closing
   * sequence goes on once the output is out, and requests held back are served once the
   * output is back within the bound.
   */
  writeProgress(): void {
    if (this.#lost) return;
    this.transport.touch();
    if (this.#closing) {
      if (!this.transport.outputPending) this.#linger();
      return;
    }
    if (this.#held && !this.#pumping && !this.#overBound()) this.#pump();
    else this.#gate();
  }

  /**
   * @internal The client's FIN (or TLS close_notify; a reset never comes here). The client
   * may still be reading: answers queued, or being made for a complete request, go out before
   * the connection ends.
   */
  inputEnded(): boolean {
    // An endless body has no rest to wait for: the client is gone, and the body with it.
    if (this.#endless !== null) return false;
    if (this.#lost || !this.#conn.peerClosed(this.transport.outputPending)) return false;
    this.#sync();
    return true;
  }

  /** @internal */
  timedOut(phase: TimeoutPhase): boolean {
    if (phase !== 'read' || this.#lost) return false;
    const status = this.#conn.readTimedOut(this.#received);
    if (status === null) {
      if (!this.#received) {
        this.observer.log?.('info', 'no request before the read timeout', { peer: this.peer });
      }
      this.close();
      return true;
    }
    this.observer.log?.('info', 'request head timeout', { peer: this.peer });
    this.#sendError(status, null);
    return true;
  }

  /** @internal */
  connectionLost(_error: Error | null): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#bodyTimer.stop();
    this.#lingerTimer?.cancel();
    this.#lingerTimer = null;
    this.#faultTimer?.cancel();
    this.#faultTimer = null;
    if (this.#request !== null && this.#conn.receivingBody) {
      this.#request.body.fail(new RequestBodyError(0, 'connection closed'));
    }
  }

  // ------------------------------------------------------------------ ResponseSink

  /** @internal */
  commonHeaders(): string {
    // A response to a request that began in this same read is stamped with the time read
    // for that request: the same second but for microseconds, and one clock read fewer.
    const common = this.#config.common;
    return this.#reading && this.#readAt >= 0 ? common.textAt(this.#readAt) : common.text();
  }

  /** @internal A faulted response's reset (`resetAfterHead`). */
  abort(): void {
    this.transport.abort();
    this.connectionLost(null);
  }

  /** @internal */
  write(response: HttpResponse, bytes: Uint8Array, owned = false): void {
    if (response !== this.#response || this.#lost) return;
    this.#conn.responseBegun();
    this.#batch.add(bytes, owned);
  }

  /** @internal */
  produce(response: HttpResponse, producer: Producer, size?: number): void {
    if (response !== this.#response || this.#lost) {
      producer.close?.();
      return;
    }
    this.#conn.responseBegun();
    if (response.endsWithClient) this.#endless = response;
    this.#batch.flush();
    // A long download is activity too: the idle timeout is for connections doing nothing.
    if (!this.#reading) this.transport.touch();
    this.transport.writeProducer(producer, size);
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
    if (this.#endless === response) this.#endless = null;
    const observe = this.observer.request;
    if (observe === undefined) return;
    const record = requestLogRecord(
      response.request,
      response.status,
      bytes,
      this.peer,
      this.clock.now(),
    );
    observe.call(this.observer, record, requestDetail(response.request));
  }

  // ------------------------------------------------------------------ the exchange

  /**
   * Whether the output queued for this connection (sent on, or held in the batch) is over the
   * bound: then no new request is read or parsed.
   */
  #overBound(): boolean {
    if (this.transport.queuedBytes + this.#batch.heldBytes <= this.#maxPending) return false;
    this.#held = true;
    return true;
  }

  #pump(): void {
    if (this.#pumping || this.#closing) return;
    // Sending the batch at the end of a round can bring the output back under the bound while
    // requests wait in the parser: then they are served in another round, here.
    do this.#pumpRound();
    while (this.#held && !this.#closing && !this.#lost && !this.#overBound());
  }

  #pumpRound(): void {
    this.#pumping = true;
    this.#held = false;
    this.#batch.start();
    try {
      while (!this.#closing && !this.#lost) {
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
      if (this.#conn.idle || this.#held) this.transport.requestFinished();
      else this.transport.requestStarted();
    }
    this.#sync();
  }

  #begin(event: RequestEvent): void {
    this.transport.requestFinished();
    const now = this.clock.now();
    if (this.#reading) this.#readAt = now;
    const hasBody = event.bodyKind !== 'none';
    const body = hasBody
      ? new RequestBody(this.#hooks, this.#config.bodySampleBytes ?? 0)
      : RequestBody.empty();
    const request = new HttpRequest(event, body, this.#origin, now);
    // The host's fault rules: with none for this service, the hook is not even called.
    const fault = this.observer.fault;
    const action =
      fault === undefined
        ? undefined
        : fault({ peer: this.peer, method: request.method, path: request.path });
    const response = new HttpResponse(
      request,
      action !== undefined && shapesOutput(action) ? new FaultedSink(this, action) : this,
    );
    this.#request = request;
    this.#response = response;
    if (hasBody && !this.#conn.awaitingContinue) this.#bodyTimer.start(now);
    if (action === undefined) this.#respond(request, response);
    else this.#faulted(action, response);
  }

  /**
   * A request the host's rules fault: after the `delay` (on this connection's clock; a close
   * meanwhile cancels it), `disconnect` closes without a response, `status` answers that
   * status with a short plain body without running the handler (a 1xx is sent before the
   * handler's response instead), and otherwise the handler answers through the faulted sink
   * (`dribble`, `resetAfterHead`, `malformedChunk`).
   */
  #faulted(action: FaultAction, response: HttpResponse): void {
    const delay = action.delay ?? 0;
    if (delay > 0) {
      this.#faultTimer = this.clock.setTimer(delay, () => {
        this.#faultTimer = null;
        if (response === this.#response && !this.#lost) this.#faultedNow(action, response);
      });
      return;
    }
    this.#faultedNow(action, response);
  }

  #faultedNow(action: FaultAction, response: HttpResponse): void {
    if (action.disconnect === true) {
      this.close();
      return;
    }
    if (answerFault(action, response, this.#batch)) this.#respond(response.request, response);
  }

  /** Runs the first handler that takes the request. */
  #respond(request: HttpRequest, response: HttpResponse): void {
    try {
      const result = handleRequest(this.#config.handlers, request, response);
      if (result !== undefined) {
        // What the failure path throws in turn is this connection's (handleUncaught), not an
        // unhandled rejection of the process.
        result
          .then(undefined, (err: unknown) => this.#handlerFailed(response, err))
          .then(undefined, (err: unknown) => this.handleUncaught(err));
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
      if (!this.#conn.closing && !this.#pumping) this.#pump();
    }
    if (this.#conn.closing) this.#startClosing();
    this.#gate();
  }

  #handlerFailed(response: HttpResponse, err: unknown): void {
    this.observer.error?.(err, this.peer);
    if (response !== this.#response || this.#lost) return;
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
    if (this.#lost || !this.#conn.continueBody()) return;
    this.#batch.add(this.#conn.takeOutput(), false);
    this.#bodyTimer.start(this.clock.now());
  }

  #drained(): void {
    if (this.#lost) return;
    this.#pump();
  }

  // ------------------------------------------------------------------ closing and timers

  /**
   * Closes after the queued output, lingering: our side is shut for writing and input is read
   * and dropped until the client closes or `lingerTime` passes, so a client still sending does
   * not get a reset that would destroy the response before it reads it.
   */
  #startClosing(): void {
    if (this.#closing || this.#lost) return;
    this.#closing = true;
    this.transport.requestFinished();
    this.#bodyTimer.stop();
    this.#batch.flush();
    // The transport sends the FIN once the queue is out; the lingering starts then.
    this.transport.shutdownWrite();
    if (!this.transport.outputPending) this.#linger();
  }

  #linger(): void {
    if (this.#lingering || this.#lost) return;
    this.#lingering = true;
    // A client that has half-closed already has nothing more to send: no need to linger.
    if (!this.#conn.lingers) {
      this.close();
      return;
    }
    this.#lingerTimer = this.clock.setTimer(this.#config.lingerTime, () => this.close());
    this.#gate();
  }

  /** Reads while the `ServerConnection` reads for something we can take now. */
  #gate(): void {
    if (this.#pumping || this.#lost) return;
    if (this.#wantsInput()) this.transport.resumeReading();
    else this.transport.pauseReading();
  }

  #wantsInput(): boolean {
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

  /**
   * Passes output on to the transport (a response sent after its read counts as activity:
   * the idle timeout is for connections doing nothing; one sent while its request is read
   * needs no clock read, the transport has just recorded the read). Requests held back are
   * served if the send brought the output back within the bound.
   */
  #send(bytes: Uint8Array, options: WriteOptions): void {
    if (!this.#reading) this.transport.touch();
    this.transport.write(bytes, options);
    // Inside a round (a push from a handler) the round itself looks again before it ends.
    if (this.#held && !this.#pumping && !this.#lost && !this.#overBound()) this.#pump();
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
