/**
 * `startHttpService()`: an HTTP/1.1 (or, with `tls`, HTTPS) server on the shared plumbing —
 * the kit's listener (`listenForConnections()`: connection limits, a `ChannelTransport` per
 * connection) with an `HttpServerChannel` driving each.
 */
import type { SocketMap } from '../../../dispatch/index.js';
import { type Clock, systemClock } from '../../../server/clock.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../../server/limits.js';
import { listenForConnections } from '../../../server/listen-for-connections.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import type { ProxyProtocolOptions, TcpListener } from '../../../server/tcp-listener.js';
import type { SSLContext } from '../../../socket/index.js';
import { encodeResponseHead } from '../codec/encode-head.js';
import type { RequestParserOptions } from '../codec/request-parser.js';
import { CommonHeaders } from './common-headers.js';
import { HeadCache } from './head-cache.js';
import type { HttpChannelConfig } from './http-channel-config.js';
import type { HttpHandler } from './http-handler.js';
import { HttpServerChannel } from './http-server-channel.js';

/** Options for {@link startHttpService}. */
export interface HttpServiceOptions {
  /** `[host, port]` to listen on (port 0: any free port). */
  readonly address: readonly [string, number];
  /** The handler chain: the first whose `match()` is true answers; none: 404. */
  readonly handlers: readonly HttpHandler[];
  /** Serve HTTPS with this server context (its own listener: call once per port). */
  readonly tls?: SSLContext;
  /**
   * Connection limits and timeouts: `idleTimeout` between requests, `readTimeout` for a request
   * head (slowloris) and, unless `bodyTimeout` is given, for silence within a body;
   * `maxRequestSize` bounds the head.
   */
  readonly limits?: ServerLimits;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  /** Seconds a request body may stall before 408 (default: `limits.readTimeout`). */
  readonly bodyTimeout?: number;
  /** The largest request body accepted, in bytes (default 1 GiB); larger gets 413. */
  readonly maxBodySize?: number;
  /** Parser limits beyond those above (request line, header count, chunk extensions). */
  readonly parser?: RequestParserOptions;
  /** Hears of connections, errors, and each request with its Combined Log Format line. */
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
  /** The `Server` field (default `'polyport'`; `''` leaves it out). */
  readonly serverName?: string;
  /**
   * The first bytes of each request body the observer's `request` hook gets (its `detail`'s
   * `body`), copied as they arrive; default 0, none.
   */
  readonly bodySampleBytes?: number;
}

/** A running HTTP service. */
export interface HttpService {
  readonly listener: TcpListener;
  /** Stops accepting; connections in flight finish on their own. */
  close(): void;
}

/** A server that cannot take more connections says so in HTTP before closing. */
const BUSY_BODY = Buffer.from('503 Server is busy\r\n', 'latin1');
const BUSY = Buffer.concat([
  encodeResponseHead({
    status: 503,
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(BUSY_BODY.length)],
      ['Retry-After', '5'],
      ['Connection', 'close'],
    ],
  }),
  BUSY_BODY,
]);

/**
 * Starts an HTTP/1.1 server. Its channels join `map`: run `loop({ map })` (the host does) to
 * serve them.
 *
 * @param options Address, handlers and the rest.
 * @returns The running service.
 * @throws {SocketError} When the port is in use or not permitted.
 * @throws {TypeError} For an invalid `serverName`.
 * @example
 * const map: SocketMap = new Map();
 * const service = await startHttpService({
 *   address: ['127.0.0.1', 0],
 *   handlers: [routeHandler('GET', '/', (_q, r) => r.send('hello\n')), staticFiles({ root })],
 *   map,
 * });
 * void loop({ map });
 */
export async function startHttpService(options: HttpServiceOptions): Promise<HttpService> {
  const clock = options.clock ?? systemClock;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const parser: RequestParserOptions = {
    maxHeaderBytes: Math.max(1024, limits.maxRequestSize),
    ...(options.maxBodySize !== undefined ? { maxBodySize: options.maxBodySize } : {}),
    ...options.parser,
  };
  const config: HttpChannelConfig = {
    handlers: [...options.handlers],
    common: new CommonHeaders(clock, options.serverName ?? 'polyport'),
    heads: new HeadCache(),
    parser,
    secure: options.tls !== undefined,
    bodyTimeout: options.bodyTimeout ?? limits.readTimeout,
    lingerTime: 2000,
    bodySampleBytes: options.bodySampleBytes ?? 0,
  };
  const listener = await listenForConnections(
    {
      address: options.address,
      limits,
      observer: options.observer,
      map: options.map,
      tls: options.tls,
      proxyProtocol: options.proxyProtocol,
      reusePort: options.reusePort,
      clock,
      busyReply: BUSY,
    },
    (transport, settings) => new HttpServerChannel(transport, settings, config),
  );
  return { listener, close: () => listener.close() };
}
