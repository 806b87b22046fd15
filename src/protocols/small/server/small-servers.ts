/**
 * The servers of the small services (RFC 862–868), TCP and UDP: echo, discard, daytime,
 * chargen, time and qotd.
 */
import type { SocketMap } from '../../../dispatch/index.js';
import { ChannelTransport } from '../../../server/channel-transport.js';
import { type Clock, systemClock } from '../../../server/clock.js';
import { type DatagramHandler, DatagramServer } from '../../../server/datagram-server.js';
import type { ServerLimits } from '../../../server/limits.js';
import type { RateLimiterOptions } from '../../../server/rate-limiter.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import { type ProxyProtocolOptions, TcpListener } from '../../../server/tcp-listener.js';
import { BUILT_IN_QUOTES } from '../codec/built-in-quotes.js';
import { chargenDatagram } from '../codec/chargen-generator.js';
import { formatDaytime } from '../codec/daytime.js';
import { formatQuote, quoteOfTheDay } from '../codec/qotd.js';
import { encodeTime } from '../codec/time.js';
import { type SmallTcpBehaviour, SmallTcpHandler } from './small-tcp-handler.js';

/** The small services. */
export type SmallServiceName = 'echo' | 'discard' | 'daytime' | 'chargen' | 'time' | 'qotd';

/** Options for {@link startSmallService}. */
export interface SmallServiceOptions {
  /** `[host, port]`; with port 0, UDP listens on the port TCP got. */
  readonly address: readonly [string, number];
  readonly tcp?: boolean;
  readonly udp?: boolean;
  readonly limits?: ServerLimits;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  /** The per-address UDP rate limit (echo and chargen must not become amplifiers). */
  readonly rate?: RateLimiterOptions;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
  /** qotd's quotes (default: the built-in list). */
  readonly quotes?: readonly string[];
  /** The random source for UDP chargen (default Math.random). */
  readonly random?: () => number;
}

/** A running small service: its listeners and how to stop them. */
export interface SmallService {
  readonly name: SmallServiceName;
  readonly tcp: TcpListener | null;
  readonly udp: DatagramServer | null;
  close(): void;
}

/**
 * Starts one small service on TCP and/or UDP.
 * @returns the running service.
 * @throws {SocketError} when a port is in use or not permitted.
 * @example const daytime = await startSmallService('daytime', { address: ['127.0.0.1', 0] });
 */
export async function startSmallService(
  name: SmallServiceName,
  options: SmallServiceOptions,
): Promise<SmallService> {
  const clock = options.clock ?? systemClock;
  const quotes = options.quotes && options.quotes.length > 0 ? options.quotes : BUILT_IN_QUOTES;
  const answer = (): Uint8Array | null => {
    const now = new Date(clock.now());
    if (name === 'daytime') return Buffer.from(formatDaytime(now), 'latin1');
    if (name === 'time') return encodeTime(now);
    if (name === 'qotd') return formatQuote(quoteOfTheDay(quotes, now));
    return null;
  };
  let tcp: TcpListener | null = null;
  let udp: DatagramServer | null = null;
  try {
    if (options.tcp ?? true) {
      tcp = await TcpListener.open({
        address: options.address,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.proxyProtocol ? { proxyProtocol: options.proxyProtocol } : {}),
        ...(options.reusePort ? { reusePort: true } : {}),
        ...(options.observer ? { observer: options.observer } : {}),
        ...(options.map ? { map: options.map } : {}),
        clock,
        createChannel: ({ socket, channelOptions }) =>
          new SmallTcpHandler(
            new ChannelTransport(socket, channelOptions),
            channelOptions,
            behaviourOf(name, answer),
          ),
      });
    }
    if (options.udp ?? true) {
      const port =
        options.address[1] === 0 && tcp !== null ? tcp.boundAddress[1] : options.address[1];
      udp = await DatagramServer.open({
        address: [options.address[0], port],
        handler: datagramHandler(name, answer, options.random ?? Math.random),
        ...(options.limits ? { maxDatagram: Math.min(65535, options.limits.maxRequestSize) } : {}),
        ...(options.rate ? { rate: options.rate } : {}),
        ...(options.reusePort ? { reusePort: true } : {}),
        ...(options.observer ? { observer: options.observer } : {}),
        ...(options.map ? { map: options.map } : {}),
        clock,
      });
    }
  } catch (err) {
    tcp?.close();
    throw err;
  }
  return {
    name,
    tcp,
    udp,
    close() {
      tcp?.close();
      udp?.close();
    },
  };
}

/** What a TCP connection of `name` does (an answering service's answer is made per connection). */
function behaviourOf(name: SmallServiceName, answer: () => Uint8Array | null): SmallTcpBehaviour {
  switch (name) {
    case 'echo':
    case 'discard':
    case 'chargen':
      return { kind: name };
    default:
      return { kind: 'answer', answer: answer() ?? new Uint8Array(0) };
  }
}

function datagramHandler(
  name: SmallServiceName,
  answer: () => Uint8Array | null,
  random: () => number,
): DatagramHandler {
  switch (name) {
    case 'echo':
      return (data) => data;
    case 'discard':
      return () => null;
    case 'chargen':
      return () => chargenDatagram(random);
    default:
      return () => answer();
  }
}
