/**
 * `Socket`: a BSD socket as Python's `socket.socket` presents it, on Node's `net` and `dgram`.
 * Calls that may wait return Promises (`await` is where Python blocks); the `…Nowait` variants
 * never wait and are what event-driven code (selectors, the dispatcher) calls.
 */
import { createSocket as createDgramSocket } from 'node:dgram';
import {
  type Socket as NetSocket,
  connect as netConnect,
  createServer as netCreateServer,
} from 'node:net';
import {
  describe,
  formatAddress,
  networkName,
  type ResolvedAddress,
  resolveAddress,
  type SocketAddress,
  toAddressTuple,
} from './address.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  familyName,
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_V6ONLY,
  MSG_DONTWAIT,
  MSG_PEEK,
  MSG_WAITALL,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_BROADCAST,
  SO_ERROR,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_RCVBUF,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  SOL_SOCKET,
  SOMAXCONN,
  TCP_NODELAY,
} from './constants.js';
import { DatagramEngine } from './datagram-engine.js';
import { checkTimeout, getdefaulttimeout } from './default-timeout.js';
import {
  BlockingIOError,
  BrokenPipeError,
  SocketError,
  type SocketErrorContext,
  SocketTimeoutError,
  toSocketError,
} from './errors.js';
import { ListenerEngine } from './listener-engine.js';
import {
  READY_CLOSED,
  READY_ERROR,
  READY_READ,
  READY_WRITE,
  type ReadinessListener,
  ReadinessListeners,
  type Watchable,
} from './readiness.js';
import { StreamEngine } from './stream-engine.js';

/** Bytes a socket can send: a `Uint8Array` (Buffer included) or a string, sent as UTF-8. */
export type BytesLike = Uint8Array | string;

/** Python's `SOCK_NONBLOCK` and `SOCK_CLOEXEC` flags, accepted in `type`. */
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

/** The largest UDP payload over IPv4 and IPv6. */
const MAX_DATAGRAM = { [AF_INET]: 65507, [AF_INET6]: 65527 } as Record<number, number>;

const ADOPT: unique symbol = Symbol('polyport.adopt');

/** @internal How `accept()` and TLS hand a connected Node stream to a new `Socket`. */
export interface AdoptedStream {
  readonly [ADOPT]: true;
  readonly stream: NetSocket;
}

/** @internal Wraps a connected Node stream for the `Socket` constructor. */
export function adoptStream(stream: NetSocket): AdoptedStream {
  return { [ADOPT]: true, stream };
}

type Engine = StreamEngine | ListenerEngine | DatagramEngine;

/**
 * A socket, as Python's `socket.socket`: TCP (`AF_INET`/`AF_INET6` + `SOCK_STREAM`), UDP
 * (`SOCK_DGRAM`) or AF_UNIX stream. Timeouts follow Python: `settimeout(null)` waits forever,
 * `settimeout(0)` never waits (a call that cannot complete rejects with `BlockingIOError`),
 * `settimeout(s)` rejects with `SocketTimeoutError` after `s` seconds.
 *
 * @example
 * const sock = new Socket(AF_INET, SOCK_STREAM);
 * await sock.connect(['127.0.0.1', 8888]);
 * await sock.sendall('hello\n');
 * const reply = await sock.recv(1024); // empty at end of stream
 * sock.close();
 */
export class Socket implements Watchable, AsyncDisposable, Disposable {
  /** The address family (`AF_INET`, `AF_INET6`, `AF_UNIX`). */
  readonly family: number;
  /** The socket type (`SOCK_STREAM`, `SOCK_DGRAM`). */
  readonly type: number;
  /** The protocol number (0 when chosen by the type). */
  readonly proto: number;
  #timeout: number | null;
  #engine: Engine | null = null;
  /** A stream connection under way. */
  #connecting: NetSocket | null = null;
  /** The error of a failed non-blocking connect, reported through `SO_ERROR` or the next call. */
  #soError: SocketError | null = null;
  #closed = false;
  readonly #options = new Map<string, number | Buffer>();
  readonly #listeners = new ReadinessListeners();
  readonly #notify = (): void => this.#listeners.notify();

  /**
   * Creates a socket, as Python's `socket.socket(family, type, proto)`.
   * @param family `AF_INET` (default), `AF_INET6` or `AF_UNIX`.
   * @param type `SOCK_STREAM` (default) or `SOCK_DGRAM`, optionally with `SOCK_NONBLOCK`.
   * @param proto the protocol; 0 picks the type's.
   * @param fileno internal: a connected Node stream to adopt (from `accept()` or TLS).
   * @throws {SocketError} for `SOCK_RAW` and AF_UNIX datagram sockets, which Node cannot open,
   *   and for unknown families or types.
   */
  constructor(family = AF_INET, type = SOCK_STREAM, proto = 0, fileno?: AdoptedStream) {
    if (!Number.isInteger(family) || !Number.isInteger(type) || !Number.isInteger(proto)) {
      throw new TypeError(
        `socket(): family, type and proto must be integers, got ${describe(family)}, ${describe(type)}, ${describe(proto)}`,
      );
    }
    const baseType = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) {
      throw new SocketError('EAFNOSUPPORT', {
        op: 'socket',
        detail: `address family ${family} is not supported`,
      });
    }
    if (baseType === SOCK_RAW) {
      throw new SocketError('ESOCKTNOSUPPORT', {
        op: 'socket',
        detail:
          'SOCK_RAW sockets cannot be opened from Node.js: it has no raw socket API (use SOCK_STREAM or SOCK_DGRAM)',
      });
    }
    if (baseType !== SOCK_STREAM && baseType !== SOCK_DGRAM) {
      throw new SocketError('ESOCKTNOSUPPORT', {
        op: 'socket',
        detail: `socket type ${type} is not supported`,
      });
    }
    if (family === AF_UNIX && baseType === SOCK_DGRAM) {
      throw new SocketError('ESOCKTNOSUPPORT', {
        op: 'socket',
        detail:
          'AF_UNIX datagram sockets cannot be opened from Node.js: node:dgram has only udp4 and udp6 (use AF_UNIX with SOCK_STREAM)',
      });
    }
    this.family = family;
    this.type = baseType;
    this.proto = proto;
    this.#timeout = type & SOCK_NONBLOCK ? 0 : getdefaulttimeout();
    if (fileno !== undefined) {
      if (fileno[ADOPT] !== true)
        throw new TypeError('socket(): fileno must come from polyport itself');
      this.#engine = new StreamEngine(fileno.stream, family, this.#notify, () => this.#context());
    }
  }

  // ---------------------------------------------------------------- readiness

  /** The readiness bits (`READY_READ | READY_WRITE | …`, Linux `poll()` values). */
  get readiness(): number {
    if (this.#closed) return READY_CLOSED;
    if (this.#soError !== null) return READY_READ | READY_WRITE | READY_ERROR;
    if (this.#connecting !== null) return 0;
    const engine = this.#engine;
    if (engine === null) return this.type === SOCK_DGRAM ? READY_WRITE : 0;
    return engine.readiness;
  }

  /**
   * Calls `listener` whenever readiness may have changed, until the returned function is called.
   * @param listener called from Node's I/O callbacks; it must be quick and must not throw.
   * @returns the function that stops watching.
   */
  watch(listener: ReadinessListener): () => void {
    return this.#listeners.add(listener);
  }

  // ---------------------------------------------------------------- timeouts

  /**
   * Sets the timeout for calls that wait: `null` waits forever, `0` never waits, `s` seconds.
   * @throws {TypeError} for a non-number; {RangeError} for a negative value.
   */
  settimeout(value: number | null): void {
    this.#timeout = checkTimeout(value, 'settimeout');
  }

  /** The timeout in seconds, or `null` when calls wait forever. */
  gettimeout(): number | null {
    return this.#timeout;
  }

  /** `setblocking(false)` is `settimeout(0)`; `setblocking(true)` is `settimeout(null)`. */
  setblocking(flag: boolean): void {
    this.#timeout = flag ? null : 0;
  }

  /** Whether calls may wait (the timeout is not 0). */
  getblocking(): boolean {
    return this.#timeout !== 0;
  }

  // ---------------------------------------------------------------- bind, listen, accept

  /**
   * Binds to a local address. For a stream socket Node binds and listens in one step, so the
   * port is reserved and `getsockname()` gives the real port at once; connections that arrive
   * before `listen()` wait in the queue, as in the kernel's backlog.
   * @param address `[host, port]`, `[host, port, flowinfo, scopeId]` or an AF_UNIX path;
   *   `''` as host means every interface.
   * @throws {SocketError} `EADDRINUSE`, `EACCES`, `EINVAL` (already bound), `EBADF` (closed).
   * @example await sock.bind(['127.0.0.1', 0]); sock.getsockname(); // ['127.0.0.1', 40123]
   */
  async bind(address: SocketAddress): Promise<void> {
    this.#checkOpen('bind');
    const resolved = resolveAddress(this.family, address, 'bind');
    if (this.#engine !== null || this.#connecting !== null) {
      throw new SocketError('EINVAL', {
        ...this.#context(),
        op: 'bind',
        detail: 'socket is already bound or connected',
      });
    }
    if (this.type === SOCK_DGRAM) await this.#bindDatagram(resolved);
    else await this.#bindStream(resolved, SOMAXCONN);
  }

  async #bindStream(resolved: ResolvedAddress, backlog: number): Promise<void> {
    const server = netCreateServer({ pauseOnConnect: true, allowHalfOpen: true });
    const reusePort = Boolean(this.#options.get(optKey(SOL_SOCKET, SO_REUSEPORT)));
    const v6only = Boolean(this.#options.get(optKey(IPPROTO_IPV6, IPV6_V6ONLY)));
    const listenOptions =
      resolved.path !== undefined
        ? { path: resolved.path, backlog }
        : {
            host: resolved.host,
            port: resolved.port,
            backlog,
            ipv6Only: v6only,
            ...(reusePort ? { reusePort: true } : {}),
          };
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          toSocketError(err, { ...this.#context(), op: 'bind', addr: formatAddress(resolved) }),
        );
      };
      server.once('error', onError);
      server.listen(listenOptions, () => {
        server.off('error', onError);
        resolve();
      });
    });
    if (this.#closed) {
      server.close();
      throw new SocketError('EBADF', { op: 'bind' });
    }
    this.#engine = new ListenerEngine(server, this.family, this.#notify, () => this.#context());
  }

  async #bindDatagram(resolved: ResolvedAddress): Promise<void> {
    const engine = this.#datagram();
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          toSocketError(err, { ...this.#context(), op: 'bind', addr: formatAddress(resolved) }),
        );
      };
      engine.socket.once('error', onError);
      engine.socket.bind({ address: resolved.host, port: resolved.port, exclusive: true }, () => {
        engine.socket.off('error', onError);
        resolve();
      });
    });
    engine.bound = true;
    this.#applyDatagramOptions(engine);
  }

  /**
   * Starts accepting connections. An unbound socket is bound to an ephemeral port first.
   * @param backlog how many connections may wait for `accept()` (default 128, at most SOMAXCONN).
   * @throws {SocketError} `EOPNOTSUPP` on a datagram socket, `EINVAL` on a connected one.
   */
  async listen(backlog = 128): Promise<void> {
    this.#checkOpen('listen');
    if (!Number.isInteger(backlog))
      throw new TypeError(`listen(): backlog must be an integer, got ${describe(backlog)}`);
    if (this.type !== SOCK_STREAM) {
      throw new SocketError('EOPNOTSUPP', { ...this.#context(), op: 'listen' });
    }
    if (this.#engine === null && this.#connecting === null) {
      const wildcard = this.family === AF_INET6 ? ['::', 0] : ['0.0.0.0', 0];
      if (this.family === AF_UNIX)
        throw new SocketError('EINVAL', {
          op: 'listen',
          detail: 'AF_UNIX socket must be bound first',
        });
      await this.#bindStream(resolveAddress(this.family, wildcard, 'listen'), SOMAXCONN);
    }
    const engine = this.#engine;
    if (!(engine instanceof ListenerEngine)) {
      throw new SocketError('EINVAL', {
        ...this.#context(),
        op: 'listen',
        detail: 'socket is connected',
      });
    }
    engine.listening = true;
    engine.backlog = Math.max(1, Math.min(backlog < 0 ? 0 : backlog, SOMAXCONN) + 1);
    if (engine.queue.length > 0) this.#notify();
  }

  /**
   * Accepts a connection.
   * @returns the connected socket and the peer's address.
   * @throws {BlockingIOError} when non-blocking and none is waiting.
   * @throws {SocketTimeoutError} when the timeout passes first.
   * @example const [conn, addr] = await server.accept();
   */
  async accept(): Promise<[Socket, SocketAddress]> {
    const deadline = this.#deadline();
    for (;;) {
      const accepted = this.acceptNowait();
      if (accepted !== null) return accepted;
      if (this.#timeout === 0) throw new BlockingIOError({ ...this.#context(), op: 'accept' });
      await this.#waitFor(READY_READ, 'accept', deadline);
    }
  }

  /**
   * Accepts a connection if one is waiting, without waiting: `null` otherwise.
   * @throws {SocketError} `EINVAL` when not listening, `EBADF` when closed.
   */
  acceptNowait(): [Socket, SocketAddress] | null {
    this.#checkOpen('accept');
    const engine = this.#engine;
    if (!(engine instanceof ListenerEngine) || !engine.listening) {
      throw new SocketError('EINVAL', {
        ...this.#context(),
        op: 'accept',
        detail: 'socket is not listening',
      });
    }
    if (engine.error !== null) {
      const err = engine.error;
      engine.error = null;
      throw err;
    }
    const conn = engine.next();
    if (conn === null) return null;
    const sock = new Socket(this.family, SOCK_STREAM, this.proto, adoptStream(conn));
    sock.#inheritOptions(this);
    const peer = sock.#engine instanceof StreamEngine ? sock.#engine.remoteAddress() : null;
    return [sock, peer ?? (this.family === AF_UNIX ? '' : toAddressTuple(this.family, '', 0))];
  }

  #inheritOptions(parent: Socket): void {
    const engine = this.#engine as StreamEngine;
    for (const key of [
      optKey(SOL_SOCKET, SO_RCVBUF),
      optKey(SOL_SOCKET, SO_SNDBUF),
      optKey(IPPROTO_TCP, TCP_NODELAY),
      optKey(SOL_SOCKET, SO_KEEPALIVE),
      optKey(SOL_SOCKET, SO_LINGER),
    ]) {
      const value = parent.#options.get(key);
      if (value !== undefined) this.#options.set(key, value);
    }
    this.#applyStreamOptions(engine);
  }

  // ---------------------------------------------------------------- connect

  /**
   * Connects to `address`. A datagram socket just sets its default peer.
   * @throws {ConnectionRefusedError} when nothing listens there.
   * @throws {SocketTimeoutError} when the timeout passes first.
   * @throws {BlockingIOError} `EINPROGRESS` when non-blocking: the socket becomes writable once
   *   connected, and `getsockopt(SOL_SOCKET, SO_ERROR)` then tells how it went.
   * @example await sock.connect(['127.0.0.1', 80]);
   */
  async connect(address: SocketAddress): Promise<void> {
    this.#checkOpen('connect');
    const resolved = resolveAddress(this.family, address, 'connect');
    if (this.type === SOCK_DGRAM) {
      await this.#connectDatagram(resolved);
      return;
    }
    if (this.#engine instanceof StreamEngine) {
      throw new SocketError('EISCONN', { ...this.#context(), op: 'connect' });
    }
    if (this.#connecting !== null) {
      throw new SocketError('EALREADY', { ...this.#context(), op: 'connect' });
    }
    const deadline = this.#deadline();
    this.#startConnect(resolved);
    if (this.#timeout === 0) {
      throw new BlockingIOError(
        { ...this.#context(), op: 'connect', addr: formatAddress(resolved) },
        'EINPROGRESS',
      );
    }
    try {
      await this.#waitUntil(() => this.#connecting === null || this.#closed, 'connect', deadline);
    } catch (err) {
      if (err instanceof SocketTimeoutError) {
        // The narrowing above does not know the wait changed #connecting.
        (this.#connecting as NetSocket | null)?.destroy();
        this.#connecting = null;
      }
      throw err;
    }
    const failure = this.#soError;
    if (failure !== null) {
      this.#soError = null;
      throw failure;
    }
    this.#checkOpen('connect');
  }

  /**
   * Connects as `connect()` does, but returns the error number instead of throwing for a
   * refused or unreachable peer (0 on success), as Python's `connect_ex()`.
   * @returns 0, or an errno such as `ECONNREFUSED` (111) or `EINPROGRESS` (115).
   * @throws {TypeError|RangeError} for a malformed address, as `connect()` does.
   */
  async connectEx(address: SocketAddress): Promise<number> {
    try {
      await this.connect(address);
      return 0;
    } catch (err) {
      if (err instanceof SocketError) return err.errno;
      throw err;
    }
  }

  #startConnect(resolved: ResolvedAddress): void {
    const bound = this.#engine instanceof ListenerEngine ? this.#engine : null;
    const local = bound?.localAddress();
    if (bound !== null) {
      // Bound before connecting: give the port back to the connection (see bind()).
      bound.close();
      this.#engine = null;
    }
    const options =
      resolved.path !== undefined
        ? { path: resolved.path, allowHalfOpen: true }
        : {
            host: resolved.host,
            port: resolved.port,
            family: this.family === AF_INET6 ? 6 : 4,
            allowHalfOpen: true,
            ...(Array.isArray(local)
              ? { localAddress: local[0] as string, localPort: local[1] as number }
              : {}),
          };
    const conn = netConnect(options);
    this.#connecting = conn;
    const onError = (err: Error): void => {
      conn.off('connect', onConnect);
      if (this.#connecting !== conn) return;
      this.#connecting = null;
      this.#soError = toSocketError(err, {
        ...this.#context(),
        op: 'connect',
        addr: formatAddress(resolved),
      });
      conn.destroy();
      this.#notify();
    };
    const onConnect = (): void => {
      conn.off('error', onError);
      if (this.#connecting !== conn) return;
      this.#connecting = null;
      const engine = new StreamEngine(conn, this.family, this.#notify, () => this.#context());
      this.#engine = engine;
      this.#applyStreamOptions(engine);
      this.#notify();
    };
    conn.once('error', onError);
    conn.once('connect', onConnect);
  }

  async #connectDatagram(resolved: ResolvedAddress): Promise<void> {
    const engine = this.#datagram();
    if (engine.connected !== null) {
      engine.socket.disconnect();
      engine.connected = null;
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          toSocketError(err, { ...this.#context(), op: 'connect', addr: formatAddress(resolved) }),
        );
      };
      engine.socket.once('error', onError);
      engine.socket.connect(resolved.port, resolved.host, () => {
        engine.socket.off('error', onError);
        resolve();
      });
    });
    engine.bound = true;
    const remote = engine.socket.remoteAddress();
    engine.connected = toAddressTuple(this.family, remote.address, remote.port);
    this.#applyDatagramOptions(engine);
  }

  // ---------------------------------------------------------------- receive

  /**
   * Receives up to `bufsize` bytes; an empty buffer means end of stream.
   * @param bufsize the most bytes to return.
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @throws {BlockingIOError} when non-blocking and nothing is waiting.
   * @throws {SocketTimeoutError} when the timeout passes first.
   * @throws {ConnectionResetError} when the peer reset the connection.
   * @example const data = await sock.recv(4096);
   */
  async recv(bufsize: number, flags = 0): Promise<Buffer> {
    checkSize(bufsize, 'recv');
    const deadline = this.#deadline();
    if (flags & MSG_WAITALL && this.type === SOCK_STREAM && bufsize > 0) {
      return this.#recvAll(bufsize, flags & ~MSG_WAITALL, deadline);
    }
    for (;;) {
      const data = this.recvNowait(bufsize, flags);
      if (data !== null) return data;
      if (this.#timeout === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.#context(), op: 'recv' });
      await this.#waitFor(READY_READ, 'recv', deadline);
    }
  }

  async #recvAll(bufsize: number, flags: number, deadline: number | null): Promise<Buffer> {
    const peek = (flags & MSG_PEEK) !== 0;
    // Bytes are taken as they come, so a count larger than the receive limit (which pauses the
    // stream) still completes; they go back to the front if the call fails, so none is lost.
    const parts: Buffer[] = [];
    let got = 0;
    try {
      for (;;) {
        this.#checkOpen('recv');
        const engine = this.#engine;
        if (!(engine instanceof StreamEngine)) return await this.recv(bufsize, flags);
        const waiting = engine.received.length;
        if (!peek && waiting > 0) {
          const part = engine.received.take(bufsize - got);
          engine.consumed();
          parts.push(part);
          got += part.length;
        }
        const done = peek ? waiting >= bufsize : got >= bufsize;
        if (done || engine.eof || engine.error !== null || engine.readShut) {
          if (got > 0) return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
          return this.recvNowait(bufsize, flags) ?? Buffer.alloc(0);
        }
        if (this.#timeout === 0) throw new BlockingIOError({ ...this.#context(), op: 'recv' });
        // Wait for more than is here now: READY_READ alone is already true with a partial
        // count, and waiting on it would spin without ever yielding to I/O.
        const have = engine.received.length;
        await this.#waitUntil(
          () =>
            this.#closed ||
            engine.received.length > have ||
            engine.eof ||
            engine.error !== null ||
            engine.readShut,
          'recv',
          deadline,
        );
      }
    } catch (err) {
      const engine = this.#engine;
      if (got > 0 && engine instanceof StreamEngine) {
        engine.received.unshift(Buffer.concat(parts));
      }
      throw err;
    }
  }

  /**
   * Receives what is already here, without waiting.
   * @returns up to `bufsize` bytes, an empty buffer at end of stream, or `null` when nothing is
   *   waiting (where a non-blocking Python socket raises `BlockingIOError`).
   * @throws {SocketError} for a reset, a closed socket, or an unconnected stream socket.
   */
  recvNowait(bufsize: number, flags = 0): Buffer | null {
    this.#checkOpen('recv');
    this.#throwSoError();
    const engine = this.#engine;
    if (engine instanceof StreamEngine) {
      if (engine.received.length > 0) {
        const data = engine.received.take(bufsize, (flags & MSG_PEEK) !== 0);
        engine.consumed();
        return data;
      }
      const err = engine.takeError();
      if (err !== null) throw err;
      if (engine.eof || engine.readShut) return Buffer.alloc(0);
      return null;
    }
    if (engine instanceof DatagramEngine) {
      const datagram = this.#takeDatagram(engine, flags);
      return datagram === null ? null : datagram.data.subarray(0, bufsize);
    }
    if (this.type === SOCK_DGRAM || this.#connecting !== null) return null;
    throw new SocketError('ENOTCONN', { ...this.#context(), op: 'recv' });
  }

  /**
   * Receives into `buffer`, as Python's `recv_into()`.
   * @param buffer where to put the bytes.
   * @param nbytes the most bytes to receive (0 or omitted: the buffer's length).
   * @returns the number of bytes received; 0 at end of stream.
   */
  async recvInto(buffer: Uint8Array, nbytes = 0, flags = 0): Promise<number> {
    const limit = checkInto(buffer, nbytes, 'recvInto');
    if (this.type === SOCK_DGRAM) {
      const [count] = await this.recvfromInto(buffer, limit, flags);
      return count;
    }
    const deadline = this.#deadline();
    for (;;) {
      this.#checkOpen('recvInto');
      const engine = this.#engine;
      if (engine instanceof StreamEngine && engine.received.length > 0) {
        const count = engine.received.takeInto(buffer, limit, (flags & MSG_PEEK) !== 0);
        engine.consumed();
        return count;
      }
      const data = this.recvNowait(0, flags);
      if (data !== null) return 0;
      if (this.#timeout === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.#context(), op: 'recvInto' });
      await this.#waitFor(READY_READ, 'recvInto', deadline);
    }
  }

  /**
   * Receives a datagram (or stream data) with the sender's address.
   * @returns `[data, address]`; for a datagram longer than `bufsize` the rest is discarded, as UDP does.
   * @example const [data, [host, port]] = await udp.recvfrom(2048);
   */
  async recvfrom(bufsize: number, flags = 0): Promise<[Buffer, SocketAddress]> {
    checkSize(bufsize, 'recvfrom');
    if (this.type === SOCK_STREAM) {
      const data = await this.recv(bufsize, flags);
      return [data, this.#peerOrEmpty()];
    }
    const deadline = this.#deadline();
    for (;;) {
      const datagram = this.recvfromNowait(bufsize, flags);
      if (datagram !== null) return datagram;
      if (this.#timeout === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.#context(), op: 'recvfrom' });
      await this.#waitFor(READY_READ, 'recvfrom', deadline);
    }
  }

  /** `recvfrom()` without waiting: `null` when no datagram is waiting. */
  recvfromNowait(bufsize: number, flags = 0): [Buffer, SocketAddress] | null {
    this.#checkOpen('recvfrom');
    const engine = this.#engine;
    if (!(engine instanceof DatagramEngine)) {
      const data = this.recvNowait(bufsize, flags);
      return data === null ? null : [data, this.#peerOrEmpty()];
    }
    const datagram = this.#takeDatagram(engine, flags);
    return datagram === null ? null : [datagram.data.subarray(0, bufsize), datagram.from];
  }

  /**
   * Receives a datagram into `buffer`, as Python's `recvfrom_into()`.
   * @returns `[count, address]`.
   */
  async recvfromInto(buffer: Uint8Array, nbytes = 0, flags = 0): Promise<[number, SocketAddress]> {
    const limit = checkInto(buffer, nbytes, 'recvfromInto');
    if (this.type === SOCK_STREAM)
      return [await this.recvInto(buffer, limit, flags), this.#peerOrEmpty()];
    const [data, from] = await this.recvfrom(limit, flags);
    buffer.set(data);
    return [data.length, from];
  }

  #takeDatagram(
    engine: DatagramEngine,
    flags: number,
  ): { data: Buffer; from: SocketAddress } | null {
    const datagram = flags & MSG_PEEK ? engine.peek() : engine.shift();
    if (datagram !== undefined) return datagram;
    const err = engine.takeError();
    if (err !== null) throw err;
    return null;
  }

  // ---------------------------------------------------------------- send

  /**
   * Sends bytes; returns how many were taken (possibly fewer than given, as in Python).
   * The bytes are copied, so the caller may reuse its buffer at once.
   * @throws {BrokenPipeError} after `shutdown(SHUT_WR)` or when the peer is gone.
   * @throws {BlockingIOError} when non-blocking and the send buffer is full.
   * @example const sent = await sock.send(Buffer.from('ping'));
   */
  async send(data: BytesLike, flags = 0): Promise<number> {
    const bytes = toBytes(data, 'send');
    const deadline = this.#deadline();
    for (;;) {
      const sent = this.sendNowait(bytes, flags);
      if (sent >= 0) return sent;
      if (this.#timeout === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.#context(), op: 'send' });
      await this.#waitFor(READY_WRITE, 'send', deadline);
    }
  }

  /**
   * Sends every byte, waiting for room as needed; the timeout bounds the whole call.
   * @throws {SocketTimeoutError} when the timeout passes before all is sent.
   * @example await sock.sendall(bigBuffer);
   */
  async sendall(data: BytesLike, flags = 0): Promise<void> {
    let bytes = toBytes(data, 'sendall');
    const deadline = this.#deadline();
    while (bytes.length > 0) {
      const sent = this.sendNowait(bytes, flags);
      if (sent >= 0) bytes = bytes.subarray(sent);
      if (bytes.length === 0) return;
      if (this.#timeout === 0) throw new BlockingIOError({ ...this.#context(), op: 'sendall' });
      await this.#waitFor(READY_WRITE, 'sendall', deadline);
    }
  }

  /**
   * Sends what fits now, without waiting.
   * @returns the number of bytes taken, or -1 when the send buffer is full.
   * @throws {SocketError} for a closed, unconnected, shut down or reset socket.
   */
  sendNowait(data: BytesLike, flags = 0): number {
    void flags;
    this.#checkOpen('send');
    this.#throwSoError();
    const bytes = toBytes(data, 'send');
    const engine = this.#engine;
    if (engine instanceof DatagramEngine) {
      if (engine.connected === null)
        throw new SocketError('EDESTADDRREQ', { ...this.#context(), op: 'send' });
      this.#checkDatagramSize(bytes, 'send');
      engine.socket.send(Buffer.from(bytes), this.#datagramCallback('send'));
      return bytes.length;
    }
    if (!(engine instanceof StreamEngine)) {
      if (this.#connecting !== null) return -1;
      throw new SocketError(this.type === SOCK_DGRAM ? 'EDESTADDRREQ' : 'ENOTCONN', {
        ...this.#context(),
        op: 'send',
      });
    }
    const err = engine.takeError();
    if (err !== null) throw err;
    if (engine.writeShut || engine.destroyed)
      throw new BrokenPipeError('EPIPE', { ...this.#context(), op: 'send' });
    const room = engine.sendLimit - engine.stream.writableLength;
    if (room <= 0) return bytes.length === 0 ? 0 : -1;
    // Take at least a useful chunk, so a nearly full buffer does not degrade to tiny sends.
    const count = Math.min(bytes.length, Math.max(room, 16 * 1024));
    engine.write(Buffer.from(bytes.subarray(0, count)));
    return count;
  }

  /**
   * Sends a datagram to `address`; on an unbound socket, binds to an ephemeral port first.
   * @returns the number of bytes sent.
   * @throws {SocketError} `EMSGSIZE` for a datagram larger than UDP allows.
   * @example await udp.sendto('ping', ['127.0.0.1', 8000]);
   */
  async sendto(data: BytesLike, address: SocketAddress): Promise<number>;
  async sendto(data: BytesLike, flags: number, address: SocketAddress): Promise<number>;
  async sendto(
    data: BytesLike,
    flagsOrAddress: number | SocketAddress,
    maybeAddress?: SocketAddress,
  ): Promise<number> {
    const address = typeof flagsOrAddress === 'number' ? maybeAddress : flagsOrAddress;
    if (this.type === SOCK_STREAM) return this.send(data);
    this.#checkOpen('sendto');
    const engine = this.#datagram();
    if (!engine.bound) {
      await this.#bindDatagram(
        resolveAddress(
          this.family,
          this.family === AF_INET6 ? ['::', 0] : ['0.0.0.0', 0],
          'sendto',
        ),
      );
    }
    return this.sendtoNowait(data, address as SocketAddress);
  }

  /** `sendto()` without waiting (Node binds an unbound socket in the background). */
  sendtoNowait(data: BytesLike, address: SocketAddress): number {
    this.#checkOpen('sendto');
    const bytes = toBytes(data, 'sendto');
    const resolved = resolveAddress(this.family, address, 'sendto');
    if (this.type === SOCK_STREAM) return this.sendNowait(bytes);
    const engine = this.#datagram();
    const err = engine.takeError();
    if (err !== null) throw err;
    if (engine.connected !== null)
      throw new SocketError('EISCONN', { ...this.#context(), op: 'sendto' });
    this.#checkDatagramSize(bytes, 'sendto');
    engine.socket.send(
      Buffer.from(bytes),
      resolved.port,
      resolved.host,
      this.#datagramCallback('sendto', resolved),
    );
    engine.bound = true;
    return bytes.length;
  }

  #datagramCallback(op: string, to?: ResolvedAddress): (err: Error | null) => void {
    return (err) => {
      if (err === null || this.#closed) return;
      const engine = this.#engine;
      if (engine instanceof DatagramEngine && engine.error === null) {
        engine.error = toSocketError(err, {
          ...this.#context(),
          op,
          ...(to ? { addr: formatAddress(to) } : {}),
        });
        this.#notify();
      }
    };
  }

  #checkDatagramSize(bytes: Uint8Array, op: string): void {
    const max = MAX_DATAGRAM[this.family] ?? 65507;
    if (bytes.length > max) {
      throw new SocketError('EMSGSIZE', {
        ...this.#context(),
        op,
        detail: `message too long (${bytes.length} > ${max} bytes)`,
      });
    }
  }

  // ---------------------------------------------------------------- shutdown, close

  /**
   * Shuts down one or both directions: `SHUT_RD`, `SHUT_WR` (sends FIN; the peer reads end of
   * stream) or `SHUT_RDWR`.
   * @throws {RangeError} for another `how`; {SocketError} `ENOTCONN` when not connected.
   */
  shutdown(how: number): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw new RangeError(
        `shutdown(): how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got ${describe(how)}`,
      );
    }
    this.#checkOpen('shutdown');
    const engine = this.#engine;
    if (!(engine instanceof StreamEngine)) {
      throw new SocketError('ENOTCONN', { ...this.#context(), op: 'shutdown' });
    }
    if (how !== SHUT_WR) {
      engine.readShut = true;
      engine.received.clear();
      engine.consumed();
      engine.stream.resume();
    }
    if (how !== SHUT_RD && !engine.writeShut) {
      engine.writeShut = true;
      engine.stream.end();
    }
    this.#notify();
  }

  /**
   * Closes the socket. Bytes already sent still go out; calls waiting on it reject with `EBADF`.
   * Closing twice is harmless.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connecting?.destroy();
    this.#connecting = null;
    const engine = this.#engine;
    if (engine instanceof StreamEngine) engine.close(this.#lingerZero());
    else engine?.close();
    this.#notify();
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
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
    this.#checkOpen('wrapSocket');
    const engine = this.#engine;
    if (!(engine instanceof StreamEngine)) {
      throw new SocketError('ENOTCONN', {
        ...this.#context(),
        op: 'wrapSocket',
        detail: 'TLS needs a connected stream socket',
      });
    }
    const unread = engine.detach();
    this.#engine = null;
    this.#closed = true;
    this.#notify();
    return { stream: engine.stream, unread };
  }

  // ---------------------------------------------------------------- names and options

  /**
   * Our own address: after `bind([host, 0])` it holds the real port.
   * @throws {SocketError} `EBADF` when closed.
   */
  getsockname(): SocketAddress {
    this.#checkOpen('getsockname');
    const engine = this.#engine;
    if (engine instanceof DatagramEngine && !engine.bound) return this.#unbound();
    if (engine !== null) return engine.localAddress();
    return this.#unbound();
  }

  /**
   * The peer's address.
   * @throws {SocketError} `ENOTCONN` when not connected.
   */
  getpeername(): SocketAddress {
    this.#checkOpen('getpeername');
    const engine = this.#engine;
    const peer =
      engine instanceof StreamEngine
        ? engine.remoteAddress()
        : engine instanceof DatagramEngine
          ? engine.connected
          : null;
    if (peer === null) throw new SocketError('ENOTCONN', { ...this.#context(), op: 'getpeername' });
    return peer;
  }

  /**
   * Sets an option: `SO_REUSEADDR`, `SO_REUSEPORT`, `SO_KEEPALIVE`, `SO_BROADCAST`,
   * `SO_RCVBUF`, `SO_SNDBUF`, `TCP_NODELAY`, `IPV6_V6ONLY`, `IP_TTL` and the multicast options
   * (`IP_ADD_MEMBERSHIP` takes Python's 8-byte `mreq`: group then interface, each `inetAton`).
   * @throws {SocketError} `ENOPROTOOPT` for an option polyport does not know.
   * @example sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
   */
  setsockopt(level: number, optname: number, value: number | boolean | Uint8Array): void {
    this.#checkOpen('setsockopt');
    const key = optKey(level, optname);
    if (!KNOWN_OPTIONS.has(key)) {
      throw new SocketError('ENOPROTOOPT', {
        ...this.#context(),
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
    this.#options.set(key, stored);
    const engine = this.#engine;
    if (engine instanceof StreamEngine) this.#applyStreamOptions(engine);
    else if (engine instanceof DatagramEngine && engine.bound)
      this.#applyDatagramOptions(engine, key);
  }

  /**
   * Reads an option. `SO_ERROR` returns and clears the pending error's errno; `SO_TYPE` the type.
   * @returns the value (a number, or bytes for the multicast membership options).
   */
  getsockopt(level: number, optname: number, buflen?: number): number | Buffer {
    void buflen;
    this.#checkOpen('getsockopt');
    if (level === SOL_SOCKET && optname === SO_ERROR) {
      const err = this.#soError;
      this.#soError = null;
      return err?.errno ?? 0;
    }
    if (level === SOL_SOCKET && optname === SO_TYPE) return this.type;
    const engine = this.#engine;
    if (level === SOL_SOCKET && optname === SO_RCVBUF) {
      if (engine instanceof StreamEngine || engine instanceof DatagramEngine)
        return engine.receiveLimit;
    }
    if (level === SOL_SOCKET && optname === SO_SNDBUF && engine instanceof StreamEngine)
      return engine.sendLimit;
    const key = optKey(level, optname);
    if (!KNOWN_OPTIONS.has(key)) {
      throw new SocketError('ENOPROTOOPT', {
        ...this.#context(),
        op: 'getsockopt',
        detail: `option ${level}/${optname} is not supported`,
      });
    }
    return this.#options.get(key) ?? defaultOption(key, this.type);
  }

  /** The file descriptor, or -1 when the socket is closed or has none yet. */
  fileno(): number {
    if (this.#closed) return -1;
    const engine = this.#engine;
    if (engine instanceof StreamEngine) return engine.fd;
    const handle =
      engine instanceof ListenerEngine
        ? handleOf(engine.server)
        : engine instanceof DatagramEngine
          ? datagramHandle(engine.socket)
          : undefined;
    const fd = handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : -1;
  }

  /** A short description, as Python's repr: `<Socket fd=5 family=AF_INET type=SOCK_STREAM laddr=…>`. */
  toString(): string {
    const parts = [
      `fd=${this.fileno()}`,
      `family=${familyName(this.family)}`,
      `type=${this.type === SOCK_DGRAM ? 'SOCK_DGRAM' : 'SOCK_STREAM'}`,
    ];
    if (!this.#closed) {
      parts.push(`laddr=${formatAddress(this.getsockname())}`);
      const engine = this.#engine;
      const peer = engine instanceof StreamEngine ? engine.remoteAddress() : null;
      if (peer !== null) parts.push(`raddr=${formatAddress(peer)}`);
    } else parts.push('[closed]');
    return `<Socket ${parts.join(' ')}>`;
  }

  // ---------------------------------------------------------------- internals

  #context(): SocketErrorContext {
    const engine = this.#engine;
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

  #checkOpen(op: string): void {
    if (this.#closed)
      throw new SocketError('EBADF', {
        op,
        net: networkName(this.family, this.type),
        detail: 'bad file descriptor (socket is closed)',
      });
  }

  #throwSoError(): void {
    const err = this.#soError;
    if (err !== null) {
      this.#soError = null;
      throw err;
    }
  }

  #deadline(): number | null {
    return this.#timeout === null || this.#timeout === 0
      ? null
      : performance.now() + this.#timeout * 1000;
  }

  /** Waits until readiness has any bit of `mask` (or an error, or closing), or the deadline. */
  #waitFor(mask: number, op: string, deadline: number | null): Promise<void> {
    const wake = mask | READY_ERROR | READY_CLOSED;
    return this.#waitUntil(() => (this.readiness & wake) !== 0, op, deadline);
  }

  /** Waits until `ready()` holds, re-checking whenever readiness may have changed. */
  #waitUntil(ready: () => boolean, op: string, deadline: number | null): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = this.#listeners.add(() => {
        if (!ready()) return;
        stop();
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      });
      if (deadline !== null) {
        timer = setTimeout(
          () => {
            stop();
            reject(new SocketTimeoutError({ ...this.#context(), op }));
          },
          Math.max(0, deadline - performance.now()),
        );
      }
    });
  }

  #datagram(): DatagramEngine {
    const engine = this.#engine;
    if (engine instanceof DatagramEngine) return engine;
    const reuseAddr = Boolean(this.#options.get(optKey(SOL_SOCKET, SO_REUSEADDR)));
    const v6only = Boolean(this.#options.get(optKey(IPPROTO_IPV6, IPV6_V6ONLY)));
    const rcv = this.#options.get(optKey(SOL_SOCKET, SO_RCVBUF));
    const udp = createDgramSocket({
      type: this.family === AF_INET6 ? 'udp6' : 'udp4',
      reuseAddr,
      ipv6Only: v6only,
    });
    const created = new DatagramEngine(udp, this.family, this.#notify, () => this.#context());
    if (typeof rcv === 'number') created.receiveLimit = rcv;
    this.#engine = created;
    return created;
  }

  #applyStreamOptions(engine: StreamEngine): void {
    const nodelay = this.#options.get(optKey(IPPROTO_TCP, TCP_NODELAY));
    if (nodelay !== undefined && this.family !== AF_UNIX)
      engine.stream.setNoDelay(Boolean(nodelay));
    const keepalive = this.#options.get(optKey(SOL_SOCKET, SO_KEEPALIVE));
    if (keepalive !== undefined) engine.stream.setKeepAlive(Boolean(keepalive));
    const rcv = this.#options.get(optKey(SOL_SOCKET, SO_RCVBUF));
    if (typeof rcv === 'number') {
      engine.receiveLimit = rcv;
      engine.consumed();
    }
    const snd = this.#options.get(optKey(SOL_SOCKET, SO_SNDBUF));
    if (typeof snd === 'number') engine.sendLimit = snd;
  }

  #applyDatagramOptions(engine: DatagramEngine, only?: string): void {
    for (const [key, value] of this.#options) {
      if (only !== undefined && key !== only) continue;
      try {
        applyDatagramOption(engine, key, value);
      } catch (err) {
        throw toSocketError(err, { ...this.#context(), op: 'setsockopt' });
      }
    }
  }

  /** `SO_LINGER` set to on with a zero timeout: `close()` resets instead of sending FIN. */
  #lingerZero(): boolean {
    const linger = this.#options.get(optKey(SOL_SOCKET, SO_LINGER));
    return (
      Buffer.isBuffer(linger) &&
      linger.length >= 8 &&
      linger.readInt32LE(0) !== 0 &&
      linger.readInt32LE(4) === 0
    );
  }

  #unbound(): SocketAddress {
    if (this.family === AF_UNIX) return '';
    return this.family === AF_INET6 ? ['::', 0, 0, 0] : ['0.0.0.0', 0];
  }

  #peerOrEmpty(): SocketAddress {
    try {
      return this.getpeername();
    } catch {
      return this.#unbound();
    }
  }
}

// ------------------------------------------------------------------ helpers

function optKey(level: number, optname: number): string {
  return `${level}:${optname}`;
}

const KNOWN_OPTIONS = new Set(
  [
    [SOL_SOCKET, SO_REUSEADDR],
    [SOL_SOCKET, SO_REUSEPORT],
    [SOL_SOCKET, SO_KEEPALIVE],
    [SOL_SOCKET, SO_BROADCAST],
    [SOL_SOCKET, SO_RCVBUF],
    [SOL_SOCKET, SO_SNDBUF],
    [SOL_SOCKET, SO_LINGER],
    [IPPROTO_TCP, TCP_NODELAY],
    [IPPROTO_IPV6, IPV6_V6ONLY],
    [IPPROTO_IP, IP_TTL],
    [IPPROTO_IP, IP_MULTICAST_TTL],
    [IPPROTO_IP, IP_MULTICAST_LOOP],
    [IPPROTO_IP, IP_MULTICAST_IF],
    [IPPROTO_IP, IP_ADD_MEMBERSHIP],
    [IPPROTO_IP, IP_DROP_MEMBERSHIP],
  ].map(([level, opt]) => optKey(level as number, opt as number)),
);

function defaultOption(key: string, type: number): number | Buffer {
  // struct linger { int l_onoff; int l_linger; }: off.
  if (key === optKey(SOL_SOCKET, SO_LINGER)) return Buffer.alloc(8);
  if (key === optKey(IPPROTO_IP, IP_MULTICAST_TTL)) return 1;
  if (key === optKey(IPPROTO_IP, IP_MULTICAST_LOOP)) return 1;
  if (key === optKey(IPPROTO_IP, IP_TTL)) return 64;
  // Node sets SO_REUSEADDR on every TCP listener, as most servers do.
  if (key === optKey(SOL_SOCKET, SO_REUSEADDR)) return type === SOCK_STREAM ? 1 : 0;
  return 0;
}

function applyDatagramOption(engine: DatagramEngine, key: string, value: number | Buffer): void {
  const udp = engine.socket;
  const num = typeof value === 'number' ? value : 0;
  switch (key) {
    case optKey(SOL_SOCKET, SO_BROADCAST):
      udp.setBroadcast(Boolean(num));
      break;
    case optKey(SOL_SOCKET, SO_RCVBUF):
      engine.receiveLimit = num;
      udp.setRecvBufferSize(num);
      break;
    case optKey(SOL_SOCKET, SO_SNDBUF):
      udp.setSendBufferSize(num);
      break;
    case optKey(IPPROTO_IP, IP_TTL):
      udp.setTTL(num);
      break;
    case optKey(IPPROTO_IP, IP_MULTICAST_TTL):
      udp.setMulticastTTL(num);
      break;
    case optKey(IPPROTO_IP, IP_MULTICAST_LOOP):
      udp.setMulticastLoopback(Boolean(num));
      break;
    case optKey(IPPROTO_IP, IP_MULTICAST_IF):
      udp.setMulticastInterface(
        typeof value === 'number' ? ipv4FromNumber(value) : ipv4FromBytes(value, 0),
      );
      break;
    case optKey(IPPROTO_IP, IP_ADD_MEMBERSHIP):
    case optKey(IPPROTO_IP, IP_DROP_MEMBERSHIP): {
      if (!Buffer.isBuffer(value) || value.length < 8) {
        throw new TypeError(
          'IP_ADD_MEMBERSHIP needs an 8-byte mreq: inetAton(group) + inetAton(interface)',
        );
      }
      const group = ipv4FromBytes(value, 0);
      const iface = ipv4FromBytes(value, 4);
      const ifaceArg = iface === '0.0.0.0' ? undefined : iface;
      if (key === optKey(IPPROTO_IP, IP_ADD_MEMBERSHIP)) udp.addMembership(group, ifaceArg);
      else udp.dropMembership(group, ifaceArg);
      break;
    }
    default:
      break;
  }
}

function ipv4FromBytes(bytes: Buffer, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

function ipv4FromNumber(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function toBytes(data: BytesLike, op: string): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw new TypeError(
    `${op}(): data must be a Uint8Array, a Buffer or a string, got ${describe(data)}`,
  );
}

function checkSize(bufsize: number, op: string): void {
  if (typeof bufsize !== 'number' || !Number.isInteger(bufsize)) {
    throw new TypeError(`${op}(): bufsize must be an integer, got ${describe(bufsize)}`);
  }
  if (bufsize < 0) throw new RangeError(`${op}(): negative buffersize in ${op}: ${bufsize}`);
}

function checkInto(buffer: Uint8Array, nbytes: number, op: string): number {
  if (!(buffer instanceof Uint8Array)) {
    throw new TypeError(`${op}(): buffer must be a Uint8Array or Buffer, got ${describe(buffer)}`);
  }
  checkSize(nbytes, op);
  if (nbytes > buffer.length)
    throw new RangeError(`${op}(): nbytes ${nbytes} is greater than the buffer (${buffer.length})`);
  return nbytes === 0 ? buffer.length : nbytes;
}

interface HasFd {
  readonly fd?: number;
}

function handleOf(object: object): HasFd | undefined {
  return (object as { _handle?: HasFd | null })._handle ?? undefined;
}

function datagramHandle(udp: object): HasFd | undefined {
  // node:dgram keeps its handle under a private symbol; read it only to report the fd.
  for (const symbol of Object.getOwnPropertySymbols(udp)) {
    const state = (udp as Record<symbol, { handle?: HasFd } | undefined>)[symbol];
    if (state && typeof state === 'object' && 'handle' in state) return state.handle;
  }
  return undefined;
}
