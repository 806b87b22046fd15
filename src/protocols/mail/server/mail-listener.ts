/**
 * The listener SMTP and POP3 share: it accepts connections with the service's limits and keeps
 * its open connections, so that closing the service closes them too (nothing half-received is
 * stored, nothing marked for deletion is deleted).
 */
import type { SocketMap } from '../../../dispatch/index.js';
import { ChannelTransport } from '../../../server/channel-transport.js';
import type { Clock } from '../../../server/clock.js';
import type { Connection, ConnectionSettings } from '../../../server/connection.js';
import type { ServerLimits } from '../../../server/limits.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import { type ProxyProtocolOptions, TcpListener } from '../../../server/tcp-listener.js';
import type { Transport } from '../../../server/transport.js';
import type { SSLContext } from '../../../socket/index.js';

/** What {@link openMailListener} needs of a service's options. */
export interface MailListenerOptions {
  readonly address: readonly [string, number];
  readonly limits?: ServerLimits;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock: Clock;
  /** Speak TLS from the first byte (POP3S). */
  readonly tls?: SSLContext;
  /** The protocol's "too many connections" reply. */
  readonly busyReply: Uint8Array | string;
}

/** A running mail service: its listener, and `close()` for it and every open connection. */
export interface MailService {
  readonly listener: TcpListener;
  close(): void;
}

/**
 * Listens and makes a connection per client with `create` (a protocol handler, which builds
 * its kit `Connection` over the transport it is given).
 * @throws {SocketError} when the port is in use or not permitted.
 */
export async function openMailListener(
  options: MailListenerOptions,
  create: (
    transport: Transport,
    settings: ConnectionSettings,
  ) => { readonly connection: Connection<unknown> },
): Promise<MailService> {
  const connections = new Set<Connection<unknown>>();
  const listener = await TcpListener.open({
    address: options.address,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.proxyProtocol ? { proxyProtocol: options.proxyProtocol } : {}),
    ...(options.reusePort ? { reusePort: true } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.map ? { map: options.map } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    busyReply: options.busyReply,
    clock: options.clock,
    createChannel: ({ socket, release, channelOptions }) => {
      // `let`: the connection may close (and release) inside its own constructor.
      let connection: Connection<unknown> | undefined;
      const forget = (): void => {
        if (connection !== undefined) connections.delete(connection);
        release();
      };
      const transport = new ChannelTransport(socket, { ...channelOptions, release: forget });
      connection = create(transport, channelOptions).connection;
      if (!connection.isClosed) connections.add(connection);
    },
  });
  return {
    listener,
    close() {
      listener.close();
      for (const connection of [...connections]) connection.close();
    },
  };
}
