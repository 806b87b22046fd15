/**
 * `DnsTcpChannel`: the name a DNS-over-TCP connection had before the kit, kept so code that
 * builds one from an accepted socket goes on working; new code composes {@link DnsTcpHandler}
 * with a `ChannelTransport` itself.
 */
import type { ChannelSocket } from '../../../dispatch/index.js';
import { ChannelTransport } from '../../../server/channel-transport.js';
import type { ServerChannelOptions } from '../../../server/server-channel.js';
import type { DnsQueryHandler } from './dns-query-handler.js';
import { DnsTcpHandler } from './dns-tcp-handler.js';

/** Options of a {@link DnsTcpChannel} beyond the listener's channel options. */
export interface DnsTcpChannelOptions extends ServerChannelOptions {
  /** Answers the queries. */
  readonly handler: DnsQueryHandler;
  /** Queries taken but not yet answered before the next one waits (default 64). */
  readonly maxPipelined?: number;
}

/**
 * A DNS-over-TCP connection on an accepted socket: a {@link DnsTcpHandler} over a
 * `ChannelTransport` (its `transport` has the byte counts and timeouts).
 *
 * @deprecated Compose `new DnsTcpHandler(new ChannelTransport(socket, channelOptions),
 *   channelOptions, handler)` instead.
 * @example
 * TcpListener.open({ address, createChannel: ({ socket, channelOptions }) =>
 *   new DnsTcpChannel(socket, { ...channelOptions, handler }) });
 */
export class DnsTcpChannel {
  /** The socket's transport: byte counts, timeouts, close. */
  readonly transport: ChannelTransport;
  /** The DNS side of the connection. */
  readonly handler: DnsTcpHandler;

  /**
   * @param sock the accepted connection.
   * @param options the query handler, limits, observer, clock, map and the slot release.
   */
  constructor(sock: ChannelSocket, options: DnsTcpChannelOptions) {
    this.transport = new ChannelTransport(sock, options);
    this.handler = new DnsTcpHandler(this.transport, options, options.handler, {
      ...(options.maxPipelined !== undefined ? { maxPipelined: options.maxPipelined } : {}),
    });
  }
}
