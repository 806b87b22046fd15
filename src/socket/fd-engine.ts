/**
 * `FdEngine`: what carries a socket of a kind Node cannot open (AF_UNIX datagram and
 * seqpacket, raw IP, the unprivileged ICMP datagram socket, either end of a `socketpair()` of
 * those): a non-blocking descriptor of our own, driven through the `fd_socket` addon.
 *
 * Readiness is asked of the kernel when it is read (a `poll(2)` that does not wait), so it is
 * never stale; a libuv watcher tells the socket when it changes, armed only while someone waits
 * on the socket and only for what is not ready yet. libuv's polling is level-triggered, so a
 * watcher armed for something already true would call back on every loop turn; one armed only
 * while someone waits also lets an idle socket leave the event loop free to exit, as an idle
 * Node socket does.
 */
import type { ResolvedAddress, SocketAddress } from './address.js';
import { AF_INET, AF_INET6, AF_UNIX } from './constants.js';
import { errnoError, type SocketError, type SocketErrorContext } from './errors.js';
import { type FdSocketAddon, type FdWatcher, requireFdSocketAddon } from './node/fd-socket.js';
import { READY_ERROR, READY_HUP, READY_READ, READY_WRITE } from './readiness.js';
import { decodeSockaddr, encodeSockaddr } from './sockaddr.js';

const EAGAIN = 11;
const EINPROGRESS = 115;
/** libuv's `UV_READABLE`, `UV_WRITABLE` and `UV_PRIORITIZED`. */
const UV_READABLE = 1;
const UV_WRITABLE = 2;
const UV_PRIORITIZED = 4;

const ADOPT_FD: unique symbol = Symbol('polyport.adoptFd');

/** @internal A descriptor of ours for the `Socket` constructor (`accept()`, `socketpair()`). */
export interface AdoptedDescriptor {
  readonly [ADOPT_FD]: true;
  readonly fd: number;
}

/**
 * @internal Wraps a descriptor the socket is to own (and close).
 * @example new Socket(AF_UNIX, SOCK_DGRAM, 0, adoptDescriptor(fd));
 */
export function adoptDescriptor(fd: number): AdoptedDescriptor {
  return { [ADOPT_FD]: true, fd };
}

/** @internal Whether `value` came from {@link adoptDescriptor}. */
export function isAdoptedDescriptor(value: unknown): value is AdoptedDescriptor {
  return typeof value === 'object' && value !== null && ADOPT_FD in value;
}

/** What one `recvmsg(2)` gave. */
export interface ReceivedMessage {
  readonly data: Buffer;
  readonly control: Buffer;
  readonly flags: number;
  readonly address: SocketAddress;
}

/**
 * A socket on a descriptor of its own. Calls that would block return null (or -1); every other
 * failure throws the {@link SocketError} of its errno.
 *
 * @example
 * const engine = FdEngine.open(AF_UNIX, SOCK_DGRAM, 0, notify, context);
 * engine.bind({ host: '', port: 0, path: '\0demo' });
 */
export class FdEngine {
  readonly #addon: FdSocketAddon;
  #fd: number;
  readonly family: number;
  readonly type: number;
  readonly #notify: () => void;
  readonly #context: () => SocketErrorContext;
  #watcher: FdWatcher | null = null;
  #armed = 0;
  #active = false;
  /** Whether `listen()` was called (a stream-like socket that accepts). */
  listening = false;

  /**
   * @param addon the addon's calls.
   * @param fd the descriptor, owned from now on.
   * @param family its family; `type` its type (without flags).
   * @param notify tells the socket that readiness may have changed.
   * @param context the socket's error context.
   */
  constructor(
    addon: FdSocketAddon,
    fd: number,
    family: number,
    type: number,
    notify: () => void,
    context: () => SocketErrorContext,
  ) {
    this.#addon = addon;
    this.#fd = fd;
    this.family = family;
    this.type = type;
    this.#notify = notify;
    this.#context = context;
  }

  /**
   * Whether anyone listens to the socket's readiness: the socket says so when its first
   * listener comes and when its last one goes. The watcher is armed only while someone does.
   */
  setWatched(active: boolean): void {
    this.#active = active;
    this.#rearm(active ? this.#poll() : 0);
  }

  /**
   * Opens `socket(family, type, proto)`.
   * @returns the engine.
   * @throws {SocketError} the addon is missing (`ESOCKTNOSUPPORT`), or the kernel's refusal
   *   (`EPERM`/`EACCES` as `PermissionError` for raw and ICMP sockets without the privilege,
   *   `EPROTONOSUPPORT`, `EAFNOSUPPORT`).
   */
  static open(
    family: number,
    type: number,
    proto: number,
    notify: () => void,
    context: () => SocketErrorContext,
  ): FdEngine {
    const addon = requireFdSocketAddon('socket', describeKind(family, type, proto));
    const fd = addon.socket(family, type, proto);
    if (fd < 0) throw errnoError(-fd, { ...context(), op: 'socket' });
    return new FdEngine(addon, fd, family, type, notify, context);
  }

  /**
   * Takes over a descriptor (from `accept()`, `socketpair()`, `fromfd()`).
   * @throws {SocketError} `ESOCKTNOSUPPORT` when the addon is missing.
   */
  static adopt(
    fd: number,
    family: number,
    type: number,
    notify: () => void,
    context: () => SocketErrorContext,
  ): FdEngine {
    const addon = requireFdSocketAddon('socket', 'descriptor sockets');
    return new FdEngine(addon, fd, family, type, notify, context);
  }

  /** The descriptor, or -1 once closed. */
  get fd(): number {
    return this.#fd;
  }

  // ---------------------------------------------------------------- readiness

  /** The kernel's readiness now (`READY_*` bits, which are Linux's `poll()` values). */
  get readiness(): number {
    const bits = this.#poll();
    if (this.#active) this.#rearm(bits);
    return bits;
  }

  #poll(): number {
    if (this.#fd < 0) return 0;
    const revents = this.#addon.pollNow(this.#fd);
    if (revents < 0) return READY_ERROR;
    let bits = revents & (READY_READ | READY_WRITE | READY_ERROR | READY_HUP);
    // A hang-up is something a reader must see (recv() reads the end), as select() shows it.
    if (bits & READY_HUP) bits |= READY_READ;
    return bits;
  }

  /**
   * Arms the watcher for what `bits` says is not ready yet (nothing once something is wrong).
   *
   * A socket that is readable and writable is still watched while someone waits: a reader of
   * the error queue (`MSG_ERRQUEUE`) waits for `POLLERR`, which comes whatever else is ready.
   * epoll reports `POLLERR` to every watcher, so one armed for `UV_PRIORITIZED` alone (which
   * these kinds never signal: it is TCP's urgent data) wakes on the error and nothing else.
   * Once the error is there the watcher stays off: `POLLERR` is level-triggered and would call
   * back on every loop turn until the queue is read (so a plain `recv()` waiting while the
   * error queue is not empty wakes only when the queue is read or the wait times out).
   */
  #rearm(bits: number): void {
    if (this.#fd < 0) return;
    let want = 0;
    if (this.#active && (bits & (READY_ERROR | READY_HUP)) === 0) {
      if ((bits & READY_READ) === 0) want |= UV_READABLE;
      if ((bits & READY_WRITE) === 0) want |= UV_WRITABLE;
      if (want === 0) want = UV_PRIORITIZED;
    }
    if (want === this.#armed) return;
    if (want !== 0 && this.#watcher === null) {
      this.#watcher = this.#addon.watch(this.#fd, this.#onEvents);
    }
    if (this.#watcher !== null) this.#addon.arm(this.#watcher, want);
    this.#armed = want;
  }

  #onEvents = (): void => {
    // The addon stopped the watcher before calling: re-arm for whatever is still not ready.
    this.#armed = 0;
    this.#rearm(this.#poll());
    this.#notify();
  };

  /** After a call that may have changed readiness: keep the watcher in step. */
  #changed(): void {
    if (this.#active) this.#rearm(this.#poll());
  }

  #fail(result: number, op: string, addr?: SocketAddress): SocketError {
    const where = addr === undefined ? {} : { addr: formatForError(addr) };
    return errnoError(-result, { ...this.#context(), op, ...where });
  }

  #open(op: string): number {
    if (this.#fd < 0) throw errnoError(9, { ...this.#context(), op });
    return this.#fd;
  }

  // ---------------------------------------------------------------- calls

  /** Binds to `address` (an IP literal, or an AF_UNIX path or `\0name`). */
  bind(address: ResolvedAddress, flowinfo = 0, scopeId = 0): void {
    const fd = this.#open('bind');
    const rc = this.#addon.bind(fd, encodeSockaddr(this.family, address, flowinfo, scopeId));
    if (rc < 0) throw this.#fail(rc, 'bind', address.path ?? [address.host, address.port]);
  }

  /**
   * Connects (a datagram socket: sets its default peer).
   * @returns true when connected, false when under way (a non-blocking stream-like connect).
   */
  connect(address: ResolvedAddress, flowinfo = 0, scopeId = 0): boolean {
    const fd = this.#open('connect');
    const rc = this.#addon.connect(fd, encodeSockaddr(this.family, address, flowinfo, scopeId));
    this.#changed();
    if (rc === -EINPROGRESS) return false;
    if (rc < 0) throw this.#fail(rc, 'connect', address.path ?? [address.host, address.port]);
    return true;
  }

  /** Starts accepting connections (SOCK_SEQPACKET). */
  listen(backlog: number): void {
    const rc = this.#addon.listen(this.#open('listen'), backlog);
    if (rc < 0) throw this.#fail(rc, 'listen');
    this.listening = true;
  }

  /** A waiting connection's descriptor and address, or null when none waits. */
  accept(): [number, SocketAddress] | null {
    const result = this.#addon.accept(this.#open('accept'));
    this.#changed();
    if (result === -EAGAIN) return null;
    if (typeof result === 'number') throw this.#fail(result, 'accept');
    return [result[0], decodeSockaddr(result[1], this.#unnamed())];
  }

  /** One message, or null when none waits. */
  recvmsg(
    bufsize: number,
    ancbufsize: number,
    flags: number,
    op = 'recvmsg',
  ): ReceivedMessage | null {
    const result = this.#addon.recvmsg(this.#open(op), bufsize, ancbufsize, flags);
    this.#changed();
    if (result === -EAGAIN) return null;
    if (typeof result === 'number') throw this.#fail(result, op);
    const [data, control, msgFlags, from] = result;
    return {
      data,
      control,
      flags: msgFlags,
      // No sender address (a connected or paired socket): the peer's, asked only then.
      address: from.length >= 2 ? decodeSockaddr(from) : (this.remoteAddress() ?? this.#unnamed()),
    };
  }

  /**
   * Sends one message.
   * @param to the destination as a `struct sockaddr`, or null for the connected peer.
   * @returns the bytes sent, or -1 when it would block.
   */
  sendmsg(
    data: Uint8Array,
    control: Uint8Array | null,
    flags: number,
    to: Uint8Array | null,
    op = 'sendmsg',
  ): number {
    const rc = this.#addon.sendmsg(this.#open(op), data, control, flags, to);
    if (rc === -EAGAIN) {
      this.#changed();
      return -1;
    }
    if (rc < 0) throw this.#fail(rc, op, to === null ? undefined : decodeSockaddr(Buffer.from(to)));
    return rc;
  }

  /** Reads an option's bytes (`buflen` of them). */
  getsockopt(level: number, name: number, buflen: number): Buffer {
    const result = this.#addon.getsockopt(this.#open('getsockopt'), level, name, buflen);
    if (typeof result === 'number') throw this.#fail(result, 'getsockopt');
    return result;
  }

  /** Sets an option to `value`'s bytes. */
  setsockopt(level: number, name: number, value: Uint8Array): void {
    const rc = this.#addon.setsockopt(this.#open('setsockopt'), level, name, value);
    if (rc < 0) throw this.#fail(rc, 'setsockopt');
  }

  /** Shuts down one or both directions. */
  shutdown(how: number): void {
    const rc = this.#addon.shutdown(this.#open('shutdown'), how);
    this.#changed();
    if (rc < 0) throw this.#fail(rc, 'shutdown');
  }

  /** Our own address. */
  localAddress(): SocketAddress {
    if (this.#fd < 0) return this.#unnamed();
    const result = this.#addon.getsockname(this.#fd);
    return typeof result === 'number' ? this.#unnamed() : decodeSockaddr(result, this.#unnamed());
  }

  /** The peer's address, or null when not connected. */
  remoteAddress(): SocketAddress | null {
    if (this.#fd < 0) return null;
    const result = this.#addon.getpeername(this.#fd);
    return typeof result === 'number' ? null : decodeSockaddr(result, this.#unnamed());
  }

  /** A duplicate of the descriptor, close-on-exec (Python's `dup()`). */
  dup(): number {
    const fd = this.#addon.dup(this.#open('dup'));
    if (fd < 0) throw this.#fail(fd, 'dup');
    return fd;
  }

  /**
   * Gives the descriptor up without closing it (Python's `detach()`).
   * @returns the descriptor, or -1 when already closed.
   */
  detach(): number {
    const fd = this.#fd;
    this.#stopWatching();
    this.#fd = -1;
    return fd;
  }

  /** Closes the descriptor (the watcher first, so libuv never polls a closed one). */
  close(): void {
    const fd = this.detach();
    if (fd >= 0) this.#addon.close(fd);
  }

  #stopWatching(): void {
    if (this.#watcher !== null) this.#addon.unwatch(this.#watcher);
    this.#watcher = null;
    this.#armed = 0;
  }

  #unnamed(): SocketAddress {
    if (this.family === AF_UNIX) return '';
    return this.family === AF_INET6 ? ['::', 0, 0, 0] : ['0.0.0.0', 0];
  }
}

/** The kind, for the message that says the addon is missing. */
function describeKind(family: number, type: number, proto: number): string {
  if (type === 3) return 'SOCK_RAW sockets';
  if (type === 5) return 'SOCK_SEQPACKET sockets';
  if (family === AF_UNIX) return 'AF_UNIX datagram sockets';
  if (proto !== 0 && (family === AF_INET || family === AF_INET6)) return 'ICMP datagram sockets';
  return 'descriptor sockets';
}

function formatForError(address: SocketAddress): string {
  if (typeof address === 'string') return address.replace(/\0/g, '@');
  const [host, port] = address;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
