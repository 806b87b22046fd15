/**
 * Socket maps: the channels one loop serves, as asyncore's `socket_map`.
 */

/** A channel as the loop sees it (the {@link Dispatcher} interface the driver needs). */
export interface Channel {
  /** The key of the channel in its map. */
  readonly channelId: number;
}

/**
 * The channels one `loop()` serves, keyed by channel id. Any `Map` works; servers give each
 * listener its own map so that several can run side by side.
 * @example
 * const map: SocketMap = new Map();
 * new EchoServer(null, map); // joins `map`, not the default one
 * await loop({ map });
 */
export type SocketMap<C extends Channel = Channel> = Map<number, C>;

/**
 * The default map, used when a dispatcher or `loop()` is given none (asyncore's `socket_map`).
 * @example new EchoServer(); await loop(); // both use socketMap
 */
export const socketMap: SocketMap = new Map();
