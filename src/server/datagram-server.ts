/**
 * `DatagramServer`: the UDP side of a service — one handler call per datagram, replies rate
 * limited per client address so the service cannot amplify traffic; behind a load balancer,
 * the client a PROXY header names.
 */
import { Dispatcher, type SocketMap } from '../dispatch/index.js';
import {
  AF_INET,
  AF_INET6,
  type AncillaryItem,
  BlockingIOError,
  SO_REUSEPORT,
  SOCK_DGRAM,
  SOL_SOCKET,
  type Socket,
  type SocketAddress,
  socket,
} from '../socket/index.js';
import { type Clock, systemClock } from './clock.js';
import { type DatagramProxyProtocolOptions, ProxyDatagramReader } from './proxy-datagram-reader.js';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import {
  askForLocalAddress,
  isWildcardHost,
  REPLY_SOURCE_ANCILLARY_SIZE,
  replySource,
} from './reply-source.js';
import { peerText, type ServerObserver } from './server-observer.js';

/**
 * How often a reply's send is checked for failure: a reply that cannot be sent is lost as any
 * datagram may be; checking one in 32 still reports a fault that lasts (no route, a firewall
 * rule) within 32 replies, while the others skip Node's completion callback.
 */
const REPLY_CHECK_EVERY = 32;

/**
 * Answers one datagram: the reply, or null for none — or a promise of it, for a handler that
 * must ask someone else first (a forwarding resolver). `from` is the client: behind a load
 * balancer, the one its PROXY header named (the reply still goes back through the balancer).
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
  /**
   * Several processes serve one port: `SO_REUSEPORT` is set before the bind, so each process's
   * socket binds the same address and the kernel spreads datagrams between them (by sender, so
   * one client keeps reaching the same process). Every socket on the port must set it. Fails
   * with `ENOPROTOOPT` on a Node that cannot set it (before 22.12, without polyport's native
   * addon).
   */
  readonly reusePort?: boolean;
  /**
   * Behind a load balancer that carries UDP (nginx `stream` with `proxy_protocol on`): the
   * datagrams come from allowed balancers only and begin with a PROXY header, or follow one in
   * the same balancer session (see {@link ProxyDatagramReader}).
   */
  readonly proxyProtocol?: DatagramProxyProtocolOptions;
}

/**
 * A UDP service in the host's loop.
 *
 * With `proxyProtocol`, a datagram from an address not allowed, or without a valid header
 * outside a balancer's session, is dropped and reported as a refusal (`connectionRefused`, as
 * the TCP listener reports a refused header). The others are served for the client the header
 * named: the handler, the rate limit and the request log see that client, while the reply goes
 * back to the balancer it came from. A `LOCAL` header (a health check) keeps the balancer's
 * address.
 *
 * @example
 * await DatagramServer.open({ address: ['127.0.0.1', 0], handler: (data) => data }); // echo
 */
export class DatagramServer extends Dispatcher {
  readonly #options: DatagramServerOptions;
  readonly #limiter: RateLimiter | null;
  readonly #clock: Clock;
  readonly #sock: Socket;
  readonly #proxy: ProxyDatagramReader | null;
  /** Datagrams received and answered. */
  received = 0;
  answered = 0;

  /** Binds the socket. @throws {SocketError} from the bind. */
  static async open(options: DatagramServerOptions): Promise<DatagramServer> {
    const [host, port] = options.address;
    const sock = socket(host.includes(':') ? AF_INET6 : AF_INET, SOCK_DGRAM);
    let readsLocalAddress = false;
    try {
      if (options.reusePort) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
      // Only a wildcard bind has several addresses to answer from (see reply-source.ts).
      if (isWildcardHost(host)) readsLocalAddress = askForLocalAddress(sock);
      await sock.bind([host, port]);
    } catch (err) {
      sock.close();
      throw err;
    }
    sock.setblocking(false);
    if (isWildcardHost(host) && !readsLocalAddress) {
      options.observer?.log?.(
        'warn',
        `UDP on ${host}: replies leave from the address the routing table picks, not always the one a client asked (reading it needs the native addon: npm run build:native)`,
      );
    }
    return new DatagramServer(sock, options, readsLocalAddress);
  }

  /**
   * Whether replies leave from the address each datagram was sent to. Always so for a socket
   * bound to one address; on a wildcard bind (`0.0.0.0`, `::`), only where polyport's native
   * addon is built (it reads `IP_PKTINFO`); without it the routing table picks the source, which
   * a client of a host with several addresses may refuse.
   */
  readonly repliesFromAskedAddress: boolean;
  /** Whether each datagram's local address must be read to choose its reply's source. */
  readonly #readsLocalAddress: boolean;

  private constructor(sock: Socket, options: DatagramServerOptions, readsLocalAddress: boolean) {
    super(sock, options.map);
    this.#readsLocalAddress = readsLocalAddress;
    this.repliesFromAskedAddress = readsLocalAddress || !isWildcardHost(String(options.address[0]));
    // Kept typed: datagrams need recvfrom/sendto, which a dispatcher's generic socket lacks.
    this.#sock = sock;
    this.#options = options;
    this.#limiter = options.rate ? new RateLimiter(options.rate) : null;
    this.#clock = options.clock ?? systemClock;
    this.#proxy = options.proxyProtocol ? new ProxyDatagramReader(options.proxyProtocol) : null;
    this.connected = true;
  }

  /** The address actually bound. */
  get boundAddress(): readonly [string, number] {
    return this.#sock.getsockname() as [string, number];
  }

  /** Datagrams refused by the rate limit. */
  get refused(): number {
    return this.#limiter?.refused ?? 0;
  }

  override writable(): boolean {
    return false;
  }

  override handleRead(): void {
    if (this.socket === null) return;
    // Chosen once per read, not per datagram: a server on one address and without a balancer
    // (the usual case) runs the plain loop below.
    if (this.#proxy !== null || this.#readsLocalAddress) {
      this.#readEach(this.#proxy);
      return;
    }
    const sock = this.#sock;
    const max = this.#options.maxDatagram ?? 65535;
    // Drain what is queued, but bounded, so one busy service cannot starve the others.
    for (let i = 0; i < 64; i++) {
      const got = sock.recvfromNowait(max);
      if (got === null) return;
      const [data, from] = got;
      this.received++;
      const host = Array.isArray(from) ? String(from[0]) : '';
      if (this.#limiter !== null && !this.#limiter.allow(host, this.#clock.now())) {
        // Refused, but received: every byte a transport moves is counted.
        this.#options.observer?.transferred?.(data.length, 0, 'udp');
        continue;
      }
      this.#handle(data, data, from, from, null);
    }
  }

  /**
   * The loop of a server that must know more of each datagram than its sender: behind a
   * balancer, the client its header (or session) names, which the limits and the handler see
   * while the reply goes to the balancer; on a wildcard bind, the local address it came to,
   * which the reply leaves from.
   */
  #readEach(proxy: ProxyDatagramReader | null): void {
    const sock = this.#sock;
    const max = this.#options.maxDatagram ?? 65535;
    const observer = this.#options.observer;
    for (let i = 0; i < 64; i++) {
      let data: Buffer;
      let from: SocketAddress;
      let source: AncillaryItem | null = null;
      if (this.#readsLocalAddress) {
        const got = sock.recvmsgNowait(max, REPLY_SOURCE_ANCILLARY_SIZE);
        if (got === null) return;
        [data, , , from] = got;
        source = replySource(got[1]);
      } else {
        const got = sock.recvfromNowait(max);
        if (got === null) return;
        [data, from] = got;
      }
      this.received++;
      const now = this.#clock.now();
      let client = from;
      let payload = data;
      if (proxy !== null) {
        const read = proxy.read(data, from, now);
        if (read.type === 'refused') {
          observer?.connectionRefused?.(peerText(from), read.reason);
          observer?.transferred?.(data.length, 0, 'udp');
          continue;
        }
        client = read.client;
        payload = read.payload;
      }
      const host = Array.isArray(client) ? String(client[0]) : '';
      if (this.#limiter !== null && !this.#limiter.allow(host, now)) {
        observer?.transferred?.(data.length, 0, 'udp');
        continue;
      }
      this.#handle(payload, data, client, from, source);
    }
  }

  /**
   * Calls the handler for `payload` from `client`, and sends its reply to `to` (from `source`
   * when given).
   * @param data the whole datagram, as counted (the header included).
   */
  #handle(
    payload: Buffer,
    data: Buffer,
    client: SocketAddress,
    to: SocketAddress,
    source: AncillaryItem | null,
  ): void {
    try {
      const reply = this.#options.handler(payload, client);
      if (reply instanceof Promise) {
        reply.then(
          (late) => this.#reply(late, data, client, to, source),
          (err: unknown) => this.#failed(err, data, client),
        );
      } else this.#reply(reply, data, client, to, source);
    } catch (err) {
      this.#failed(err, data, client);
    }
  }

  /** The handler failed: logged, and the datagram still counted. */
  #failed(error: unknown, data: Buffer, from: SocketAddress): void {
    this.#options.observer?.error?.(error, peerText(from));
    this.#options.observer?.transferred?.(data.length, 0, 'udp');
  }

  /**
   * Sends the reply if any to `to` (the client, or the balancer that forwarded its datagram),
   * and reports the datagram for `from` (the client).
   */
  #reply(
    reply: Uint8Array | null,
    data: Buffer,
    from: SocketAddress,
    to: SocketAddress,
    source: AncillaryItem | null,
  ): void {
    if (this.socket === null) return;
    const sock = this.#sock;
    const observer = this.#options.observer;
    let sent = reply?.length ?? 0;
    if (reply !== null) {
      try {
        if (source !== null) sock.sendmsgNowait([reply], [source], 0, to);
        // Handlers return buffers made for this reply (or the datagram itself): no copy needed.
        // One reply in REPLY_CHECK_EVERY is checked for failure (see sendtoOwnedNowait()):
        // a lasting fault is still logged, without a tick and a callback for every reply.
        else sock.sendtoOwnedNowait(reply, to, REPLY_CHECK_EVERY);
        this.answered++;
      } catch (err) {
        // A full send buffer loses the reply, as the network may: the client asks again.
        if (!(err instanceof BlockingIOError)) {
          observer?.error?.(err, peerText(from));
          observer?.transferred?.(data.length, 0, 'udp');
          return;
        }
        sent = 0;
      }
    }
    observer?.transferred?.(data.length, sent, 'udp');
    observer?.request?.({
      msg: 'datagram',
      datagram: true,
      peer: peerText(from),
      bytesIn: data.length,
      bytesOut: sent,
    });
  }

  override handleError(error: unknown): void {
    // An ICMP error for one client must not stop the service.
    this.#options.observer?.error?.(error);
  }

  override close(): void {
    this.#proxy?.clear();
    super.close();
  }
}
