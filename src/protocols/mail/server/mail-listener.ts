/**
 * The listener SMTP and POP3 share: it accepts connections with the service's limits and keeps
 * its open channels, so that closing the service closes them too (nothing half-received is
 * stored, nothing marked for deletion is deleted).
 */
import type { ChannelSocket, SocketMap } from '../../../dispatch/index.js';
import type { Clock } from '../../../server/clock.js';
import type { ServerLimits } from '../../../server/limits.js';
import type { ServerChannelOptions } from '../../../server/server-channel.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import { TcpListener } from '../../../server/tcp-listener.js';
import type { SSLContext } from '../../../socket/index.js';
import type { SessionChannel } from './session-channel.js';

/** What {@link openMailListener} needs of a service's options. */
export interface MailListenerOptions {
  readonly address: readonly [string, number];
  readonly limits?: ServerLimits;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock: Clock;
  /** Speak TLS from the first byte (POP3S). */
  readonly tls?: SSLContext;
  /** The protocol's "too many connections" reply. */
  readonly busyReply: Uint8Array | string;
}

/** A running mail service: its listener, and `close()` for it and every open channel. */
export interface MailService {
  readonly listener: TcpListener;
  close(): void;
}

/**
 * Listens and makes a channel per connection with `create`.
 * @throws {SocketError} when the port is in use or not permitted.
 */
export async function openMailListener(
  options: MailListenerOptions,
  create: (socket: ChannelSocket, channelOptions: ServerChannelOptions) => SessionChannel<unknown>,
): Promise<MailService> {
  const channels = new Set<SessionChannel<unknown>>();
  const listener = await TcpListener.open({
    address: options.address,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.map ? { map: options.map } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    busyReply: options.busyReply,
    clock: options.clock,
    createChannel: ({ socket, release, channelOptions }) => {
      // `let`: the channel may close (and release) inside its own constructor.
      let channel: SessionChannel<unknown> | undefined;
      const forget = (): void => {
        if (channel !== undefined) channels.delete(channel);
        release();
      };
      channel = create(socket, { ...channelOptions, release: forget });
      if (!channel.isClosed) channels.add(channel);
    },
  });
  return {
    listener,
    close() {
      listener.close();
      for (const channel of [...channels]) channel.close();
    },
  };
}
