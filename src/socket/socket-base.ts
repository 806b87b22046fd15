/**
 * `SocketBase`: what every polyport socket has whatever it is doing: its state, readiness,
 * timeouts, closing, names and options. The calls that move bytes are in `socket-io.ts`, the
 * calls that make connections in `socket.ts`.
 */

import type { Server as NetServer, Socket as NetSocket } from 'node:net';
import { describe, formatAddress, networkName, type SocketAddress } from './address.js';
import { checkSize } from './arguments.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  familyName,
  SO_RCVBUF,
  SO_REUSEPORT,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
} from './constants.js';
import { DatagramEngine } from './datagram-engine.js';
import { checkTimeout, getdefaulttimeout } from './default-timeout.js';
import {
  SocketError,
  type SocketErrorContext,
  SocketTimeoutError,
  toSocketError,
} from './errors.js';
import { type AdoptedDescriptor, FdEngine, isAdoptedDescriptor } from './fd-engine.js';
import {
  applyKernelOptions,
  carriedByNode,
  getKernelOption,
  isAtBind,
  isPolyportError,
  isPolyportStreamOption,
  setKernelOption,
  withProbe,
} from './kernel-options.js';
import { ListenerEngine } from './listener-engine.js';
import {
  type ListenerSlot,
  notifyListeners,
  withListener,
  withoutListener,
} from './listener-slot.js';
import { monotonicMs } from './monotonic-ms.js';
import { fdSocketAddon } from './node/fd-socket.js';
import { datagramHandle, descriptorOf, handleOf } from './node/handles.js';
import { OptionList } from './option-list.js';
import {
  READY_CLOSED,
  READY_ERROR,
  READY_READ,
  READY_WRITE,
  type ReadinessListener,
  type ReadinessObserver,
  type Watchable,
} from './readiness.js';
import { requireReusePort } from './reuse-port.js';
import { settleWhen } from './settle-when.js';
import { SocketExtras } from './socket-extras.js';
import { checkSocketKind } from './socket-kind.js';
import {
  applyDatagramOptions,
  applyStreamOptions,
  createDatagramEngine,
  defaultOption,
  isLingerZero,
  KNOWN_OPTIONS,
  lingerMillis,
  type OptionValues,
  optKey,
} from './socket-options.js';
import { StreamEngine } from './stream-engine.js';

const ADOPT: unique symbol = Symbol('polyport.adopt');

/** Names of the socket types, for `toString()`. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'SOCK_STREAM',
  2: 'SOCK_DGRAM',
  3: 'SOCK_RAW',
  5: 'SOCK_SEQPACKET',
};

/** The options of every socket that has set none. */
const NO_OPTIONS: OptionValues = new Map();

/** @internal How `accept()` and TLS hand a connected Node stream to a new `Socket`. */
export interface AdoptedStream {
  readonly [ADOPT]: true;
  readonly stream: NetSocket;
  /** Read through slab reads (an accepted plain TCP stream, not reading yet). */
  readonly slabReads: boolean;
}

/** @internal How `socket(…, fileno)` hands an adopted listening descriptor's `net.Server` over. */
export interface AdoptedListener {
  readonly [ADOPT]: true;
  readonly server: NetServer;
}

/** @internal Wraps a listening `net.Server` (made with `pauseOnConnect`) for the `Socket` constructor. */
export function adoptListener(server: NetServer): AdoptedListener {
  return { [ADOPT]: true, server };
}

/** @internal Wraps a connected Node stream for the `Socket` constructor. */
export function adoptStream(stream: NetSocket, slabReads = false): AdoptedStream {
  return { [ADOPT]: true, stream, slabReads };
}

/** @internal What carries a socket once it is bound or connected. */
export type Engine = StreamEngine | ListenerEngine | DatagramEngine | FdEngine;

/**
 * The state and the bookkeeping calls of a {@link Socket} (see there); not used on its own.
 *
 * @example
 * const sock: SocketBase = new Socket();
 * sock.settimeout(5);
 */
export class SocketBase implements Watchable, AsyncDisposable, Disposable {
  /** The address family (`AF_INET`, `AF_INET6`, `AF_UNIX`). */
  readonly family: number;
  /** The socket type (`SOCK_STREAM`, `SOCK_DGRAM`). */
  readonly type: number;
  /** The protocol number (0 when chosen by the type). */
  readonly proto: number;
  /** @internal */
  protected timeoutValue: number | null;
  /** @internal */
  protected engine: Engine | null = null;
  /**
   * @internal What few sockets need, made on first use (see socket-extras.ts): read it through
   * {@link more} to make it.
   */
  protected extras: SocketExtras | null = null;
  /** @internal */
  protected isClosed = false;
  /**
   * The options `setsockopt()` stored, made on the first one: a socket costs what it holds, and
   * a server may hold thousands of idle ones.
   */
  #options: OptionList | null = null;
  /**
   * Who listens to readiness: kept in this one field rather than in an object of their own, as
   * almost every socket has none or one (its dispatcher, or one waiting call).
   */
  #listeners: ListenerSlot = null;

  /** @internal The options `setsockopt()` stored (empty until one is). */
  protected get optionValues(): OptionValues {
    return this.#options ?? NO_OPTIONS;
  }

  /** @internal Stores an option's value (what `getsockopt()` then reads). */
  protected storeOption(key: string, value: number | Buffer): void {
    this.#options =
      this.#options === null ? OptionList.of(key, value) : this.#options.with(key, value);
  }

  /** @internal {@link extras}, made now if it was not yet. */
  protected get more(): SocketExtras {
    this.extras ??= new SocketExtras();
    return this.extras;
  }

  /** A stream connection under way. */
  protected get connecting(): NetSocket | null {
    return this.extras?.connecting ?? null;
  }
  protected set connecting(value: NetSocket | null) {
    if (value !== null || this.extras !== null) this.more.connecting = value;
  }

  /** The error of a failed non-blocking connect, reported through `SO_ERROR` or the next call. */
  protected get soError(): SocketError | null {
    return this.extras?.soError ?? null;
  }
  protected set soError(value: SocketError | null) {
    if (value !== null || this.extras !== null) this.more.soError = value;
  }

  /** @internal Tells the watchers that readiness may have changed. */
  notify(): void {
    notifyListeners(this.#listeners);
  }

  /** @internal Whether anyone listens to readiness (a waiting call, a watcher). */
  protected get watched(): boolean {
    return this.#listeners !== null;
  }

  /**
   * Creates a socket, as Python's `socket.socket(family, type, proto)`.
   * @param family `AF_INET` (default), `AF_INET6` or `AF_UNIX`.
   * @param type `SOCK_STREAM` (default) or `SOCK_DGRAM`, optionally with `SOCK_NONBLOCK`.
   * @param proto the protocol; 0 picks the type's.
   * @param fileno internal: a connected Node stream to adopt (from `accept()` or TLS), or a
   *   descriptor of the native addon's (from `accept()`, `socketpair()`, `fromfd()`).
   * @throws {SocketError} for unknown families or types; for the kinds Node cannot open
   *   (`SOCK_RAW`, `SOCK_SEQPACKET`, AF_UNIX datagrams, ICMP datagram sockets) when the native
   *   addon is not built, and the kernel's refusal (`PermissionError` without the privilege).
   */
  constructor(
    family = AF_INET,
    type = SOCK_STREAM,
    proto = 0,
    fileno?: AdoptedStream | AdoptedListener | AdoptedDescriptor,
  ) {
    const { baseType, nonblocking, native } = checkSocketKind(family, type, proto);
    this.family = family;
    this.type = baseType;
    this.proto = proto;
    this.timeoutValue = nonblocking ? 0 : getdefaulttimeout();
    if (native || isAdoptedDescriptor(fileno)) {
      // The kinds Node cannot open live on a descriptor of their own, opened now, so that a
      // refusal (no privilege, no addon) comes from socket() as in Python.
      const notify = (): void => this.notify();
      const context = (): SocketErrorContext => this.errorContext();
      const engine = isAdoptedDescriptor(fileno)
        ? FdEngine.adopt(fileno.fd, family, baseType, notify, context)
        : FdEngine.open(family, baseType, proto, notify, context);
      this.engine = engine;
      return;
    }
    if (fileno !== undefined) {
      if (fileno[ADOPT] !== true)
        throw new TypeError('socket(): fileno must come from polyport itself');
      if ('server' in fileno) {
        // A descriptor that was listening already: Python's listen() was called on it.
        const engine = new ListenerEngine(
          fileno.server,
          family,
          () => this.notify(),
          () => this.errorContext(),
        );
        engine.listening = true;
        this.engine = engine;
      } else this.engine = new StreamEngine(fileno.stream, this, fileno.slabReads);
    }
  }

  // ---------------------------------------------------------------- readiness

  /** The readiness bits (`READY_READ | READY_WRITE | …`, Linux `poll()` values). */
  get readiness(): number {
    if (this.isClosed) return READY_CLOSED;
    if (this.soError !== null) return READY_READ | READY_WRITE | READY_ERROR;
    if (this.connecting !== null) return 0;
    const engine = this.engine;
    if (engine === null) return this.type === SOCK_DGRAM ? READY_WRITE : 0;
    return engine.readiness;
  }

  /**
   * Bytes `send()` has accepted that Node still holds: not yet handed to the kernel (0 for a
   * datagram socket or a closed one). Not in Python. When the bytes sent since a buffer was
   * handed over with `MSG_ZEROCOPY` exceed this, Node is done with that buffer and the sender
   * may write into it again — what Linux's MSG_ZEROCOPY completion notifications tell.
   * @example if (sock.pendingSendBytes === 0) reuse(buffer);
   */
  get pendingSendBytes(): number {
    const engine = this.engine;
    return engine instanceof StreamEngine && !this.isClosed ? engine.queued : 0;
  }

  /**
   * Calls `listener` whenever readiness may have changed, until the returned function is called.
   * @param listener called from Node's I/O callbacks; it must be quick and must not throw.
   * @returns the function that stops watching.
   */
  watch(listener: ReadinessListener): () => void {
    this.addReadinessListener(listener);
    return () => this.removeReadinessListener(listener);
  }

  /** Calls `listener` as {@link watch} does, until {@link removeReadinessListener}. */
  addReadinessListener(listener: ReadinessListener | ReadinessObserver): void {
    const first = this.#listeners === null;
    this.#listeners = withListener(this.#listeners, listener);
    // A descriptor socket's watcher is armed only while someone listens.
    const engine = this.engine;
    if (first && engine instanceof FdEngine) engine.setWatched(true);
  }

  /** Stops calling a listener given to {@link addReadinessListener}. */
  removeReadinessListener(listener: ReadinessListener | ReadinessObserver): void {
    const listeners = this.#listeners;
    if (listeners === null) return;
    this.#listeners = withoutListener(listeners, listener);
    const engine = this.engine;
    if (this.#listeners === null && engine instanceof FdEngine) engine.setWatched(false);
  }

  // ---------------------------------------------------------------- timeouts

  /**
   * Sets the timeout for calls that wait: `null` waits forever, `0` never waits, `s` seconds.
   * @throws {TypeError} for a non-number; {RangeError} for a negative value.
   */
  settimeout(value: number | null): void {
    this.timeoutValue = checkTimeout(value, 'settimeout');
  }

  /** The timeout in seconds, or `null` when calls wait forever. */
  gettimeout(): number | null {
    return this.timeoutValue;
  }

  /** `setblocking(false)` is `settimeout(0)`; `setblocking(true)` is `settimeout(null)`. */
  setblocking(flag: boolean): void {
    this.timeoutValue = flag ? null : 0;
  }

  /** Whether calls may wait (the timeout is not 0). */
  getblocking(): boolean {
    return this.timeoutValue !== 0;
  }

  /**
   * Closes the socket. Bytes already sent still go out; calls waiting on it reject with `EBADF`.
   * Closing twice is harmless.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.connecting?.destroy();
    this.connecting = null;
    const engine = this.engine;
    if (engine instanceof StreamEngine) {
      const options = this.optionValues;
      engine.close(isLingerZero(options), lingerMillis(options) ?? undefined);
    } else engine?.close();
    this.notify();
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Closes the socket (`await using sock = …`). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** Closes the socket (`using sock = …`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * @internal Hands the connected Node stream to a TLS layer: this socket is detached (closed)
   * and the bytes it had received but not delivered are returned, to be read first.
   */
  detachStream(): { stream: NetSocket; unread: Buffer } {
    this.checkOpen('wrapSocket');
    const engine = this.engine;
    if (!(engine instanceof StreamEngine)) {
      throw new SocketError('ENOTCONN', {
        ...this.errorContext(),
        op: 'wrapSocket',
        detail: 'TLS needs a connected stream socket',
      });
    }
    const unread = engine.detach();
    this.engine = null;
    this.isClosed = true;
    this.notify();
    return { stream: engine.stream, unread };
  }

  // ---------------------------------------------------------------- names and options

  /**
   * Our own address: after `bind([host, 0])` it holds the real port.
   * @throws {SocketError} `EBADF` when closed.
   */
  getsockname(): SocketAddress {
    this.checkOpen('getsockname');
    const engine = this.engine;
    if (engine instanceof DatagramEngine && !engine.bound) return this.unboundAddress();
    if (engine !== null) return engine.localAddress();
    return this.unboundAddress();
  }

  /**
   * The peer's address.
   * @throws {SocketError} `ENOTCONN` when not connected.
   */
  getpeername(): SocketAddress {
    this.checkOpen('getpeername');
    const engine = this.engine;
    const peer =
      engine instanceof StreamEngine
        ? engine.remoteAddress()
        : engine instanceof DatagramEngine
          ? engine.connected
          : null;
    if (peer === null)
      throw new SocketError('ENOTCONN', { ...this.errorContext(), op: 'getpeername' });
    return peer;
  }

  /**
   * Sets an option, by level and number, with an integer (a C int), a boolean or bytes.
   * With polyport's native addon every option reaches the kernel: once the socket has a
   * descriptor (after bind, connect, listen or accept) at once; before that it is checked on a
   * throwaway socket of the same kind and applied when the descriptor appears (so an option such
   * as `SO_BINDTODEVICE` takes effect on a TCP client only once it is connected). Options Node
   * tracks go through Node's own calls (`TCP_NODELAY`, `SO_KEEPALIVE`, the UDP buffer sizes,
   * `SO_BROADCAST`, `IP_TTL` and the multicast options of UDP); on a stream `SO_RCVBUF` and
   * `SO_SNDBUF` bound what polyport holds, and `SO_LINGER` is carried out by `close()` itself. Without the addon, the options listed in socket-options.ts only.
   * `IP_ADD_MEMBERSHIP` takes Python's 8-byte `mreq`: group then interface, each `inetAton`.
   * `SO_REUSEPORT` takes effect at `bind()` (see reuse-port.ts for how each Node gets it).
   * @throws {SocketError} the kernel's refusal (`ENOPROTOOPT` naming an unknown option,
   *   `EINVAL`, `PermissionError`); without the addon `ENOPROTOOPT` for an option polyport does
   *   not know, and for `SO_REUSEPORT` on a Node that cannot set it (before 22.12).
   * @example sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
   */
  setsockopt(level: number, optname: number, value: number | boolean | Uint8Array): void {
    this.checkOpen('setsockopt');
    const key = optKey(level, optname);
    const fd = this.fileno();
    const byNode = carriedByNode(key, this.type, fd >= 0);
    // An option Node or polyport carries needs no addon: loading it costs a client command
    // some 6 ms of start-up, for the TCP_NODELAY or SO_RCVBUF of its one connection.
    const addon = byNode && KNOWN_OPTIONS.has(key) ? null : fdSocketAddon();
    if (addon === null && !KNOWN_OPTIONS.has(key)) {
      throw new SocketError('ENOPROTOOPT', {
        ...this.errorContext(),
        op: 'setsockopt',
        detail: `option ${level}/${optname} is not supported`,
      });
    }
    const stored =
      typeof value === 'boolean'
        ? Number(value)
        : typeof value === 'number'
          ? value
          : Buffer.from(value);
    if (typeof stored === 'number' && !Number.isInteger(stored)) {
      throw new TypeError(
        `setsockopt(): value must be an integer, a boolean or bytes, got ${describe(value)}`,
      );
    }
    if (
      (optname === SO_RCVBUF || optname === SO_SNDBUF) &&
      level === SOL_SOCKET &&
      (stored as number) <= 0
    ) {
      throw new RangeError(`setsockopt(): buffer size must be positive, got ${stored}`);
    }
    // Asked for where this Node cannot do it: fail here, not with EADDRINUSE at a later bind.
    if (level === SOL_SOCKET && optname === SO_REUSEPORT && stored !== 0 && this.family !== AF_UNIX)
      requireReusePort({ ...this.errorContext(), op: 'setsockopt' });
    if (addon !== null) {
      if (!byNode) {
        // Made only when the kernel is asked: a server sets TCP_NODELAY (Node's to carry) on
        // every connection it accepts, and the context formats both addresses.
        const context = { ...this.errorContext(), op: 'setsockopt' };
        if (fd >= 0) setKernelOption(addon, fd, level, optname, stored, context);
        else
          withProbe(addon, this.family, this.type, this.proto, NO_OPTIONS, context, (probe) =>
            setKernelOption(addon, probe, level, optname, stored, context),
          );
      }
      this.storeOption(key, stored);
      if (!byNode) return;
    } else this.storeOption(key, stored);
    const engine = this.engine;
    if (engine instanceof StreamEngine) this.applyStreamOptions(engine);
    else if (engine instanceof DatagramEngine && engine.bound)
      this.applyDatagramOptions(engine, key);
  }

  /**
   * Reads an option: without `buflen` a C int, with it up to `buflen` bytes, as Python's
   * `getsockopt()`. With the native addon the value is the kernel's (Linux reports `SO_RCVBUF`
   * and `SO_SNDBUF` doubled); before the socket has a descriptor, what a socket of its kind with
   * the stored options reads. `SO_ERROR` returns and clears the pending error's errno (a failed
   * connect's, or a connection's, such as `ECONNRESET` after the peer's reset); on a stream
   * `SO_LINGER`, `SO_RCVBUF` and `SO_SNDBUF` are polyport's (see {@link setsockopt}).
   * @returns the value (a number, or bytes with `buflen`, and for `SO_LINGER` and the
   *   multicast membership options as stored).
   * @example sock.getsockopt(IPPROTO_IP, IP_TTL); // 64
   */
  getsockopt(level: number, optname: number, buflen?: number): number | Buffer {
    this.checkOpen('getsockopt');
    if (isPolyportError(level, optname)) {
      // As Linux's sk_err: a connection's pending error (the peer's reset) is taken here too,
      // and the socket then reads as at end of stream.
      const engine = this.engine;
      const err = this.soError ?? (engine instanceof StreamEngine ? engine.takeError() : null);
      this.soError = null;
      return err?.errno ?? 0;
    }
    const key = optKey(level, optname);
    const polyportOwn = isPolyportStreamOption(key, this.type);
    // polyport's own options need no addon (see setsockopt()).
    const addon = polyportOwn ? null : fdSocketAddon();
    if (addon !== null) {
      if (buflen !== undefined) checkSize(buflen, 'getsockopt');
      const context = { ...this.errorContext(), op: 'getsockopt' };
      const fd = this.fileno();
      if (fd >= 0) return getKernelOption(addon, fd, level, optname, buflen, context);
      if (isAtBind(key) && buflen === undefined)
        return (this.optionValues.get(key) as number | undefined) ?? defaultOption(key, this.type);
      return withProbe(
        addon,
        this.family,
        this.type,
        this.proto,
        this.optionValues,
        context,
        (probe) => getKernelOption(addon, probe, level, optname, buflen, context),
      );
    }
    if (level === SOL_SOCKET && optname === SO_TYPE) return this.type;
    const engine = this.engine;
    if (level === SOL_SOCKET && optname === SO_RCVBUF) {
      if (engine instanceof StreamEngine || engine instanceof DatagramEngine)
        return engine.receiveLimit;
    }
    if (level === SOL_SOCKET && optname === SO_SNDBUF && engine instanceof StreamEngine)
      return engine.sendLimit;
    if (!KNOWN_OPTIONS.has(key)) {
      throw new SocketError('ENOPROTOOPT', {
        ...this.errorContext(),
        op: 'getsockopt',
        detail: `option ${level}/${optname} is not supported`,
      });
    }
    return this.optionValues.get(key) ?? defaultOption(key, this.type);
  }

  /**
   * @internal Applies the stored options the kernel carries to the descriptor that has just
   * appeared (after bind, connect or listen).
   * @returns the first refusal (checked at `setsockopt()` already, so rare), or null.
   */
  protected applyKernelOptions(): SocketError | null {
    // Options first: a socket with none (most) does not load the addon for nothing.
    if (this.#options === null) return null;
    const fd = this.fileno();
    const addon = fd >= 0 ? fdSocketAddon() : null;
    if (addon === null) return null;
    return applyKernelOptions(addon, fd, this.type, this.optionValues, {
      ...this.errorContext(),
      op: 'setsockopt',
    });
  }

  /** The file descriptor, or -1 when the socket is closed or has none yet. */
  fileno(): number {
    if (this.isClosed) return -1;
    const engine = this.engine;
    if (engine instanceof StreamEngine) return engine.fd;
    return descriptorOf(
      engine instanceof ListenerEngine
        ? handleOf(engine.server)
        : engine instanceof DatagramEngine
          ? datagramHandle(engine.socket)
          : undefined,
    );
  }

  /** A short description, as Python's repr: `<Socket fd=5 family=AF_INET type=SOCK_STREAM laddr=…>`. */
  toString(): string {
    const parts = [
      `fd=${this.fileno()}`,
      `family=${familyName(this.family)}`,
      `type=${TYPE_NAMES[this.type] ?? `type ${this.type}`}`,
    ];
    if (!this.isClosed) {
      parts.push(`laddr=${formatAddress(this.getsockname())}`);
      const engine = this.engine;
      const peer = engine instanceof StreamEngine ? engine.remoteAddress() : null;
      if (peer !== null) parts.push(`raddr=${formatAddress(peer)}`);
    } else parts.push('[closed]');
    return `<Socket ${parts.join(' ')}>`;
  }

  // ---------------------------------------------------------------- internals

  /** @internal The context of this socket's errors: its network and addresses. */
  errorContext(): SocketErrorContext {
    const engine = this.engine;
    let source: string | undefined;
    let addr: string | undefined;
    try {
      if (engine instanceof StreamEngine) {
        source = formatAddress(engine.localAddress());
        addr = formatAddress(engine.remoteAddress() ?? undefined);
      } else if (engine !== null) source = formatAddress(engine.localAddress());
    } catch {
      // addresses are gone once Node has closed the handle
    }
    return {
      net: networkName(this.family, this.type),
      ...(source ? { source } : {}),
      ...(addr ? { addr } : {}),
    };
  }

  /** @internal */
  protected checkOpen(op: string): void {
    if (this.isClosed)
      throw new SocketError('EBADF', {
        op,
        net: networkName(this.family, this.type),
        detail: 'bad file descriptor (socket is closed)',
      });
  }

  /** @internal */
  protected throwSoError(): void {
    const err = this.soError;
    if (err !== null) {
      this.soError = null;
      throw err;
    }
  }

  /** @internal */
  protected deadline(): number | null {
    return this.timeoutValue === null || this.timeoutValue === 0
      ? null
      : monotonicMs() + this.timeoutValue * 1000;
  }

  /** Waits until readiness has any bit of `mask` (or an error, or closing), or the deadline. */
  /** @internal */
  protected waitFor(mask: number, op: string, deadline: number | null): Promise<void> {
    const wake = mask | READY_ERROR | READY_CLOSED;
    return this.waitUntil(() => (this.readiness & wake) !== 0, op, deadline);
  }

  /** Waits until `ready()` holds, re-checking whenever readiness may have changed. */
  /**
   * @internal Waits until `attempt()` gives a result, trying it whenever readiness shows `mask`,
   * an error or closing. An error thrown by `attempt()` rejects; the deadline rejects with
   * `SocketTimeoutError`.
   */
  protected waitThen<T>(
    mask: number,
    op: string,
    deadline: number | null,
    attempt: () => T | null,
  ): Promise<T> {
    const wake = mask | READY_ERROR | READY_CLOSED;
    return settleWhen(
      this,
      () => ((this.readiness & wake) === 0 ? null : attempt()),
      deadline,
      () => new SocketTimeoutError({ ...this.errorContext(), op }),
    );
  }

  /** @internal Waits until `ready()` holds, re-checking whenever readiness may have changed. */
  protected async waitUntil(
    ready: () => boolean,
    op: string,
    deadline: number | null,
  ): Promise<void> {
    if (ready()) return;
    await settleWhen(
      this,
      () => (ready() ? true : null),
      deadline,
      () => new SocketTimeoutError({ ...this.errorContext(), op }),
    );
  }

  /** @internal */
  protected datagramEngine(): DatagramEngine {
    const engine = this.engine;
    if (engine instanceof DatagramEngine) return engine;
    const created = createDatagramEngine(
      this.family,
      this.optionValues,
      () => this.notify(),
      () => this.errorContext(),
    );
    this.engine = created;
    return created;
  }

  /** @internal */
  protected applyStreamOptions(engine: StreamEngine): void {
    applyStreamOptions(this.optionValues, engine, this.family);
  }

  /** @internal */
  protected applyDatagramOptions(engine: DatagramEngine, only?: string): void {
    try {
      applyDatagramOptions(this.optionValues, engine, only);
    } catch (err) {
      throw toSocketError(err, { ...this.errorContext(), op: 'setsockopt' });
    }
  }

  /** @internal */
  protected unboundAddress(): SocketAddress {
    if (this.family === AF_UNIX) return '';
    return this.family === AF_INET6 ? ['::', 0, 0, 0] : ['0.0.0.0', 0];
  }

  /** @internal */
  protected peerOrEmpty(): SocketAddress {
    try {
      return this.getpeername();
    } catch {
      return this.unboundAddress();
    }
  }
}
