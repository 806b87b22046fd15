/**
 * Real connected TCP sockets over loopback, for tests that need the kernel in the loop.
 */
import {
  AF_INET,
  AF_INET6,
  SOCK_STREAM,
  type Socket,
  SocketError,
  socket,
} from '../socket/index.js';

/** Options for {@link connectedPair}. */
export interface ConnectedPairOptions {
  /** `AF_INET` (default, 127.0.0.1) or `AF_INET6` (::1). */
  readonly family?: number;
}

/**
 * Connects two TCP sockets to each other through a private loopback listener on port 0, which
 * is closed before returning.
 * @param options the family.
 * @returns `[client, server]`: the connecting end and the accepted one.
 * @throws {RangeError} for a family other than AF_INET or AF_INET6.
 * @throws {SocketError} when loopback (or ::1) is not available.
 * @example
 * const [client, server] = await connectedPair();
 * await client.sendall('ping');
 * await server.recv(4); // <Buffer 'ping'>
 * client.close(); server.close();
 */
export async function connectedPair(options: ConnectedPairOptions = {}): Promise<[Socket, Socket]> {
  const family = options.family ?? AF_INET;
  if (family !== AF_INET && family !== AF_INET6) {
    throw new RangeError(`connectedPair(): family must be AF_INET or AF_INET6, got ${family}`);
  }
  const listener = socket(family, SOCK_STREAM);
  const client = socket(family, SOCK_STREAM);
  try {
    await listener.bind([family === AF_INET6 ? '::1' : '127.0.0.1', 0]);
    await listener.listen(1);
    const [[server]] = await Promise.all([
      listener.accept(),
      client.connect(listener.getsockname()),
    ]);
    return [client, server];
  } catch (err) {
    client.close();
    throw err instanceof SocketError
      ? err
      : new SocketError('EIO', { op: 'connectedPair', cause: err });
  } finally {
    listener.close();
  }
}
