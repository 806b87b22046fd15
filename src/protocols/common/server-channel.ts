/**
 * `ServerChannel`: the base of every TCP server's connection — an `AsyncChat` that counts bytes,
 * enforces the idle and read timeouts, releases its connection slot and reports to the host when
 * it closes.
 */
import { AsyncChat, type ChannelSocket, type SocketMap } from '../../dispatch/index.js';
import { type Clock, type ClockTimer, systemClock } from './clock.js';
import { guardedClock } from './guarded-clock.js';
import { DEFAULT_LIMITS, type ServerLimits } from './limits.js';
import { peerText, type ServerObserver } from './server-observer.js';

/** What every server channel is given. */
export interface ServerChannelOptions {
  readonly limits?: ServerLimits;
  readonly observer?: ServerObserver;
  readonly clock?: Clock;
  readonly map?: SocketMap;
  /** Releases the connection slot taken by the listener. */
  readonly release?: () => void;
}

/**
 * A server connection. Protocols extend it: they call `requestStarted()` when a request begins
 * and `requestFinished()` when it is complete (so a request left half-sent past `readTimeout` is
 * cut off — slowloris), and override `onIdleTimeout()`/`onReadTimeout()` to say goodbye in their
 * own words before the channel closes.
 *
 * @example
 * class EchoChannel extends ServerChannel {
 *   override collectIncomingData(data: Buffer) { this.push(data); }
 * }
 */
export class ServerChannel extends AsyncChat {
  /** Bytes received. */
  bytesIn = 0;
  /** Bytes sent. */
  bytesOut = 0;
  /** The peer, formatted for logs. */
  readonly peer: string;
  readonly limits: ServerLimits;
  readonly observer: ServerObserver;
  readonly clock: Clock;
  readonly #opened: number;
  readonly #release: (() => void) | undefined;
  #lastActivity: number;
  #idleTimer: ClockTimer | null = null;
  #readTimer: ClockTimer | null = null;
  #reported = false;

  constructor(sock: ChannelSocket, options: ServerChannelOptions = {}) {
    super(sock, options.map);
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.observer = options.observer ?? {};
    // Every timer set through this.clock (here and in protocols) is guarded: a throw in one
    // closes this connection instead of reaching the event loop.
    this.clock = guardedClock(options.clock ?? systemClock, (err) => this.handleUncaught(err));
    this.#release = options.release;
    this.peer = peerText(this.addr);
    this.#opened = this.clock.now();
    this.#lastActivity = this.#opened;
    this.setTerminator(null);
    this.#armIdle(this.limits.idleTimeout * 1000);
    this.observer.connectionOpened?.(this.peer);
  }

  override recv(bufferSize: number): Buffer {
    const data = super.recv(bufferSize);
    this.bytesIn += data.length;
    this.#lastActivity = this.clock.now();
    return data;
  }

  /**
   * Sends what fits now and counts it.
   * @param data the bytes.
   * @param flags passed on (`MSG_ZEROCOPY` for buffers handed over: see `AsyncChat.push`).
   * @returns the bytes taken.
   */
  override send(data: Uint8Array | string, flags = 0): number {
    const sent = super.send(data, flags);
    this.bytesOut += sent;
    return sent;
  }

  /** Counts as activity for the idle timeout (a transfer on a data connection, say). */
  touch(): void {
    this.#lastActivity = this.clock.now();
  }

  /** A request has begun: it must be complete within `readTimeout`. */
  requestStarted(): void {
    if (this.#readTimer !== null || this.limits.readTimeout <= 0) return;
    this.#readTimer = this.clock.setTimer(this.limits.readTimeout * 1000, () => {
      this.#readTimer = null;
      if (this.socket !== null) this.onReadTimeout();
    });
  }

  /** The request is complete. */
  requestFinished(): void {
    this.#readTimer?.cancel();
    this.#readTimer = null;
  }

  /** No input for `idleTimeout`: the default closes; protocols send their goodbye first. */
  onIdleTimeout(): void {
    this.observer.log?.('info', 'idle timeout', { peer: this.peer });
    this.close();
  }

  /** A request stayed incomplete for `readTimeout`: the default closes. */
  onReadTimeout(): void {
    this.observer.log?.('info', 'read timeout', { peer: this.peer });
    this.close();
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

  /**
   * Watches a continuation this connection started outside the dispatcher's hooks (a command
   * run asynchronously, a TLS upgrade): if it rejects, that is {@link handleUncaught}'s, not an
   * unhandled rejection of the process.
   *
   * @param work The promise of the continuation (its chain's last promise).
   * @example this.guard(this.run(verb).then(() => this.done()));
   */
  guard(work: Promise<unknown>): void {
    work.then(undefined, (err: unknown) => this.handleUncaught(err));
  }

  override handleError(error: unknown): void {
    this.observer.error?.(error, this.peer);
    this.close();
  }

  override close(): void {
    this.#idleTimer?.cancel();
    this.#idleTimer = null;
    this.requestFinished();
    if (!this.#reported) {
      this.#reported = true;
      this.#release?.();
      this.observer.connectionClosed?.({
        peer: this.peer,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        duration: this.clock.now() - this.#opened,
      });
    }
    super.close();
  }

  /**
   * The idle timer is not reset on every read (that would cost a timer per packet): it fires at
   * the earliest possible deadline and re-arms for what is left if there was activity since.
   */
  #armIdle(ms: number): void {
    if (this.limits.idleTimeout <= 0) return;
    this.#idleTimer = this.clock.setTimer(ms, () => {
      this.#idleTimer = null;
      if (this.socket === null) return;
      const idleFor = this.clock.now() - this.#lastActivity;
      const limit = this.limits.idleTimeout * 1000;
      if (idleFor < limit) {
        this.#armIdle(limit - idleFor);
        return;
      }
      this.onIdleTimeout();
      // A protocol may decide to keep the connection (a transfer in progress): watch again.
      if (this.socket !== null && this.#idleTimer === null) {
        this.#lastActivity = this.clock.now();
        this.#armIdle(limit);
      }
    });
  }
}
