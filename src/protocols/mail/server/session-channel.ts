/**
 * The glue every mail server channel shares: bytes from the socket into a sans-I/O session,
 * its events to handlers that may wait for the disk, its output back to the socket.
 */
import type { ChannelSocket } from '../../../dispatch/index.js';
import { pendingOutputBound } from '../../../server/limits.js';
import { ServerChannel, type ServerChannelOptions } from '../../../server/server-channel.js';

/** What a channel needs of a sans-I/O session (`SmtpServerSession`, `Pop3ServerSession`). */
export interface ChannelSession<E> {
  receiveData(chunk: Uint8Array): void;
  nextEvent(): E | null;
  takeOutput(): Buffer;
  /** Part of a command line is waiting for its end (the read timeout runs meanwhile). */
  readonly partialCommand: boolean;
  /** A message body (SMTP DATA) is arriving: no gap in it may exceed the read timeout. */
  readonly receivingBody?: boolean;
}

/**
 * A `ServerChannel` that drives a session. Handlers that return a promise (a Maildir write, a
 * password check) pause the session: the channel stops reading until the promise settles, so a
 * fast client fills its own socket buffer, not our memory. It also stops reading while output
 * is queued, and takes no further event while the output queued is over
 * `limits.maxPendingOutput` (give the session the same bound: {@link pendingOutputBound}), so a
 * client that pipelines without reading replies is throttled the same way, one command at a time.
 *
 * @example
 * class NoopChannel extends SessionChannel<SmtpServerEvent> {
 *   protected override handleEvent(ev: SmtpServerEvent) { if (ev.type === 'quit') this.closeWhenDone(); }
 * }
 */
export abstract class SessionChannel<E> extends ServerChannel {
  protected readonly session: ChannelSession<E>;
  #busy = false;
  #closed = false;
  /** Events wait because the output queued is over the bound: resume once it drains. */
  #held = false;
  #drainWaiters: Array<() => void> = [];

  /**
   * @param sock The accepted connection.
   * @param options Limits, observer, clock, map and slot release.
   * @param session The session, whose greeting is sent at once.
   */
  constructor(sock: ChannelSocket, options: ServerChannelOptions, session: ChannelSession<E>) {
    super(sock, options);
    this.session = session;
    this.flush();
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Whether a handler is still working on an event. */
  protected get busy(): boolean {
    return this.#busy;
  }

  /**
   * Acts on one session event. Returning a promise holds further events until it settles; a
   * rejection is this channel's error (logged, and the connection closed).
   */
  protected abstract handleEvent(event: E): void | Promise<void>;

  override collectIncomingData(data: Buffer): void {
    this.session.receiveData(data);
    this.pump();
    // Slowloris: a command left half-sent must be finished within the read timeout, and a
    // message body must keep coming (no gap longer than the read timeout).
    if (this.session.partialCommand) this.requestStarted();
    else if (this.session.receivingBody === true) this.requestProgress();
    else this.requestFinished();
  }

  override readable(): boolean {
    return !this.#busy && !this.outputPending;
  }

  /** Sends what the socket takes; back under the bound, the session's held commands run. */
  override initiateSend(): void {
    super.initiateSend();
    if (this.#held && !this.#busy && !this.#closed && !this.#overBound()) {
      this.pump();
      this.wake();
    }
  }

  #overBound(): boolean {
    if (this.queuedBytes <= pendingOutputBound(this.limits)) return false;
    this.#held = true;
    return true;
  }

  override handleWrite(): void {
    super.handleWrite();
    if (this.outputPending) return;
    this.wake();
    this.#settleDrained();
  }

  override close(): void {
    this.#closed = true;
    super.close();
    this.#settleDrained();
  }

  /**
   * Resolves once everything queued has been sent (or the channel closed): a reply that must
   * reach the client before the connection changes, as the `220` before a TLS handshake.
   */
  protected drained(): Promise<void> {
    if (!this.outputPending || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #settleDrained(): void {
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  /**
   * Whether the output written before `event` must wait until its handler has run (a goodbye
   * sent only once the mailbox is unlocked, say). Default: no, it goes out first.
   */
  protected holdsOutput(event: E): boolean {
    void event;
    return false;
  }

  /** Sends what the session has written. */
  protected flush(): void {
    this.#flushed();
  }

  /** Sends what the session has written; whether there was any. */
  #flushed(): boolean {
    const out = this.session.takeOutput();
    if (out.length === 0 || this.#closed) return false;
    this.push(out);
    return true;
  }

  /** Runs the session's events until it needs input or a handler has to wait. */
  protected pump(): void {
    if (this.#busy) return;
    this.#held = false;
    try {
      while (!this.#closed && !this.#overBound()) {
        const event = this.session.nextEvent();
        if (event === null) {
          // The session may have stopped at its own output bound with commands still read:
          // once its output is passed on, ask again. Null with nothing written: it needs input.
          if (this.#flushed()) continue;
          break;
        }
        // A reply belongs before whatever the handler sends (a message after `+OK`).
        if (!this.holdsOutput(event)) this.flush();
        const step = this.handleEvent(event);
        if (step instanceof Promise) {
          this.#busy = true;
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
    } catch (err) {
      this.handleError(err);
    }
  }

  #resume(): void {
    this.#busy = false;
    if (this.#closed) return;
    this.pump();
    this.wake();
  }
}
