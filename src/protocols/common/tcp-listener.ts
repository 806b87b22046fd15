/**
 * `TcpListener`: the accepting side of every TCP server — limits on connections in total and
 * per address (over the limit: the protocol's busy reply, then close), optional implicit TLS,
 * and a factory that makes the protocol's channel for each accepted connection.
 */
import { type ChannelSocket, Dispatcher, type SocketMap } from '../../dispatch/index.js';
import {
  AF_INET,
  AF_INET6,
  type Socket,
  type SocketAddress,
  type SSLContext,
} from '../../socket/index.js';
import type { Clock } from './clock.js';
import { ConnectionCounter, DEFAULT_LIMITS, type ServerLimits } from './limits.js';
import type { ServerChannelOptions } from './server-channel.js';
import { peerText, type ServerObserver } from './server-observer.js';

/** What the listener hands the protocol for each connection it accepts. */
export interface AcceptedConnection {
  readonly socket: ChannelSocket;
  readonly address: SocketAddress;
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
  /** The protocol's "busy" reply for a connection over the limits (e.g. `421 Too many users`). */
  readonly busyReply?: Uint8Array | string;
  /** Speak TLS from the first byte (HTTPS, POP3S): the handshake happens before the channel. */
  readonly tls?: SSLContext;
}

/**
 * A listening server socket in the host's loop.
 * @example
 * const listener = await TcpListener.open({
 *   address: ['127.0.0.1', 0],
 *   createChannel: ({ socket, release }) => new EchoChannel(socket, { release }),
 * });
 */
export class TcpListener extends Dispatcher {
  readonly #options: TcpListenerOptions;
  readonly #counter: ConnectionCounter;
  readonly #handshakes = new Set<Socket>();

  /**
   * Binds and listens.
   * @throws {SocketError} `EADDRINUSE`, `EACCES`, … from the bind.
   */
  static async open(options: TcpListenerOptions): Promise<TcpListener> {
    const listener = new TcpListener(options);
    try {
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
    const host = Array.isArray(address) ? String(address[0]) : 'unix';
    const slot = this.#counter.tryAcquire(host);
    if (typeof slot !== 'function') {
      this.#options.observer?.connectionRefused?.(peerText(address), slot.refused);
      const busy = this.#options.busyReply;
      try {
        if (busy !== undefined) sock.sendNowait(busy);
      } catch {
        // the peer is already gone
      }
      sock.close();
      return;
    }
    const tls = this.#options.tls;
    if (tls === undefined) {
      this.#create(sock, address, slot);
      return;
    }
    const plain = sock as Socket;
    this.#handshakes.add(plain);
    tls.wrapSocket(plain, { serverSide: true }).then(
      (secure) => {
        this.#handshakes.delete(plain);
        if (this.socket === null) {
          secure.close();
          slot();
          return;
        }
        this.#create(secure, address, slot);
      },
      (err: unknown) => {
        this.#handshakes.delete(plain);
        plain.close();
        slot();
        this.#options.observer?.error?.(err, peerText(address));
      },
    );
  }

  #create(sock: ChannelSocket, address: SocketAddress, release: () => void): void {
    const { limits, observer, map, clock } = this.#options;
    const channelOptions: ServerChannelOptions = {
      release,
      ...(limits ? { limits } : {}),
      ...(observer ? { observer } : {}),
      ...(map ? { map } : {}),
      ...(clock ? { clock } : {}),
    };
    try {
      this.#options.createChannel({ socket: sock, address, release, channelOptions });
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
    for (const sock of this.#handshakes) sock.close();
    this.#handshakes.clear();
    super.close();
  }
}
