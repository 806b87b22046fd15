/**
 * `TcpListener`: the accepting side of every TCP server — an optional PROXY header read first
 * (behind a load balancer), limits on connections in total and per address (over the limit:
 * the protocol's busy reply, then close), optional implicit TLS with a handshake deadline, and
 * a factory that makes the protocol's channel for each accepted connection.
 */
import { type ChannelSocket, Dispatcher, type SocketMap } from '../dispatch/index.js';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_TCP,
  SHUT_WR,
  SO_REUSEPORT,
  SOL_SOCKET,
  Socket,
  type SocketAddress,
  SocketTimeoutError,
  type SSLContext,
  TCP_NODELAY,
} from '../socket/index.js';
import { type Clock, systemClock } from './clock.js';
import {
  ConnectionCounter,
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_LIMITS,
  type ServerLimits,
} from './limits.js';
import { ProxyHeaderError, type ProxyHeaderPhase, readProxyHeader } from './proxy-header-phase.js';
import type { ServerChannelOptions } from './server-channel.js';
import { type ServerHandshake, serverHandshake } from './server-handshake.js';
import { peerText, type ServerObserver } from './server-observer.js';

/** What the listener hands the protocol for each connection it accepts. */
export interface AcceptedConnection {
  readonly socket: ChannelSocket;
  /** The client: the one a PROXY header named, else the socket's peer. */
  readonly address: SocketAddress;
  /** The load balancer that sent a PROXY header naming `address` (absent without one). */
  readonly proxiedBy?: SocketAddress;
  /** Releases the connection's slot; the channel calls it when it closes. */
  readonly release: () => void;
  /**
   * What the connection's `ServerChannel` takes, from the listener's own options: the slot
   * release, limits, observer, map and clock, so a protocol passes them on in one piece.
   */
  readonly channelOptions: ServerChannelOptions;
}

/** Options for {@link TcpListener.open}. */
export interface TcpListenerOptions {
  /** Where to listen: `[host, port]` (port 0: any free port). */
  readonly address: readonly [string, number];
  readonly limits?: ServerLimits;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  /** The clock the channels take (for their timeouts). */
  readonly clock?: Clock;
  readonly backlog?: number;
  /** Makes the protocol's channel for an accepted connection. */
  readonly createChannel: (connection: AcceptedConnection) => void;
  /**
   * The protocol's "busy" reply for a connection over the limits (e.g. `421 Too many users`).
   * On a TLS port it is sent inside TLS, never in the clear (see {@link TcpListener}).
   */
  readonly busyReply?: Uint8Array | string;
  /**
   * Speak TLS from the first byte (HTTPS, POP3S): the handshake happens before the channel,
   * within `limits.handshakeTimeout`.
   */
  readonly tls?: SSLContext;
  /** Behind a load balancer: every connection starts with a PROXY header (see below). */
  readonly proxyProtocol?: ProxyProtocolOptions;
  /**
   * Several processes serve one port: `SO_REUSEPORT` is set before the bind, so each process's
   * listener binds the same address and the kernel spreads new connections between them. Every
   * listener on the port must set it. Fails with `ENOPROTOOPT` on a Node that cannot set it
   * (before 22.12, without polyport's native addon).
   */
  readonly reusePort?: boolean;
}

/** How a listener behind a load balancer takes the PROXY protocol (v1 and v2). */
export interface ProxyProtocolOptions {
  /**
   * Whether a connection from this address (a balancer's) may send the header. Every other
   * connection is refused at once: a header from anyone else would be a forged client address.
   */
  readonly allowed: (host: string) => boolean;
}

/**
 * Connections over the limits that may be being refused at once (handshaking on a TLS port,
 * or lingering until the client has read the busy reply); more are closed at once. Each costs
 * a descriptor for a bounded time, so a flood of refused clients cannot exhaust descriptors.
 */
export const MAX_TLS_REFUSALS = 32;

/**
 * A listening server socket in the host's loop.
 *
 * On a TLS port every connection must finish its handshake within `limits.handshakeTimeout`
 * (default 10 s) or it is closed and its slot freed: a client that connects and sends nothing,
 * or half a ClientHello, holds nothing for longer. A connection over the limits is never
 * answered in the clear there (a TLS client would read it as a broken handshake): as nginx does
 * for `limit_conn`, the handshake is completed and the busy reply (HTTP 503, `-ERR`) sent
 * inside TLS, then the connection closed; when {@link MAX_TLS_REFUSALS} such handshakes are
 * already under way, the connection is closed without a byte.
 *
 * With `proxyProtocol`, the PROXY header is read before anything else (the TLS handshake, the
 * banner), within `limits.handshakeTimeout`, from allowed balancers only. A connection without
 * a valid header is refused (as HAProxy's `accept-proxy`), a `LOCAL` one (a health check) keeps
 * the balancer's address. The limits count the client the header names, so they are checked
 * once it is read; until then a connection holds no slot, and at most `maxConnections` headers
 * are awaited at once.
 *
 * @example
 * const listener = await TcpListener.open({
 *   address: ['127.0.0.1', 0],
 *   createChannel: ({ socket, release }) => new EchoChannel(socket, { release }),
 * });
 */
export class TcpListener extends Dispatcher {
  readonly #options: TcpListenerOptions;
  readonly #counter: ConnectionCounter;
  readonly #handshakes = new Set<ServerHandshake>();
  readonly #headers = new Set<ProxyHeaderPhase>();
  #refusing = 0;
  #closed = false;

  /**
   * Binds and listens.
   * @throws {SocketError} `EADDRINUSE`, `EACCES`, … from the bind.
   */
  static async open(options: TcpListenerOptions): Promise<TcpListener> {
    const listener = new TcpListener(options);
    try {
      if (options.reusePort) listener.socket?.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
      await listener.bind([options.address[0], options.address[1]]);
      await listener.listen(options.backlog ?? 511);
    } catch (err) {
      listener.close();
      throw err;
    }
    return listener;
  }

  private constructor(options: TcpListenerOptions) {
    super(null, options.map);
    this.#options = options;
    this.#counter = new ConnectionCounter(options.limits ?? DEFAULT_LIMITS);
    this.createSocket(options.address[0].includes(':') ? AF_INET6 : AF_INET);
    this.setReuseAddr();
    // Accepted connections take it over. Without it, a reply written while the previous one is
    // unacknowledged waits for the peer's delayed ACK, up to 40 ms on Linux: an FTP server's
    // 226 after its 150, when the client sent nothing between (every small upload or download).
    // nginx, vsftpd and Dovecot set it too.
    this.socket?.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
  }

  /** The address actually bound (the real port after asking for port 0). */
  get boundAddress(): readonly [string, number] {
    return this.socket?.getsockname() as [string, number];
  }

  /** Connections open now. */
  get connections(): number {
    return this.#counter.total;
  }

  override handleAccepted(sock: ChannelSocket, address: SocketAddress): void {
    const proxy = this.#options.proxyProtocol;
    if (proxy === undefined) {
      this.#admit(sock, address);
      return;
    }
    const peer = peerText(address);
    const refuse = (reason: string): void => {
      sock.close();
      this.#options.observer?.connectionRefused?.(peer, reason);
    };
    const maxPending = (this.#options.limits ?? DEFAULT_LIMITS).maxConnections;
    if (!(sock instanceof Socket)) {
      refuse('the PROXY protocol needs a network socket');
      return;
    }
    if (!proxy.allowed(hostText(address))) {
      refuse('PROXY protocol from an address not in proxyProtocolFrom');
      return;
    }
    if (this.#headers.size >= maxPending) {
      refuse('too many PROXY headers awaited');
      return;
    }
    const phase = readProxyHeader(sock, {
      clock: this.#options.clock ?? systemClock,
      timeout: this.#options.limits?.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
    });
    this.#headers.add(phase);
    phase.done.then(
      (header) => {
        this.#headers.delete(phase);
        if (this.#closed) sock.close();
        else if ('local' in header) this.#admit(sock, address);
        else this.#admit(sock, [header.source[0], header.source[1]], address);
      },
      (err: unknown) => {
        this.#headers.delete(phase);
        if (this.#closed) return;
        if (err instanceof SocketTimeoutError) refuse('no PROXY header in time');
        else if (err instanceof ProxyHeaderError) refuse(`bad PROXY header: ${err.message}`);
        else this.#options.observer?.error?.(err, peer);
      },
    );
  }

  /**
   * Takes a connection's slot, counted for `address` (the client), and goes on to the TLS
   * handshake if any and the channel.
   * @param proxiedBy the balancer, when a PROXY header named `address`.
   */
  #admit(sock: ChannelSocket, address: SocketAddress, proxiedBy?: SocketAddress): void {
    const host = hostText(address);
    const slot = this.#counter.tryAcquire(host);
    const tls = this.#options.tls;
    if (tls !== undefined && !(sock instanceof Socket)) {
      // TLS wraps a network socket; an in-memory one (polyport/testing) is never served plain.
      if (typeof slot === 'function') slot();
      sock.close();
      this.#options.observer?.error?.(new Error('TLS needs a network socket'), peerText(address));
      return;
    }
    if (typeof slot !== 'function') {
      this.#options.observer?.connectionRefused?.(peerText(address), slot.refused);
      if (sock instanceof Socket && tls !== undefined) this.#refuseInTls(sock, address);
      else this.#refusePlain(sock);
      return;
    }
    if (!(sock instanceof Socket) || tls === undefined) {
      this.#create(sock, address, slot, proxiedBy);
      return;
    }
    this.#handshake(sock, address).then((secure) => {
      if (secure === null) slot();
      else this.#create(secure, address, slot, proxiedBy);
    });
  }

  /**
   * Runs a handshake within the deadline. Resolves to null when it failed, timed out, or the
   * listener closed meanwhile; the connection is then closed (TLS and plain socket both).
   */
  #handshake(plain: Socket, address: SocketAddress): Promise<Socket | null> {
    const handshake = serverHandshake(plain, {
      context: this.#options.tls as SSLContext,
      clock: this.#options.clock ?? systemClock,
      timeout: this.#options.limits?.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
    });
    this.#handshakes.add(handshake);
    return handshake.done.then(
      (secure) => {
        this.#handshakes.delete(handshake);
        if (!this.#closed) return secure;
        secure.close();
        return null;
      },
      (err: unknown) => {
        this.#handshakes.delete(handshake);
        if (this.#closed) return null;
        const peer = peerText(address);
        if (err instanceof SocketTimeoutError) {
          this.#options.observer?.log?.('info', 'TLS handshake timeout', { peer });
        } else this.#options.observer?.error?.(err, peer);
        return null;
      },
    );
  }

  #refuseInTls(plain: Socket, address: SocketAddress): void {
    if (this.#refusing >= MAX_TLS_REFUSALS) {
      plain.close();
      return;
    }
    this.#refusing++;
    this.#handshake(plain, address)
      .then((secure) => (secure === null ? undefined : lingeringRefusal(secure, this.#options)))
      .finally(() => this.#refusing--);
  }

  #refusePlain(sock: ChannelSocket): void {
    if (!(sock instanceof Socket) || this.#refusing >= MAX_TLS_REFUSALS) {
      refuse(sock, this.#options.busyReply);
      return;
    }
    this.#refusing++;
    lingeringRefusal(sock, this.#options).finally(() => this.#refusing--);
  }

  #create(
    sock: ChannelSocket,
    address: SocketAddress,
    release: () => void,
    proxiedBy: SocketAddress | undefined,
  ): void {
    const { limits, observer, map, clock } = this.#options;
    const channelOptions: ServerChannelOptions = {
      release,
      ...(proxiedBy !== undefined ? { peerAddress: address } : {}),
      ...(limits ? { limits } : {}),
      ...(observer ? { observer } : {}),
      ...(map ? { map } : {}),
      ...(clock ? { clock } : {}),
    };
    try {
      this.#options.createChannel({
        socket: sock,
        address,
        release,
        channelOptions,
        ...(proxiedBy !== undefined ? { proxiedBy } : {}),
      });
    } catch (err) {
      release();
      sock.close();
      this.#options.observer?.error?.(err, peerText(address));
    }
  }

  override handleError(error: unknown): void {
    // A failed accept must not close the listener: report it and keep listening.
    this.#options.observer?.error?.(error);
  }

  override close(): void {
    this.#closed = true;
    super.close();
    // The plain sockets are detached: only aborting frees a handshake's connection.
    for (const handshake of this.#handshakes) handshake.abort();
    this.#handshakes.clear();
    for (const phase of this.#headers) phase.abort();
    this.#headers.clear();
  }
}

/** The host part of a peer address, as the limits and the balancer list take it. */
function hostText(address: SocketAddress): string {
  return Array.isArray(address) ? String(address[0]) : 'unix';
}

/** Seconds a refused connection may linger to be read its busy reply (see lingeringRefusal). */
const REFUSAL_LINGER = 2;

/**
 * Sends the busy reply, shuts our side, and reads and drops what the client sends until it
 * closes (at most about {@link REFUSAL_LINGER} s): closing with the client's bytes unread (a
 * finger query, a pipelined request) would reset the connection, and the reset can destroy the
 * busy reply before the client reads it.
 */
async function lingeringRefusal(sock: Socket, options: TcpListenerOptions): Promise<void> {
  const deadline = Date.now() + REFUSAL_LINGER * 1000;
  try {
    sock.settimeout(REFUSAL_LINGER);
    if (options.busyReply !== undefined) await sock.sendall(options.busyReply);
    sock.shutdown(SHUT_WR);
    while (Date.now() < deadline && (await sock.recv(4096)).length > 0) {
      // dropped: the client is refused
    }
  } catch {
    // a timeout or a reset ends the wait; either way the connection closes now
  } finally {
    sock.close();
  }
}

/** Sends the busy reply if any and closes. */
function refuse(sock: ChannelSocket, busy: Uint8Array | string | undefined): void {
  try {
    if (busy !== undefined) sock.sendNowait(busy);
  } catch {
    // the peer is already gone
  }
  sock.close();
}
