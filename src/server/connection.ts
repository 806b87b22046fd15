/**
 * `Connection`: the kit's driver of one sans-I/O session over a {@link Transport} — bytes in,
 * events to the protocol's handler (which may wait for the disk or a password check), output
 * back out, with the read timeout, read gating and the output bound done once for every
 * protocol.
 */
import type { Producer } from '../dispatch/index.js';
import type { SSLContext } from '../socket/index.js';
import { type Clock, systemClock } from './clock.js';
import { guardedClock } from './guarded-clock.js';
import { DEFAULT_LIMITS, pendingOutputBound, type ServerLimits } from './limits.js';
import type { ServerObserver } from './server-observer.js';
import type { ServerSession } from './server-session.js';
import type { TimeoutPhase, Transport, TransportHandler, WriteOptions } from './transport.js';

/** What a protocol supplies: how to act on its session's events. */
export interface SessionHandler<E> {
  /**
   * Acts on one event. Returning a promise holds further events (and reading) until it
   * settles; a rejection is this connection's error (logged, and the connection closed).
   */
  handleEvent(event: E): void | Promise<void>;
  /**
   * Whether the output written before `event` must wait until its handler has run (a goodbye
   * sent only once the mailbox is unlocked). Default: no, it goes out first.
   */
  holdsOutput?(event: E): boolean;
  /**
   * A phase ran out of time: say goodbye in the protocol's words and return true, or return
   * false for the kit's default (close; for `write`, reset). Default: false.
   */
  timedOut?(phase: TimeoutPhase): boolean;
  /** The connection ended (`error`: how, when it was not a clean close). Called once. */
  closed?(error: Error | null): void;
}

/** What {@link Connection} is built from. */
export interface ConnectionOptions<E> {
  readonly transport: Transport;
  readonly session: ServerSession<E>;
  readonly handler: SessionHandler<E>;
  readonly limits?: ServerLimits;
  readonly observer?: ServerObserver;
  readonly clock?: Clock;
  /**
   * The client speaks first (finger, ident, DNS over TCP, HTTP): a connection that never
   * sends its first request is cut off after the read timeout, not the idle timeout, as
   * nginx's `client_header_timeout`. Default false (the server greets first).
   */
  readonly clientSpeaksFirst?: boolean;
}

/** What the listener gives each connection besides its transport (see `ServerChannelOptions`). */
export type ConnectionSettings = Pick<ConnectionOptions<unknown>, 'limits' | 'observer' | 'clock'>;

/**
 * One client's connection, driven from its session. Reading stops while a handler works and
 * while output is queued, so a fast client fills its own socket buffer, not our memory; and
 * while the output queued is over `limits.maxPendingOutput` no further event is taken (give
 * the session the same bound: {@link pendingOutputBound}), so a client that pipelines without
 * reading replies is throttled one command at a time.
 *
 * @example
 * class NoopHandler implements SessionHandler<SmtpServerEvent> {
 *   readonly connection: Connection<SmtpServerEvent>;
 *   constructor(transport: Transport) {
 *     this.connection = new Connection({ transport, session: new SmtpServerSession(), handler: this });
 *   }
 *   handleEvent(ev: SmtpServerEvent) { if (ev.type === 'quit') this.connection.closeWhenDone(); }
 * }
 */
export class Connection<E> implements TransportHandler {
  readonly transport: Transport;
  readonly session: ServerSession<E>;
  readonly limits: ServerLimits;
  readonly observer: ServerObserver;
  /** This connection's clock: a throw in one of its timers closes the connection, not the loop. */
  readonly clock: Clock;
  /** A goodbye is on its way: the next timeout or error closes at once. */
  closing = false;
  readonly #handler: SessionHandler<E>;
  #busy = false;
  #closed = false;
  /** Events wait because the output queued is over the bound: resume once it drains. */
  #held = false;
  /** The client sent its FIN: once the events in hand are done, the connection closes. */
  #inputEnded = false;
  #closeQueued = false;
  #drainWaiters: Array<() => void> = [];

  /**
   * Attaches itself to the transport and sends the session's
   * greeting at once.
   */
  constructor(options: ConnectionOptions<E>) {
    this.transport = options.transport;
    this.session = options.session;
    this.#handler = options.handler;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.observer = options.observer ?? {};
    this.clock = guardedClock(options.clock ?? systemClock, (err) => this.handleUncaught(err));
    this.transport.attach(this);
    this.flush();
    if (options.clientSpeaksFirst === true) this.transport.requestStarted();
  }

  /** The peer, formatted for logs. */
  get peer(): string {
    return this.transport.peer;
  }

  /** Whether the connection has closed (or `close()` was called). */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Whether a handler is still working on an event. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Queues bytes beside the session's own output (a message after `+OK`). */
  write(data: Uint8Array | string, options?: WriteOptions): void {
    if (this.#closed) return;
    this.transport.write(data, options);
    this.#gate();
  }

  /** Queues a producer (a file streamed to the client); `size`, when known, counts at once. */
  writeProducer(producer: Producer, size?: number): void {
    if (this.#closed) {
      producer.close?.();
      return;
    }
    this.transport.writeProducer(producer, size);
    this.#gate();
  }

  /** Sends what the session has written. */
  flush(): void {
    this.#flushed();
  }

  /** Closes once everything queued so far is sent (asking twice is asking once). */
  closeWhenDone(): void {
    if (this.#closeQueued) return;
    this.#closeQueued = true;
    this.transport.closeWhenDone();
  }

  /** Closes now; what is queued is dropped. */
  close(): void {
    this.transport.close();
    // A transport that does not report its own close (a test double) still ends us.
    this.connectionLost(null);
  }

  /** Counts as activity for the idle timeout. */
  touch(): void {
    this.transport.touch();
  }

  /**
   * Resolves once everything queued has been sent (or the connection closed): a reply that
   * must reach the client before the connection changes, as the `220` before a TLS handshake.
   */
  drained(): Promise<void> {
    if (!this.transport.outputPending || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Upgrades to TLS in place (SMTP STARTTLS, RFC 3207; POP3 STLS, RFC 2595; FTP AUTH TLS)
   * once the positive reply is out. `leftover` is what the session read past the command line:
   * a client must wait for the reply before it sends anything (RFC 3207 §4.2), so such bytes
   * can only be plaintext injected on the path (CVE-2011-0411): they are never executed, and
   * the connection is closed instead of upgraded.
   *
   * @param context A server context with a certificate loaded.
   * @param leftover Bytes the session read past the command.
   * @returns true when the connection now speaks TLS; false when it was closed instead.
   * @example if (await connection.startTls(tls, session.takeBuffered())) session.tlsStarted();
   */
  async startTls(context: SSLContext, leftover: Uint8Array = new Uint8Array(0)): Promise<boolean> {
    this.flush();
    await this.drained();
    if (this.#closed) return false;
    if (leftover.length > 0) {
      this.observer.log?.('warn', 'plaintext sent after STARTTLS; closing', {
        peer: this.peer,
        bytes: leftover.length,
      });
      this.close();
      return false;
    }
    return this.transport.startTls(context);
  }

  /**
   * An exception escaped one of this connection's timers or continuations: reported as
   * `uncaught` (a bug) and the connection closes; every other connection goes on.
   */
  handleUncaught(error: unknown): void {
    if (this.observer.uncaught !== undefined) this.observer.uncaught(error, this.peer);
    else this.observer.error?.(error, this.peer);
    this.close();
  }

  /** A handler failed: logged, and the connection closed. */
  handleError(error: unknown): void {
    this.observer.error?.(error, this.peer);
    this.close();
  }

  // ------------------------------------------------------------ TransportHandler

  /** @internal */
  dataReceived(data: Buffer): void {
    if (this.#closed) return;
    this.session.receiveData(data);
    this.pump();
    // Slowloris: a command left half-sent must be finished within the read timeout, and a
    // message body must keep coming (no gap longer than the read timeout).
    if (this.session.partialCommand) this.transport.requestStarted();
    else if (this.session.receivingBody === true) this.transport.requestProgress();
    else this.transport.requestFinished();
  }

  /** @internal The socket took queued output: held events may run, waiters may go on. */
  writeProgress(): void {
    if (this.#closed) return;
    // A held session resumes once its queue has gone, not as soon as it dips under the bound:
    // a session answering pipelined commands by itself gathers up to the bound in one turn,
    // and gathering on top of a part-full queue would hold up to twice the bound.
    if (this.#held && !this.#busy && this.transport.queuedBytes === 0) this.pump();
    else this.#gate();
    if (!this.transport.outputPending) this.#settleDrained();
  }

  /**
   * @internal The client's FIN: a session that takes it as the end of a request
   * (`receiveEnd`) gets it, and the connection closes once the events in hand are done and
   * their replies are out; a session without `receiveEnd` is closed at once.
   */
  inputEnded(): boolean {
    const session = this.session;
    if (this.#closed || session.receiveEnd === undefined) return false;
    this.#inputEnded = true;
    session.receiveEnd();
    this.pump();
    return true;
  }

  /** @internal */
  timedOut(phase: TimeoutPhase): boolean {
    if (this.#closed) return false;
    return this.#handler.timedOut?.(phase) ?? false;
  }

  /** @internal */
  connectionLost(error: Error | null): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#settleDrained();
    try {
      this.#handler.closed?.(error);
    } catch (err) {
      this.observer.error?.(err, this.peer);
    }
  }

  // ------------------------------------------------------------ the pump

  /** Runs the session's events until it needs input or a handler has to wait. */
  pump(): void {
    if (this.#busy) return;
    this.#held = false;
    try {
      while (!this.#closed && !this.#overBound()) {
        const event = this.session.nextEvent();
        if (event === null) {
          // The session may have stopped at its own output bound with commands still read:
          // once its output is passed on, ask again. Null with nothing written: it needs input.
          if (!this.#flushed()) break;
          // But only on an empty queue, as after a hold: the session gathers up to the bound
          // each time, and on top of what the socket has not taken of the last batch the queue
          // would reach twice the bound (508 KB for 256 KB, seen once under load).
          if (this.transport.queuedBytes === 0) continue;
          this.#held = true;
          break;
        }
        // A reply belongs before whatever the handler sends (a message after `+OK`).
        if (this.#handler.holdsOutput?.(event) !== true) this.flush();
        const step = this.#handler.handleEvent(event);
        if (step instanceof Promise) {
          this.#busy = true;
          this.#gate();
          step.then(
            () => this.#resume(),
            (err: unknown) => {
              this.#busy = false;
              if (!this.#closed) this.handleError(err);
            },
          );
          return;
        }
      }
      this.flush();
      // After the client's FIN nothing more can come: go once this is out.
      if (this.#inputEnded && !this.#closed && !this.#held) this.closeWhenDone();
    } catch (err) {
      this.handleError(err);
    }
    this.#gate();
  }

  #resume(): void {
    this.#busy = false;
    if (this.#closed) return;
    this.pump();
  }

  /** Sends what the session has written; whether there was any. */
  #flushed(): boolean {
    const out = this.session.takeOutput();
    if (out.length === 0 || this.#closed) return false;
    this.transport.write(out);
    return true;
  }

  #overBound(): boolean {
    if (this.transport.queuedBytes <= pendingOutputBound(this.limits)) return false;
    this.#held = true;
    return true;
  }

  /** Reads only while no handler works and no output waits. */
  #gate(): void {
    if (this.#closed) return;
    if (this.#busy || this.transport.outputPending) this.transport.pauseReading();
    else this.transport.resumeReading();
  }

  #settleDrained(): void {
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }
}
