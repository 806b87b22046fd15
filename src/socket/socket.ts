/**
 * `Socket`: a BSD socket as Python's `socket.socket` presents it, on Node's `net` and `dgram`.
 * Calls that may wait return Promises (`await` is where Python blocks); the `…Nowait` variants
 * never wait and are what event-driven code (selectors, the dispatcher) calls. This file holds
 * the calls that make connections (`bind`, `listen`, `accept`, `connect`); the byte-moving calls
 * are in `socket-io.ts` and the state and options in `socket-base.ts`.
 */
import type { ListenOptions, Socket as NetSocket } from 'node:net';
import {
  describe,
  formatAddress,
  type ResolvedAddress,
  resolveAddress,
  type SocketAddress,
  toAddressTuple,
} from './address.js';
import {
  AF_INET6,
  AF_UNIX,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_V6ONLY,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_RCVBUF,
  SO_REUSEPORT,
  SO_SNDBUF,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  SOMAXCONN,
  TCP_NODELAY,
} from './constants.js';

import {
  AddressInfoError,
  BlockingIOError,
  SocketError,
  type SocketErrorContext,
  SocketTimeoutError,
  toSocketError,
} from './errors.js';
import { FdEngine } from './fd-engine.js';
import { ListenerEngine } from './listener-engine.js';
import { loadBuiltin } from './load-builtin.js';
import { MessageIO } from './message-io.js';
import { fromResolverError } from './netdb-backend.js';
import { slabReads } from './node/slab-reads.js';
import { READY_READ } from './readiness.js';
import { reusePortDescriptor, reusePortPath } from './reuse-port.js';
import { adoptStream } from './socket-base.js';
import { optKey } from './socket-options.js';
import { StreamEngine } from './stream-engine.js';

export type { BytesLike } from './arguments.js';
export { type AdoptedStream, adoptStream } from './socket-base.js';

/** The options an accepted connection takes over from its listener. */
const INHERITED_OPTIONS: readonly string[] = [
  optKey(SOL_SOCKET, SO_RCVBUF),
  optKey(SOL_SOCKET, SO_SNDBUF),
  optKey(IPPROTO_TCP, TCP_NODELAY),
  optKey(SOL_SOCKET, SO_KEEPALIVE),
  optKey(SOL_SOCKET, SO_LINGER),
];

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
export class Socket extends MessageIO {
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
    this.checkOpen('bind');
    if (this.engine instanceof FdEngine) return this.bindDescriptor(this.engine, address);
    const resolved = resolveAddress(this.family, address, 'bind');
    if (this.engine !== null || this.connecting !== null) {
      throw new SocketError('EINVAL', {
        ...this.errorContext(),
        op: 'bind',
        detail: 'socket is already bound or connected',
      });
    }
    if (this.type === SOCK_DGRAM) await this.bindDatagram(resolved);
    else await Socket.#bindStream(this, resolved, SOMAXCONN);
  }

  // Private helpers are static, given the socket: an instance private method would cost every
  // socket a field (V8's brand of the class), and a server holds thousands of sockets.
  static async #bindStream(
    self: Socket,
    resolved: ResolvedAddress,
    backlog: number,
  ): Promise<void> {
    const server = loadBuiltin('node:net').createServer({
      pauseOnConnect: true,
      allowHalfOpen: true,
    });
    const reusePort = Boolean(self.optionValues.get(optKey(SOL_SOCKET, SO_REUSEPORT)));
    const v6only = Boolean(self.optionValues.get(optKey(IPPROTO_IPV6, IPV6_V6ONLY)));
    const context = { ...self.errorContext(), op: 'bind', addr: formatAddress(resolved) };
    // A descriptor to adopt, or where Node is to bind.
    let listenOptions: ListenOptions | { readonly fd: number };
    if (resolved.path !== undefined) listenOptions = { path: resolved.path, backlog };
    else if (reusePort && reusePortPath() !== 'public') {
      // A Node without the option: the addon binds and listens, and Node adopts the
      // descriptor (its listen() again is harmless, and it owns and closes it from then on).
      const fd = await reusePortDescriptor(
        self.family,
        SOCK_STREAM,
        resolved,
        v6only,
        backlog,
        context,
      );
      listenOptions = { fd };
    } else {
      listenOptions = {
        host: resolved.host,
        port: resolved.port,
        backlog,
        ipv6Only: v6only,
        ...(reusePort ? { reusePort: true } : {}),
      };
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(toSocketError(err, context));
      };
      server.once('error', onError);
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      // Node reads the backlog of a descriptor's listen() from the arguments, not the options.
      if ('fd' in listenOptions) server.listen(listenOptions, backlog, onListening);
      else server.listen(listenOptions, onListening);
    });
    if (self.isClosed) {
      server.close();
      throw new SocketError('EBADF', { op: 'bind' });
    }
    self.engine = new ListenerEngine(
      server,
      self.family,
      () => self.notify(),
      () => self.errorContext(),
    );
    const refused = self.applyKernelOptions();
    if (refused !== null) throw refused;
    // Run the slab reads self-test now, so connections accepted later can use them.
    if (self.family !== AF_UNIX) slabReads.usable();
  }

  /**
   * Starts accepting connections. An unbound socket is bound to an ephemeral port first.
   * @param backlog how many connections may wait for `accept()` (default 128, at most SOMAXCONN).
   * @throws {SocketError} `EOPNOTSUPP` on a datagram socket, `EINVAL` on a connected one.
   */
  async listen(backlog = 128): Promise<void> {
    this.checkOpen('listen');
    if (!Number.isInteger(backlog))
      throw new TypeError(`listen(): backlog must be an integer, got ${describe(backlog)}`);
    if (this.engine instanceof FdEngine) {
      this.listenDescriptor(this.engine, Math.max(0, Math.min(backlog, SOMAXCONN)));
      return;
    }
    if (this.type !== SOCK_STREAM) {
      throw new SocketError('EOPNOTSUPP', { ...this.errorContext(), op: 'listen' });
    }
    if (this.engine === null && this.connecting === null) {
      const wildcard = this.family === AF_INET6 ? ['::', 0] : ['0.0.0.0', 0];
      if (this.family === AF_UNIX)
        throw new SocketError('EINVAL', {
          op: 'listen',
          detail: 'AF_UNIX socket must be bound first',
        });
      await Socket.#bindStream(this, resolveAddress(this.family, wildcard, 'listen'), SOMAXCONN);
    }
    const engine = this.engine;
    if (!(engine instanceof ListenerEngine)) {
      throw new SocketError('EINVAL', {
        ...this.errorContext(),
        op: 'listen',
        detail: 'socket is connected',
      });
    }
    engine.listening = true;
    engine.backlog = Math.max(1, Math.min(Math.max(backlog, 0), SOMAXCONN) + 1);
    if (engine.queue.length > 0) this.notify();
  }

  /**
   * Accepts a connection.
   * @returns the connected socket and the peer's address.
   * @throws {BlockingIOError} when non-blocking and none is waiting.
   * @throws {SocketTimeoutError} when the timeout passes first.
   * @example const [conn, addr] = await server.accept();
   */
  async accept(): Promise<[Socket, SocketAddress]> {
    const deadline = this.deadline();
    for (;;) {
      const accepted = this.acceptNowait();
      if (accepted !== null) return accepted;
      if (this.timeoutValue === 0)
        throw new BlockingIOError({ ...this.errorContext(), op: 'accept' });
      await this.waitFor(READY_READ, 'accept', deadline);
    }
  }

  /**
   * Accepts a connection if one is waiting, without waiting: `null` otherwise.
   * @throws {SocketError} `EINVAL` when not listening, `EBADF` when closed.
   */
  acceptNowait(): [Socket, SocketAddress] | null {
    this.checkOpen('accept');
    const engine = this.engine;
    if (engine instanceof FdEngine) return this.acceptDescriptor(engine);
    if (!(engine instanceof ListenerEngine) || !engine.listening) {
      throw new SocketError('EINVAL', {
        ...this.errorContext(),
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
    // Accepted plain TCP connections read into shared slabs when that accelerator is usable
    // (node/slab-reads.ts); AF_UNIX keeps Node's 'data' path, and TLS is layered later over
    // whichever path the plain socket took.
    const slab = this.family !== AF_UNIX;
    const sock = new Socket(this.family, SOCK_STREAM, this.proto, adoptStream(conn, slab));
    Socket.#inheritOptions(sock, this);
    const peer = sock.engine instanceof StreamEngine ? sock.engine.remoteAddress() : null;
    return [sock, peer ?? (this.family === AF_UNIX ? '' : toAddressTuple(this.family, '', 0))];
  }

  static #inheritOptions(self: Socket, parent: Socket): void {
    const engine = self.engine as StreamEngine;
    for (const key of INHERITED_OPTIONS) {
      const value = parent.optionValues.get(key);
      if (value !== undefined) self.storeOption(key, value);
    }
    self.applyStreamOptions(engine);
  }

  // ---------------------------------------------------------------- connect

  /**
   * Connects to `address`. A datagram socket just sets its default peer.
   * @throws {ConnectionRefusedError} when nothing listens there.
   * @throws {AddressInfoError} `EAI_NONAME` when the host name does not resolve (TCP and UDP).
   * @throws {SocketTimeoutError} when the timeout passes first.
   * @throws {BlockingIOError} `EINPROGRESS` when non-blocking: the socket becomes writable once
   *   connected, and `getsockopt(SOL_SOCKET, SO_ERROR)` then tells how it went.
   * @example await sock.connect(['127.0.0.1', 80]);
   */
  async connect(address: SocketAddress): Promise<void> {
    this.checkOpen('connect');
    if (this.engine instanceof FdEngine) return this.connectDescriptor(this.engine, address);
    const resolved = resolveAddress(this.family, address, 'connect');
    if (this.type === SOCK_DGRAM) {
      await Socket.#connectDatagram(this, resolved);
      return;
    }
    if (this.engine instanceof StreamEngine) {
      throw new SocketError('EISCONN', { ...this.errorContext(), op: 'connect' });
    }
    if (this.connecting !== null) {
      throw new SocketError('EALREADY', { ...this.errorContext(), op: 'connect' });
    }
    const deadline = this.deadline();
    Socket.#startConnect(this, resolved);
    if (this.timeoutValue === 0) {
      throw new BlockingIOError(
        { ...this.errorContext(), op: 'connect', addr: formatAddress(resolved) },
        'EINPROGRESS',
      );
    }
    try {
      await this.waitUntil(() => this.connecting === null || this.isClosed, 'connect', deadline);
    } catch (err) {
      if (err instanceof SocketTimeoutError) {
        // The narrowing above does not know the wait changed #connecting.
        (this.connecting as NetSocket | null)?.destroy();
        this.connecting = null;
      }
      throw err;
    }
    const failure = this.soError;
    if (failure !== null) {
      this.soError = null;
      throw failure;
    }
    this.checkOpen('connect');
  }

  /**
   * Connects as `connect()` does, but returns the error number instead of throwing for a
   * refused or unreachable peer (0 on success), as Python's `connect_ex()`.
   * @returns 0, or an errno such as `ECONNREFUSED` (111) or `EINPROGRESS` (115).
   * @throws {TypeError|RangeError} for a malformed address, as `connect()` does.
   * @throws {AddressInfoError} when the name does not resolve, as Python's `gaierror`.
   */
  async connectEx(address: SocketAddress): Promise<number> {
    try {
      await this.connect(address);
      return 0;
    } catch (err) {
      // Python's connect_ex() raises gaierror for a name that does not resolve.
      if (err instanceof SocketError && !(err instanceof AddressInfoError)) return err.errno;
      throw err;
    }
  }

  static #startConnect(self: Socket, resolved: ResolvedAddress): void {
    const bound = self.engine instanceof ListenerEngine ? self.engine : null;
    const local = bound?.localAddress();
    if (bound !== null) {
      // Bound before connecting: give the port back to the connection (see bind()).
      bound.close();
      self.engine = null;
    }
    const options =
      resolved.path !== undefined
        ? { path: resolved.path, allowHalfOpen: true }
        : {
            host: resolved.host,
            port: resolved.port,
            family: self.family === AF_INET6 ? 6 : 4,
            allowHalfOpen: true,
            ...(Array.isArray(local)
              ? { localAddress: local[0] as string, localPort: local[1] as number }
              : {}),
          };
    const conn = StreamEngine.connect(options);
    self.connecting = conn;
    const onError = (err: Error): void => {
      conn.off('connect', onConnect);
      if (self.connecting !== conn) return;
      self.connecting = null;
      self.soError = connectError(err, resolved, {
        ...self.errorContext(),
        op: 'connect',
        addr: formatAddress(resolved),
      });
      conn.destroy();
      self.notify();
    };
    const onConnect = (): void => {
      conn.off('error', onError);
      if (self.connecting !== conn) return;
      self.connecting = null;
      const engine = new StreamEngine(conn, self);
      self.engine = engine;
      self.applyStreamOptions(engine);
      // Options Node cannot carry reach the kernel now that there is a descriptor; one refused
      // now (it passed setsockopt()'s check) is what connect() reports.
      self.soError = self.applyKernelOptions();
      self.notify();
    };
    conn.once('error', onError);
    conn.once('connect', onConnect);
  }

  static async #connectDatagram(self: Socket, resolved: ResolvedAddress): Promise<void> {
    const engine = self.datagramEngine();
    if (engine.connected !== null) {
      engine.socket.disconnect();
      engine.connected = null;
    }
    // As connect() would bind it, but without loading `cluster` where Node can (bindNow()).
    if (!engine.bound) engine.bindNow('', 0, { ...self.errorContext(), op: 'connect' });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          connectError(err, resolved, {
            ...self.errorContext(),
            op: 'connect',
            addr: formatAddress(resolved),
          }),
        );
      };
      engine.socket.once('error', onError);
      // A failed name lookup comes to self callback, not to 'error': without the check the
      // socket went on as connected and the next call threw Node's "Not connected".
      engine.socket.connect(resolved.port, resolved.host, (err?: Error) => {
        engine.socket.off('error', onError);
        if (err) onError(err);
        else resolve();
      });
    });
    engine.bound = true;
    const remote = engine.socket.remoteAddress();
    engine.connected = toAddressTuple(self.family, remote.address, remote.port);
    self.applyDatagramOptions(engine);
    const refused = self.applyKernelOptions();
    if (refused !== null) throw refused;
  }
}

/**
 * The error a failed `connect()` raises: a name that does not resolve is Python's `gaierror`
 * ({@link AddressInfoError}), as `getaddrinfo()` and `createConnection()` raise it; anything
 * else is the {@link SocketError} for Node's code.
 */
function connectError(
  err: Error,
  resolved: ResolvedAddress,
  context: SocketErrorContext,
): SocketError {
  if ((err as { syscall?: unknown }).syscall === 'getaddrinfo') {
    return fromResolverError(err, 'getaddrinfo', resolved.host ?? '');
  }
  return toSocketError(err, context);
}
