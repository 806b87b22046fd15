/**
 * `listenForConnections`: the start of every TCP service on the kit — a `TcpListener` whose
 * accepted connections each become a `ChannelTransport`, handed with its settings to the
 * protocol's handler.
 */
import type { SocketMap } from '../dispatch/index.js';
import type { SSLContext } from '../socket/index.js';
import { ChannelTransport } from './channel-transport.js';
import { type Clock, systemClock } from './clock.js';
import type { ConnectionSettings } from './connection.js';
import type { ServerLimits } from './limits.js';
import type { ServerObserver } from './server-observer.js';
import { type ProxyProtocolOptions, TcpListener } from './tcp-listener.js';

/** Where and how a service listens; absent (or undefined) fields take the listener's defaults. */
export interface ConnectionListenerOptions {
  readonly address: readonly [string, number];
  readonly limits?: ServerLimits | undefined;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  readonly observer?: ServerObserver | undefined;
  readonly map?: SocketMap | undefined;
  readonly clock?: Clock | undefined;
  /** Speak TLS from the first byte (HTTPS, POP3S). */
  readonly tls?: SSLContext | undefined;
  /** The protocol's "too many connections" reply. */
  readonly busyReply?: Uint8Array | string | undefined;
}

/**
 * Listens, and for each connection within the limits calls `accept` with its transport and
 * settings, where the protocol builds its handler and the kit's `Connection`.
 *
 * @param options the address, limits, observer, map, clock, TLS, PROXY protocol and busy reply.
 * @param accept makes the connection's handler.
 * @returns the listener (`close()` stops accepting).
 * @throws {SocketError} when the port is in use or not permitted.
 * @example
 * const listener = await listenForConnections({ address: ['127.0.0.1', 0] }, (transport, settings) =>
 *   new IdentHandler(transport, settings),
 * );
 */
export function listenForConnections(
  options: ConnectionListenerOptions,
  accept: (transport: ChannelTransport, settings: ConnectionSettings) => void,
): Promise<TcpListener> {
  return TcpListener.open({
    address: options.address,
    clock: options.clock ?? systemClock,
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
    ...(options.observer !== undefined ? { observer: options.observer } : {}),
    ...(options.map !== undefined ? { map: options.map } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    ...(options.proxyProtocol !== undefined ? { proxyProtocol: options.proxyProtocol } : {}),
    ...(options.reusePort ? { reusePort: true } : {}),
    ...(options.busyReply !== undefined ? { busyReply: options.busyReply } : {}),
    createChannel: ({ socket, channelOptions }) =>
      accept(new ChannelTransport(socket, channelOptions), channelOptions),
  });
}
