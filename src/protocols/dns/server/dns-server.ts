/**
 * The DNS server: authoritative for its zones, optionally forwarding the rest, over UDP and TCP
 * on one port, in the host's loop.
 */
import type { SocketMap } from '../../../dispatch/index.js';
import { ChannelTransport } from '../../../server/channel-transport.js';
import { type Clock, systemClock } from '../../../server/clock.js';
import { DatagramServer } from '../../../server/datagram-server.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../../server/limits.js';
import type { DatagramProxyProtocolOptions } from '../../../server/proxy-datagram-reader.js';
import type { RateLimiterOptions } from '../../../server/rate-limiter.js';
import { peerText, type ServerObserver } from '../../../server/server-observer.js';
import { TcpListener } from '../../../server/tcp-listener.js';
import { SocketError } from '../../../socket/index.js';
import { AddressList, hostOf } from '../codec/address-list.js';
import type { AnswerOptions } from '../codec/answer-query.js';
import type { ZoneSet } from '../codec/zone-set.js';
import { DnsQueryHandler } from './dns-query-handler.js';
import { DnsTcpHandler } from './dns-tcp-handler.js';
import { Forwarder, type ForwarderOptions } from './forwarder.js';

/**
 * TCP limits for DNS: RFC 7766 §6.2.3 asks for idle timeouts of seconds, not minutes, so one
 * client cannot hold connections open; a DNS message is at most 65535 bytes.
 */
export const DNS_LIMITS: ServerLimits = {
  ...DEFAULT_LIMITS,
  idleTimeout: 10,
  readTimeout: 10,
  maxRequestSize: 65535,
};

/** The per-address UDP rate used when none is given (loopback is exempt). */
export const DNS_RATE: RateLimiterOptions = { perSecond: 100, burst: 200, exemptLoopback: true };

/** Options for {@link startDnsService}. */
export interface DnsServiceOptions {
  /** `[host, port]`; with port 0, UDP listens on the port TCP got. */
  readonly address: readonly [string, number];
  /** The zones answered authoritatively. */
  readonly zones: ZoneSet;
  /** Upstream servers for names outside the zones; none (default): such names get REFUSED. */
  readonly forwarders?: ReadonlyArray<readonly [string, number]>;
  /**
   * Clients whose out-of-zone queries are forwarded: addresses and CIDR ranges (default
   * {@link DEFAULT_RECURSION_CLIENTS}: loopback and the private ranges). Others get REFUSED for
   * such names; the zones answer everyone.
   */
  readonly allowRecursion?: readonly string[];
  /** Forwarder tuning: timeout, rounds, cache size (the upstreams come from `forwarders`). */
  readonly forwarding?: Omit<ForwarderOptions, 'upstreams' | 'clock'>;
  /** TCP limits (default {@link DNS_LIMITS}). */
  readonly limits?: ServerLimits;
  /**
   * Behind a load balancer: TCP connections start with a PROXY header (see `TcpListener`), and
   * UDP datagrams carry one too, or follow one in the balancer's session (see
   * `DatagramServer`); the client it names is the query's peer.
   */
  readonly proxyProtocol?: DatagramProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  /** Per-address UDP response rate (default {@link DNS_RATE}). */
  readonly rate?: RateLimiterOptions;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
  /** EDNS size we advertise, CNAME chain bound, ANY policy. */
  readonly answer?: AnswerOptions;
  /** Our own ceiling for UDP responses (default 4096). */
  readonly maxUdpSize?: number;
  /** Serve UDP (default true). */
  readonly udp?: boolean;
  /** Serve TCP (default true). */
  readonly tcp?: boolean;
}

/** A running DNS service. */
export interface DnsService {
  readonly udp: DatagramServer | null;
  readonly tcp: TcpListener | null;
  /** The forwarder, when forwarders were given (its cache is `forwarder.cache`). */
  readonly forwarder: Forwarder | null;
  /** The port served (the same for UDP and TCP). */
  readonly port: number;
  /** Stops listening; connections in flight finish on their own. */
  close(): void;
}

/**
 * Starts a DNS server on UDP and TCP.
 *
 * @param options address, zones, forwarders, limits and hooks.
 * @returns the running service.
 * @throws {SocketError} when the port is in use or not permitted.
 * @throws {RangeError} when a forwarding setting is out of range.
 * @throws {SyntaxError} when an `allowRecursion` entry is not an address or CIDR range.
 * @example
 * const dns = await startDnsService({ address: ['127.0.0.1', 0], zones: new ZoneSet([sampleZone()]) });
 * // dig @127.0.0.1 -p ${dns.port} www.example.test
 * dns.close();
 */
export async function startDnsService(options: DnsServiceOptions): Promise<DnsService> {
  const clock = options.clock ?? systemClock;
  const observer = options.observer ?? {};
  const forwarders = options.forwarders ?? [];
  const forwarder =
    forwarders.length === 0
      ? null
      : new Forwarder({ ...options.forwarding, upstreams: forwarders, clock });
  const handler = new DnsQueryHandler({
    zones: options.zones,
    forwarder,
    ...(options.allowRecursion ? { allowRecursion: new AddressList(options.allowRecursion) } : {}),
    observer,
    clock,
    ...(options.answer ? { answer: options.answer } : {}),
    ...(options.maxUdpSize ? { maxUdpSize: options.maxUdpSize } : {}),
  });
  // The peer's text only goes to the log: when nothing listens, skip formatting it per query.
  const logsPeers = observer.request !== undefined || observer.error !== undefined;
  const limits = options.limits ?? DNS_LIMITS;
  const map = options.map ? { map: options.map } : {};
  let tcp: TcpListener | null = null;
  let udp: DatagramServer | null = null;
  const [host, wanted] = options.address;
  try {
    // With port 0 the TCP port is random and UDP takes the same one; if another socket holds
    // that UDP port already, try a fresh pair.
    for (let attempt = 0; ; attempt++) {
      if (options.tcp ?? true) {
        tcp = await TcpListener.open({
          address: [host, wanted],
          limits,
          ...(options.proxyProtocol ? { proxyProtocol: options.proxyProtocol } : {}),
          ...(options.reusePort ? { reusePort: true } : {}),
          observer,
          ...map,
          clock,
          createChannel: ({ socket, channelOptions }) =>
            new DnsTcpHandler(
              new ChannelTransport(socket, channelOptions),
              channelOptions,
              handler,
            ),
        });
      }
      if (!(options.udp ?? true)) break;
      const port = wanted === 0 && tcp !== null ? tcp.boundAddress[1] : wanted;
      try {
        udp = await DatagramServer.open({
          address: [host, port],
          handler: (data, from) =>
            handler.handle(data, 'udp', logsPeers ? peerText(from) : '', hostOf(from)),
          rate: options.rate ?? DNS_RATE,
          ...(options.proxyProtocol ? { proxyProtocol: options.proxyProtocol } : {}),
          ...(options.reusePort ? { reusePort: true } : {}),
          // The handler logs each query itself, with more to say than a datagram count.
          observer: withoutRequests(observer),
          ...map,
          clock,
        });
        break;
      } catch (err) {
        const retry = wanted === 0 && err instanceof SocketError && err.code === 'EADDRINUSE';
        if (!retry || attempt >= 4) throw err;
        tcp?.close();
        tcp = null;
      }
    }
  } catch (err) {
    tcp?.close();
    throw err;
  }
  const port = tcp?.boundAddress[1] ?? udp?.boundAddress[1] ?? wanted;
  return {
    udp,
    tcp,
    forwarder,
    port,
    close() {
      tcp?.close();
      udp?.close();
      handler.close();
    },
  };
}

function withoutRequests(observer: ServerObserver): ServerObserver {
  return {
    // A datagram refused for its PROXY header (or its sender) is reported as on TCP.
    connectionRefused: (peer, reason) => observer.connectionRefused?.(peer, reason),
    error: (error, peer) => observer.error?.(error, peer),
    transferred: (bytesIn, bytesOut, transport) =>
      observer.transferred?.(bytesIn, bytesOut, transport),
    log: (level, message, fields) => observer.log?.(level, message, fields),
  };
}
