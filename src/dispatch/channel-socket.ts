/**
 * What a dispatcher needs of its socket. A polyport `Socket` has all of it; so do the in-memory
 * sockets of `polyport/testing`, which lets channel logic be tested without the network.
 */
import type { Socket, SocketAddress, Watchable } from '../socket/index.js';

/**
 * The socket calls the dispatcher makes: the immediate (`…Nowait`) ones, never waiting.
 * `acceptNowait` returns a `ChannelSocket` rather than a `Socket` so that in-memory listeners
 * can hand out in-memory connections.
 *
 * @example
 * const [a, b] = memorySocketPair(); // from polyport/testing
 * const sock: ChannelSocket = a;     // a Socket from polyport/socket fits as well
 */
export type ChannelSocket = Watchable &
  Pick<
    Socket,
    | 'family'
    | 'type'
    | 'recvNowait'
    | 'recvIntoNowait'
    | 'sendNowait'
    | 'shutdown'
    | 'getsockopt'
    | 'setsockopt'
    | 'getsockname'
    | 'getpeername'
    | 'close'
    | 'closed'
  > & {
    /** Accepts a waiting connection, or returns null when none is waiting. */
    acceptNowait(): [ChannelSocket, SocketAddress] | null;
    /** Starts a connection; Dispatcher sockets are non-blocking, so this never waits. */
    connect(address: SocketAddress): Promise<void>;
    bind(address: SocketAddress): Promise<void>;
    listen(backlog?: number): Promise<void>;
    setblocking(flag: boolean): void;
  };
