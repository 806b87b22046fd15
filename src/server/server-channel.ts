/**
 * `ServerChannel`: the base of every TCP server's connection — an `AsyncChat` that counts bytes,
 * enforces the idle, read, write and TLS handshake timeouts, upgrades to TLS in place, releases
 * its connection slot and reports to the host when it closes.
 */
import { AsyncChat, type ChannelSocket, type SocketMap } from '../dispatch/index.js';
import {
  type SendOptions,
  SO_LINGER,
  SOL_SOCKET,
  Socket,
  type SocketAddress,
  SocketTimeoutError,
  type SSLContext,
} from '../socket/index.js';
import { type Clock, type ClockTimer, systemClock } from './clock.js';
import { guardedClock } from './guarded-clock.js';
import {
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_LIMITS,
  DEFAULT_WRITE_TIMEOUT,
  type ServerLimits,
} from './limits.js';
import { type ServerHandshake, serverHandshake } from './server-handshake.js';
import { peerText, type ServerObserver } from './server-observer.js';

/** `SO_LINGER` on, zero seconds: `close()` resets and drops what the peer never read. */
const LINGER_ZERO = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);

/** What every server channel is given. */
export interface ServerChannelOptions {
  readonly limits?: ServerLimits;
  readonly observer?: ServerObserver;
  readonly clock?: Clock;
  readonly map?: SocketMap;
  /** Releases the connection slot taken by the listener. */
  readonly release?: () => void;
  /**
   * The client when it is not the socket's peer: the one a load balancer's PROXY header named.
   * It is then the channel's `addr` and `peer` for everything (logs, limits, protocol checks).
   */
  readonly peerAddress?: SocketAddress;
}

/**
 * A server connection. Protocols extend it: they call `requestStarted()` when a request begins
 * and `requestFinished()` when it is complete (so a request left half-sent past `readTimeout` is
 * cut off — slowloris), and override `onIdleTimeout()`/`onReadTimeout()` to say goodbye in their
 * own words before the channel closes. A protocol whose client speaks first (HTTP, finger)
 * calls `requestStarted()` in its constructor, so a connection that never sends a byte is
 * dropped after `readTimeout`, not `idleTimeout` (as nginx's `client_header_timeout`).
 *
 * Every phase has a deadline: `idleTimeout` between requests, `readTimeout` within one,
 * `writeTimeout` while queued output makes no progress (the peer does not read), and
 * `handshakeTimeout` during a TLS upgrade (`upgradeToTls()`). A channel that times out frees
 * its slot and its descriptor.
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
  /** When the last piece of a body arrived (`requestProgress()`), or -1 for a whole request. */
  #progressAt = -1;
  #writeTimer: ClockTimer | null = null;
  /** `bytesOut` when the write timer was armed: unchanged when it fires means no progress. */
  #bytesOutAtArm = 0;
  #handshake: ServerHandshake | null = null;
  #reported = false;

  constructor(sock: ChannelSocket, options: ServerChannelOptions = {}) {
    super(sock, options.map);
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.observer = options.observer ?? {};
    // Every timer set through this.clock (here and in protocols) is guarded: a throw in one
    // closes this connection instead of reaching the event loop.
    this.clock = guardedClock(options.clock ?? systemClock, (err) => this.handleUncaught(err));
    this.#release = options.release;
    if (options.peerAddress !== undefined) this.addr = options.peerAddress;
    this.peer = peerText(this.addr);
    this.#opened = this.clock.now();
    this.#lastActivity = this.#opened;
    this.#boundLingeringClose();
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
   * @param options passed on (`owned` for buffers handed over: see `AsyncChat.push`).
   * @returns the bytes taken.
   */
  override send(data: Uint8Array | string, options?: SendOptions): number {
    const sent = super.send(data, options);
    this.bytesOut += sent;
    // The socket did not take it all: the peer must read within writeTimeout from here on.
    if (this.#writeTimer === null && sent < byteLength(data)) this.#armWrite();
    return sent;
  }

  /** Counts as activity for the idle timeout (a transfer on a data connection, say). */
  touch(): void {
    this.#lastActivity = this.clock.now();
  }

  /** A request has begun: it must be complete within `readTimeout`. */
  requestStarted(): void {
    if (this.#readTimer !== null || this.limits.readTimeout <= 0) return;
    this.#progressAt = -1;
    this.#armRead(this.limits.readTimeout * 1000);
  }

  /**
   * Part of a request body arrived (SMTP DATA): a body may take as long as it needs, but no
   * gap between its pieces may exceed `readTimeout` (time we spend not reading, while a
   * handler works, does not count against the client).
   * @example override collectIncomingData(data: Buffer) { this.body.push(data); this.requestProgress(); }
   */
  requestProgress(): void {
    if (this.limits.readTimeout <= 0) return;
    this.#progressAt = this.clock.now();
    if (this.#readTimer === null) this.#armRead(this.limits.readTimeout * 1000);
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
   * Queued output made no progress for `writeTimeout` (the peer does not read). A goodbye
   * would never be read either: the default drops the output and resets the connection, so
   * the descriptor is freed now rather than after the kernel gives up on the peer.
   */
  onWriteTimeout(): void {
    this.observer.log?.('info', 'write timeout', { peer: this.peer });
    this.closeWithReset();
  }

  /**
   * Drops unsent output and closes with a reset (RST) instead of a FIN.
   * @example if (tooLate) channel.closeWithReset();
   */
  closeWithReset(): void {
    this.discardBuffers();
    try {
      this.socket?.setsockopt(SOL_SOCKET, SO_LINGER, LINGER_ZERO);
    } catch {
      // A socket without SO_LINGER (in-memory, already closed) just closes.
    }
    this.close();
  }

  /**
   * Switches the connection to TLS in place (STARTTLS, STLS, AUTH TLS): the plain socket
   * leaves the loop, the handshake runs within `handshakeTimeout`, and the TLS socket takes its
   * place, so the session goes on where it stopped. Call it once the positive reply has been
   * sent in full. On failure, timeout or `close()` meanwhile, the channel is closed with both
   * the TLS and the plain socket, and its slot is released.
   *
   * @param context A server context with a certificate loaded.
   * @returns `true` when the channel now speaks TLS, `false` when it is closed instead.
   * @example
   * if (await channel.upgradeToTls(context)) session.tlsStarted();
   */
  async upgradeToTls(context: SSLContext): Promise<boolean> {
    const plain = this.socket;
    if (!(plain instanceof Socket) || !this.connected || this.#handshake !== null) {
      this.close();
      return false;
    }
    // Out of the loop while TLS owns the stream: wrapSocket detaches the plain socket.
    this.delChannel();
    const handshake = serverHandshake(plain, {
      context,
      clock: this.clock,
      timeout: this.limits.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
    });
    this.#handshake = handshake;
    let secure: Socket;
    try {
      secure = await handshake.done;
    } catch (err) {
      this.#handshake = null;
      if (!this.#reported) {
        const timedOut = err instanceof SocketTimeoutError;
        this.observer.log?.('info', timedOut ? 'TLS handshake timeout' : 'TLS handshake failed', {
          peer: this.peer,
          error: err instanceof Error ? err.message : String(err),
        });
        this.close();
      }
      return false;
    }
    this.#handshake = null;
    if (this.#reported) {
      // Closed as the handshake ended (server shutdown): do not rejoin the loop.
      secure.close();
      return false;
    }
    secure.setblocking(false);
    this.setSocket(secure);
    this.#boundLingeringClose();
    this.touch();
    return true;
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
    this.#writeTimer?.cancel();
    this.#writeTimer = null;
    // A handshake in flight holds the only reference to the connection: free it too.
    this.#handshake?.abort();
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
      if (this.socket === null || this.#reported) return;
      const limit = this.limits.idleTimeout * 1000;
      const idleFor = this.clock.now() - this.#lastActivity;
      if (idleFor < limit) {
        this.#armIdle(limit - idleFor);
        return;
      }
      if (this.#handshake !== null) {
        // Mid-handshake the peer expects TLS records: no goodbye, just free both sockets.
        this.observer.log?.('info', 'idle timeout during the TLS handshake', { peer: this.peer });
        this.close();
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

  /**
   * One timer per stall, not per send: it fires `writeTimeout` after the socket first refused
   * bytes, and if some were taken since it watches one more period. A peer that stops reading
   * is thus cut off between one and two periods after it stopped.
   */
  #armWrite(): void {
    const seconds = this.limits.writeTimeout ?? DEFAULT_WRITE_TIMEOUT;
    if (seconds <= 0 || this.#reported) return;
    this.#bytesOutAtArm = this.bytesOut;
    this.#writeTimer = this.clock.setTimer(seconds * 1000, () => {
      this.#writeTimer = null;
      if (this.#reported || this.#handshake !== null || !this.outputPending) return;
      if (this.bytesOut !== this.#bytesOutAtArm) {
        this.#armWrite();
        return;
      }
      this.onWriteTimeout();
    });
  }

  /**
   * A graceful close leaves what the socket took but the peer has not read to go out after
   * the channel is gone (a goodbye to a client that stopped reading); `SO_LINGER` bounds that
   * by `writeTimeout` too, so the descriptor is not held for the socket's default 30 s.
   */
  #boundLingeringClose(): void {
    const seconds = this.limits.writeTimeout ?? DEFAULT_WRITE_TIMEOUT;
    if (seconds <= 0) return;
    const linger = Buffer.alloc(8);
    linger.writeInt32LE(1, 0);
    linger.writeInt32LE(Math.max(1, Math.ceil(seconds)), 4);
    try {
      this.socket?.setsockopt(SOL_SOCKET, SO_LINGER, linger);
    } catch {
      // A socket without SO_LINGER keeps its own bound.
    }
  }

  #armRead(ms: number): void {
    this.#readTimer = this.clock.setTimer(ms, () => {
      this.#readTimer = null;
      if (this.socket === null || this.#reported) return;
      if (this.#progressAt >= 0) {
        const limit = this.limits.readTimeout * 1000;
        const quiet = this.clock.now() - this.#progressAt;
        if (quiet < limit) {
          this.#armRead(limit - quiet);
          return;
        }
        if (!this.readable()) {
          // We are not reading (a handler is busy): the silence is ours, not the client's.
          this.#progressAt = this.clock.now();
          this.#armRead(limit);
          return;
        }
      }
      this.onReadTimeout();
    });
  }
}

function byteLength(data: Uint8Array | string): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
