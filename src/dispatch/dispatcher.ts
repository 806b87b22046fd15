/**
 * `Dispatcher`: asyncore's `dispatcher`, a socket with event hooks, served by `loop()`.
 */
import {
  AF_INET,
  type ReadinessObserver,
  type SendOptions,
  SO_ERROR,
  SO_REUSEADDR,
  SOCK_STREAM,
  SOL_SOCKET,
  Socket,
  type SocketAddress,
  SocketError,
} from '../socket/index.js';
import type { ChannelSocket } from './channel-socket.js';
import { DispatcherExtras } from './dispatcher-extras.js';
import {
  DISCONNECTED,
  type Driver,
  driverOf,
  failChannel,
  type SelfWatchingChannel,
  START_WATCH,
  STOP_WATCH,
  WATCHED_BY,
} from './driver.js';
import { socketErrorFromErrno } from './socket-error-from-errno.js';
import { type Channel, type SocketMap, socketMap } from './socket-map.js';

const EMPTY = Buffer.alloc(0);
let nextChannelId = 1;
/** The log types every dispatcher leaves out unless given its own set: one set for all. */
const IGNORED_BY_DEFAULT: ReadonlySet<string> = new Set(['warning']);

/** The bits of a {@link Dispatcher}'s flags. */
const DEBUG = 1;
const CONNECTED = 2;
const ACCEPTING = 4;
const CONNECTING = 8;
const CLOSING = 16;

/** `flags` with `bit` set or cleared. */
function withBit(flags: number, bit: number, value: boolean): number {
  return value ? flags | bit : flags & ~bit;
}

/** {@link Dispatcher.addr} before a connected channel's peer address was read. */
const PEER_NOT_READ: unique symbol = Symbol('polyport.peerNotRead');

/**
 * A channel: a non-blocking socket whose readiness `loop()` turns into calls of the `handle…`
 * hooks, as in asyncore. Inside a hook, `recv()` and `send()` are immediate: `recv` returns what
 * has arrived (empty at end of stream, and `handleClose` follows), `send` the bytes taken.
 * An exception in a hook goes to `handleError`, which closes this channel only.
 *
 * @example
 * class EchoHandler extends DispatcherWithSend {
 *   override handleRead() { const data = this.recv(8192); if (data.length) this.send(data); }
 * }
 * class EchoServer extends Dispatcher {
 *   constructor(host: string, port: number) {
 *     super();
 *     this.createSocket();
 *     this.setReuseAddr();
 *     this.bind([host, port]);
 *     this.listen(5);
 *   }
 *   override handleAccepted(sock: Socket) { new EchoHandler(sock); }
 * }
 * new EchoServer('127.0.0.1', 8080);
 * await loop();
 */
export class Dispatcher implements SelfWatchingChannel, ReadinessObserver, Channel {
  /**
   * `debug`, `connected`, `accepting`, `connecting` and `closing`, as bits of one number rather
   * than a field each, since an idle server holds thousands of channels.
   */
  #flags = 0;

  /** Log every event (as asyncore's `debug`). */
  get debug(): boolean {
    return (this.#flags & DEBUG) !== 0;
  }
  set debug(value: boolean) {
    this.#flags = withBit(this.#flags, DEBUG, value);
  }

  /** The socket is connected (or was handed over connected). */
  get connected(): boolean {
    return (this.#flags & CONNECTED) !== 0;
  }
  set connected(value: boolean) {
    this.#flags = withBit(this.#flags, CONNECTED, value);
  }

  /** The socket listens; read events mean `handleAccept`. */
  get accepting(): boolean {
    return (this.#flags & ACCEPTING) !== 0;
  }
  set accepting(value: boolean) {
    this.#flags = withBit(this.#flags, ACCEPTING, value);
  }

  /** A connect is under way; a write event will tell how it went. */
  get connecting(): boolean {
    return (this.#flags & CONNECTING) !== 0;
  }
  set connecting(value: boolean) {
    this.#flags = withBit(this.#flags, CONNECTING, value);
  }

  /** Set by protocols that are shutting the channel down. */
  get closing(): boolean {
    return (this.#flags & CLOSING) !== 0;
  }
  set closing(value: boolean) {
    this.#flags = withBit(this.#flags, CLOSING, value);
  }

  /**
   * Why the connection ended, when a socket error ended it: the peer's reset
   * (`ConnectionResetError`), a broken pipe, a failed connect. `null` while it is open and after
   * a clean end (the peer's FIN, or our own close). asyncore calls `handle_close` for a reset and
   * a FIN alike, and so does this class; it sets this field first, so a `handleClose` that must
   * not take a cut transfer for a finished one (an upload, a mail's DATA) can tell them apart.
   * @example override handleClose() { if (this.closeError !== null) discard(); else commit(); }
   */
  get closeError(): SocketError | null {
    return this.#extras?.closeError ?? null;
  }
  set closeError(value: SocketError | null) {
    if (value !== null || this.#extras !== null) Dispatcher.#more(this).closeError = value;
  }

  /**
   * Log types that `logInfo` leaves out (asyncore hides warnings). As asyncore's
   * `ignore_log_types`, the default lives on the class (its prototype), not in every channel;
   * assigning it, or declaring it in a subclass, gives a channel its own.
   */
  declare ignoreLogTypes: ReadonlySet<string>;
  static {
    Dispatcher.prototype.ignoreLogTypes = IGNORED_BY_DEFAULT;
  }

  /**
   * The peer's address (or the bound address of a listener). A channel made on a connected
   * socket reads its peer's when first asked (or when closed), not when made: an idle server
   * holds thousands of channels, and each tuple kept costs one 64 bytes.
   */
  get addr(): SocketAddress | null {
    if (this.#addr === PEER_NOT_READ) this.#addr = Dispatcher.#peerOf(this.socket);
    return this.#addr;
  }
  set addr(value: SocketAddress | null) {
    this.#addr = value;
  }
  #addr: SocketAddress | null | typeof PEER_NOT_READ = null;
  /** The socket, or null before `createSocket`/`setSocket` and after `close`. */
  socket: ChannelSocket | null = null;
  /** The key of this channel in its map. */
  readonly channelId = nextChannelId++;
  /**
   * The driver of the map this channel belongs to: kept rather than the map (which it holds),
   * one field for both, since an idle server holds thousands of channels.
   */
  readonly #driver: Driver;
  /**
   * The socket this channel is registered with as its readiness observer, for its map's driver
   * (see `SelfWatchingChannel` in driver.ts); null while the driver does not watch it that way.
   */
  #watched: ChannelSocket | null = null;
  /**
   * What few channels need (see dispatcher-extras.ts), made on first use: {@link closeError}
   * once set, and the setup steps (an accepted channel has none).
   */
  #extras: DispatcherExtras | null = null;

  /**
   * @param sock a connected socket (as `handleAccepted` receives it), or none and then
   *   `createSocket()`.
   * @param map the socket map to join (default: the module's).
   */
  constructor(sock?: ChannelSocket | null, map?: SocketMap) {
    this.#driver = driverOf(map ?? socketMap);
    if (sock) {
      sock.setblocking(false);
      this.setSocket(sock);
      this.connected = true;
      try {
        sock.getpeername();
        this.#addr = PEER_NOT_READ;
      } catch (err) {
        if (err instanceof SocketError && (err.code === 'ENOTCONN' || err.code === 'EINVAL')) {
          // A socket that is not connected yet (a listener, say): not an error.
          this.connected = false;
        } else {
          this.delChannel();
          throw err;
        }
      }
    }
  }

  /** The map this channel belongs to. */
  get map(): SocketMap {
    return this.#driver.map;
  }

  /** Joins the map (and the loop that serves it). */
  addChannel(map: SocketMap = this.map): void {
    map.set(this.channelId, this);
    driverOf(map).attach(this);
  }

  /** Leaves the map. */
  delChannel(map: SocketMap = this.map): void {
    if (map.get(this.channelId) === this) map.delete(this.channelId);
    driverOf(map).detach(this);
  }

  /**
   * Creates the socket (non-blocking) and joins the map.
   * @param family `AF_INET` (default), `AF_INET6` or `AF_UNIX`.
   * @param type `SOCK_STREAM` (default) or `SOCK_DGRAM`.
   */
  createSocket(family = AF_INET, type = SOCK_STREAM): void {
    const sock = new Socket(family, type);
    sock.setblocking(false);
    this.setSocket(sock);
  }

  /** Uses `sock` as this channel's socket and joins the map. */
  setSocket(sock: ChannelSocket, map: SocketMap = this.map): void {
    this.socket = sock;
    this.addChannel(map);
  }

  /** Lets the address be reused at once after a restart (`SO_REUSEADDR`). */
  setReuseAddr(): void {
    try {
      this.socket?.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    } catch {
      // as asyncore: not fatal where the option is not available
    }
  }

  /** Whether read events are wanted now. */
  readable(): boolean {
    return true;
  }

  /** Whether write events are wanted now (asyncore's default: always). */
  writable(): boolean {
    return true;
  }

  /**
   * Asks the loop to look at this channel again soon: for a `readable()`/`writable()` that
   * changed without any I/O (a disk write finished, say). asyncore needs no such call because
   * it re-evaluates every channel on every round; polyport's loop only looks when told.
   */
  wake(): void {
    if (this.map.get(this.channelId) === this) driverOf(this.map).wake(this);
  }

  /**
   * Starts listening. The socket layer binds asynchronously, so the returned promise settles
   * when it is done; calls made before (bind, listen) run in order, and a failure rejects the
   * running `loop()`.
   */
  listen(backlog = 5): Promise<void> {
    this.accepting = true;
    return Dispatcher.#chain(this, 'listen', (sock) => sock.listen(backlog));
  }

  /** Binds the socket; see {@link Dispatcher.listen} for how the promise behaves. */
  bind(address: SocketAddress): Promise<void> {
    this.addr = address;
    return Dispatcher.#chain(this, 'bind', (sock) => sock.bind(address));
  }

  /**
   * Starts connecting. `handleConnect` runs once connected; a failure reaches `handleError`
   * (or `handleClose`), as in asyncore.
   * @returns a promise that settles once the attempt is under way.
   */
  connect(address: SocketAddress): Promise<void> {
    this.connected = false;
    this.connecting = true;
    this.addr = address;
    return Dispatcher.#chain(this, 'connect', async (sock) => {
      try {
        await sock.connect(address);
      } catch (err) {
        if (err instanceof SocketError && err.code === 'EINPROGRESS') return;
        throw err;
      }
      // Connected at once (a datagram socket): a hook that throws is this channel's error.
      this.connecting = false;
      try {
        this.handleConnectEvent();
      } catch (err) {
        failChannel(this, err);
      }
    });
  }

  // Private helpers are static, given the channel: an instance private method would cost
  // every channel a field (V8's brand of the class).
  static #more(self: Dispatcher): DispatcherExtras {
    self.#extras ??= new DispatcherExtras();
    return self.#extras;
  }

  static #chain(
    self: Dispatcher,
    op: string,
    step: (sock: ChannelSocket) => Promise<void>,
  ): Promise<void> {
    const extras = Dispatcher.#more(self);
    const setup = (extras.setup ??= { last: Promise.resolve(), failed: false, error: undefined });
    const next = setup.last.then(() => {
      // After a failed step the rest cannot succeed: they fail with the same error, reported
      // to the loop once (not as a later EBADF that would hide the real cause).
      if (setup.failed) throw setup.error;
      const sock = self.socket;
      if (sock === null)
        throw new SocketError('EBADF', {
          op,
          detail: 'dispatcher has no socket (call createSocket first)',
        });
      return step(sock);
    });
    setup.last = next.catch(() => {});
    next.catch((err: unknown) => {
      if (setup.failed) return;
      setup.failed = true;
      setup.error = err;
      // Fail the loop before closing: closing empties the map, which would end it in success.
      self.#driver.fail(err);
      self.close();
    });
    return next;
  }

  /**
   * Accepts a waiting connection: `[socket, address]`, or null when none is waiting.
   */
  accept(): [ChannelSocket, SocketAddress] | null {
    const sock = this.socket;
    if (sock === null) return null;
    try {
      return sock.acceptNowait();
    } catch (err) {
      if (err instanceof SocketError && (err.code === 'EAGAIN' || err.code === 'ECONNABORTED'))
        return null;
      throw err;
    }
  }

  /**
   * Sends what fits now. A peer that is gone makes `handleClose` run.
   * @param data the bytes (a string is sent as UTF-8); copied unless handed over.
   * @param options `owned`: the buffer is handed over uncopied and must stay unchanged.
   * @returns the number of bytes taken (0 when the socket's buffer is full).
   */
  send(data: Uint8Array | string, options: SendOptions = {}): number {
    const sock = this.socket;
    if (sock === null) return 0;
    try {
      const sent = sock.sendNowait(data, 0, options);
      return Math.max(sent, 0);
    } catch (err) {
      Dispatcher.#peerGone(this, err);
      return 0;
    }
  }

  /**
   * A call on the socket failed: when the peer is gone (reset, broken pipe), that is the
   * channel's end — {@link closeError} holds why and `handleClose` runs, as in asyncore;
   * anything else is rethrown.
   */
  static #peerGone(self: Dispatcher, err: unknown): void {
    if (!(err instanceof SocketError && DISCONNECTED.has(err.code))) throw err;
    self.closeError ??= err;
    self.handleClose();
  }

  /**
   * Receives what has arrived, up to `bufferSize` bytes. At end of stream (or when the peer is
   * gone) `handleClose` runs and the result is empty; after a reset, {@link closeError} holds
   * the `ConnectionResetError` by then.
   */
  recv(bufferSize: number): Buffer {
    const sock = this.socket;
    if (sock === null) return EMPTY;
    try {
      const data = sock.recvNowait(bufferSize);
      if (data === null) return EMPTY;
      if (data.length === 0 && bufferSize > 0) this.handleClose();
      return data;
    } catch (err) {
      Dispatcher.#peerGone(this, err);
      return EMPTY;
    }
  }

  /**
   * Receives what has arrived into `buffer`, as {@link recv} does, but copied: the socket keeps
   * no hold on the bytes, so the memory they arrived in serves later reads (for a channel that
   * gathers bytes in a buffer of its own, such as an upload to disk).
   * @returns the count received; 0 when nothing is waiting, and at end of stream (then
   *   `handleClose` has run).
   */
  recvInto(buffer: Uint8Array): number {
    const sock = this.socket;
    if (sock === null || buffer.length === 0) return 0;
    try {
      const count = sock.recvIntoNowait(buffer);
      if (count === 0) this.handleClose();
      return count ?? 0;
    } catch (err) {
      Dispatcher.#peerGone(this, err);
      return 0;
    }
  }

  /**
   * The socket's readiness may have changed: tells the loop. The socket calls this, as the
   * dispatcher is its own readiness observer (no watch object per channel); a subclass must not
   * take the name for anything else.
   */
  readinessChanged(): void {
    if (this.#watched !== null) this.#driver.channelReady(this, null);
  }

  /** @internal Registers with the socket for `driver` (see `SelfWatchingChannel`). */
  [START_WATCH](driver: Driver): boolean {
    const sock = this.socket;
    if (driver !== this.#driver || sock?.addReadinessListener === undefined) return false;
    sock.addReadinessListener(this);
    this.#watched = sock;
    return true;
  }

  /** @internal Unregisters from the socket it registered with for `driver`. */
  [STOP_WATCH](driver: Driver): boolean {
    const sock = this.#watched;
    if (sock === null || driver !== this.#driver) return false;
    this.#watched = null;
    sock.removeReadinessListener?.(this);
    return true;
  }

  /** @internal Whether it is registered with its socket for `driver`. */
  [WATCHED_BY](driver: Driver): boolean {
    return this.#watched !== null && driver === this.#driver;
  }

  /** Leaves the map and closes the socket. Closing twice is harmless. */
  close(): void {
    this.connected = false;
    this.accepting = false;
    this.connecting = false;
    this.delChannel();
    const sock = this.socket;
    if (this.#addr === PEER_NOT_READ) this.#addr = Dispatcher.#peerOf(sock);
    if (sock !== null) sock.close();
  }

  /** The peer's address of a connected socket, or null when it has none (any more). */
  static #peerOf(sock: ChannelSocket | null): SocketAddress | null {
    try {
      return sock?.getpeername() ?? null;
    } catch {
      return null;
    }
  }

  // -------------------------------------------------------------- events (asyncore's order)

  /** A read event: accept on a listener, complete a connect, or `handleRead`. */
  handleReadEvent(): void {
    if (this.accepting) this.handleAccept();
    else if (!this.connected) {
      if (this.connecting) this.handleConnectEvent();
      this.handleRead();
    } else this.handleRead();
  }

  /** A connect completed. */
  handleConnectEvent(): void {
    const sock = this.socket;
    if (sock !== null) {
      try {
        this.addr = sock.getpeername();
      } catch {
        // keep the address connect() was given
      }
    }
    this.handleConnect();
    this.connected = true;
    this.connecting = false;
  }

  /** A write event: finish a connect (checking `SO_ERROR`), then `handleWrite`. */
  handleWriteEvent(): void {
    if (this.accepting) return;
    if (!this.connected && this.connecting) {
      const errno = this.socket?.getsockopt(SOL_SOCKET, SO_ERROR) ?? 0;
      if (errno !== 0) throw socketErrorFromErrno(errno as number, this.addr);
      this.handleConnectEvent();
    }
    this.handleWrite();
  }

  /** An exceptional event: a pending error closes; otherwise `handleExpt`. */
  handleExptEvent(): void {
    const errno = this.socket?.getsockopt(SOL_SOCKET, SO_ERROR) ?? 0;
    if (errno !== 0) {
      this.closeError ??= socketErrorFromErrno(errno as number, this.addr);
      this.handleClose();
    } else this.handleExpt();
  }

  /**
   * An exception escaped a hook: log it and close this channel, as asyncore does.
   * @param error what was thrown.
   */
  handleError(error: unknown): void {
    const detail =
      error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    this.logInfo(`uncaptured exception, closing channel ${String(this)} (${detail})`, 'error');
    this.handleClose();
  }

  /** Urgent data arrived (never on Node). */
  handleExpt(): void {
    this.logInfo('unhandled incoming priority event', 'warning');
  }

  /** Data (or end of stream) is waiting: call `recv()`. */
  handleRead(): void {
    this.logInfo('unhandled read event', 'warning');
  }

  /** The socket can take more data. */
  handleWrite(): void {
    this.logInfo('unhandled write event', 'warning');
  }

  /** The connection is established. */
  handleConnect(): void {
    this.logInfo('unhandled connect event', 'warning');
  }

  /** A connection is waiting: accepts it and passes it to `handleAccepted`. */
  handleAccept(): void {
    const pair = this.accept();
    if (pair !== null) this.handleAccepted(pair[0], pair[1]);
  }

  /**
   * A connection was accepted: make a channel for it. The default closes it.
   * @param sock the connected socket.
   * @param addr the peer's address.
   */
  handleAccepted(sock: ChannelSocket, addr: SocketAddress): void {
    void addr;
    sock.close();
    this.logInfo('unhandled accepted event', 'warning');
  }

  /** The peer closed (or the channel is done): the default closes the channel. */
  handleClose(): void {
    this.logInfo('unhandled close event', 'warning');
    this.close();
  }

  /** Writes a log line (asyncore's `log`). */
  log(message: string): void {
    process.stderr.write(`log: ${message}\n`);
  }

  /** Writes a log line of a type (`info`, `warning`, `error`) unless that type is ignored. */
  logInfo(message: string, type = 'info'): void {
    if (!this.ignoreLogTypes.has(type)) process.stderr.write(`${type}: ${message}\n`);
  }

  /** `<Dispatcher connected 127.0.0.1:5000 #3>`, as asyncore's repr. */
  toString(): string {
    const status = [this.constructor.name];
    if (this.accepting && this.addr) status.push('listening');
    else if (this.connected) status.push('connected');
    if (this.addr !== null) {
      status.push(typeof this.addr === 'string' ? this.addr : `${this.addr[0]}:${this.addr[1]}`);
    }
    return `<${status.join(' ')} #${this.channelId}>`;
  }
}
