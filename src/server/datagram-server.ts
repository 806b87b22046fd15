/**
 * `DatagramServer`: the UDP side of a service — one handler call per datagram, replies rate
 * limited per client address so the service cannot amplify traffic.
 */
import { Dispatcher, type SocketMap } from '../dispatch/index.js';
import { AF_INET, AF_INET6, SOCK_DGRAM, type Socket, type SocketAddress } from '../socket/index.js';
import { type Clock, systemClock } from './clock.js';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import { peerText, type ServerObserver } from './server-observer.js';

/**
 * How often a reply's send is checked for failure: a reply that cannot be sent is lost as any
 * datagram may be; checking one in 32 still reports a fault that lasts (no route, a firewall
 * rule) within 32 replies, while the others skip Node's completion callback.
 */
const REPLY_CHECK_EVERY = 32;

/**
 * Answers one datagram: the reply, or null for none — or a promise of it, for a handler that
 * must ask someone else first (a forwarding resolver).
 */
export type DatagramHandler = (
  data: Buffer,
  from: SocketAddress,
) => Uint8Array | null | Promise<Uint8Array | null>;

/** Options for {@link DatagramServer.open}. */
export interface DatagramServerOptions {
  readonly address: readonly [string, number];
  readonly handler: DatagramHandler;
  readonly rate?: RateLimiterOptions;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
  /** The largest datagram read (default 65535). */
  readonly maxDatagram?: number;
}

/**
 * A UDP service in the host's loop.
 * @example
 * await DatagramServer.open({ address: ['127.0.0.1', 0], handler: (data) => data }); // echo
 */
export class DatagramServer extends Dispatcher {
  readonly #options: DatagramServerOptions;
  readonly #limiter: RateLimiter | null;
  readonly #clock: Clock;
  /** Datagrams received and answered. */
  received = 0;
  answered = 0;

  /** Binds the socket. @throws {SocketError} from the bind. */
  static async open(options: DatagramServerOptions): Promise<DatagramServer> {
    const server = new DatagramServer(options);
    try {
      await server.bind([options.address[0], options.address[1]]);
    } catch (err) {
      server.close();
      throw err;
    }
    server.connected = true;
    return server;
  }

  private constructor(options: DatagramServerOptions) {
    super(null, options.map);
    this.#options = options;
    this.#limiter = options.rate ? new RateLimiter(options.rate) : null;
    this.#clock = options.clock ?? systemClock;
    this.createSocket(options.address[0].includes(':') ? AF_INET6 : AF_INET, SOCK_DGRAM);
  }

  /** The address actually bound. */
  get boundAddress(): readonly [string, number] {
    return this.socket?.getsockname() as [string, number];
  }

  /** Datagrams refused by the rate limit. */
  get refused(): number {
    return this.#limiter?.refused ?? 0;
  }

  override writable(): boolean {
    return false;
  }

  override handleRead(): void {
    const sock = this.socket as Socket | null;
    if (sock === null) return;
    const max = this.#options.maxDatagram ?? 65535;
    // Drain what is queued, but bounded, so one busy service cannot starve the others.
    for (let i = 0; i < 64; i++) {
      const got = sock.recvfromNowait(max);
      if (got === null) return;
      const [data, from] = got;
      this.received++;
      const host = Array.isArray(from) ? String(from[0]) : '';
      if (this.#limiter !== null && !this.#limiter.allow(host, this.#clock.now())) continue;
      try {
        const reply = this.#options.handler(data, from);
        if (reply instanceof Promise) {
          reply.then(
            (late) => this.#reply(late, data, from),
            (err: unknown) => this.#options.observer?.error?.(err, peerText(from)),
          );
        } else this.#reply(reply, data, from);
      } catch (err) {
        this.#options.observer?.error?.(err, peerText(from));
      }
    }
  }

  #reply(reply: Uint8Array | null, data: Buffer, from: SocketAddress): void {
    const sock = this.socket as Socket | null;
    if (sock === null) return;
    if (reply !== null) {
      try {
        // Handlers return buffers made for this reply (or the datagram itself): no copy needed.
        // One reply in REPLY_CHECK_EVERY is checked for failure (see sendtoOwnedNowait()):
        // a lasting fault is still logged, without a tick and a callback for every reply.
        sock.sendtoOwnedNowait(reply, from, REPLY_CHECK_EVERY);
        this.answered++;
      } catch (err) {
        this.#options.observer?.error?.(err, peerText(from));
        return;
      }
    }
    this.#options.observer?.request?.({
      msg: 'datagram',
      datagram: true,
      peer: peerText(from),
      bytesIn: data.length,
      bytesOut: reply?.length ?? 0,
    });
  }

  override handleError(error: unknown): void {
    // An ICMP error for one client must not stop the service.
    this.#options.observer?.error?.(error);
  }
}
