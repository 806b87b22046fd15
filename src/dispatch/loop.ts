/**
 * `loop()` and `closeAll()`, as asyncore's.
 */
import type { Dispatcher } from './dispatcher.js';
import { type DrivenChannel, driverOf } from './driver.js';
import { type Channel, type SocketMap, socketMap } from './socket-map.js';

/** Options for {@link loop}. */
export interface LoopOptions {
  /**
   * Seconds after which an idle loop counts a round and looks at every channel again
   * (asyncore's select timeout; default 30).
   */
  readonly timeout?: number;
  /** The channels to serve (default: the module's map). */
  readonly map?: SocketMap;
  /** Rounds to run before returning; omitted: until the map is empty. */
  readonly count?: number;
  /** Accepted for asyncore compatibility; readiness always comes from Node's events. */
  readonly usePoll?: boolean;
}

/**
 * Serves the channels of a map until it is empty (or `count` rounds are done). A round is one
 * wake-up by readiness — a channel became ready — or an idle `timeout`.
 * @returns a promise that settles when the loop ends; it rejects with `ExitNow` thrown by a
 *   handler, or with a failed `bind`/`listen`.
 * @example new EchoServer('127.0.0.1', 8080); await loop();
 */
export function loop(options: LoopOptions = {}): Promise<void> {
  const timeout = options.timeout ?? 30;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(
      `loop(): timeout must be a non-negative number of seconds, got ${String(timeout)}`,
    );
  }
  const count = options.count;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new RangeError(`loop(): count must be a non-negative integer, got ${String(count)}`);
  }
  if (count === 0) return Promise.resolve();
  return driverOf(options.map ?? socketMap).run(timeout, count);
}

/**
 * Closes every channel of a map, as asyncore's `close_all()`.
 * @param map the map (default: the module's).
 * @param ignoreAll swallow every error from `close()` (otherwise only socket errors are).
 * @throws what a channel's `close()` throws, unless it is a socket error or `ignoreAll` is set.
 * @example closeAll(server.map); // a running loop() over that map then resolves
 */
export function closeAll(map: SocketMap = socketMap, ignoreAll = false): void {
  const channels = [...map.values()] as Array<Channel & Partial<Pick<Dispatcher, 'close'>>>;
  for (const channel of channels) {
    try {
      channel.close?.();
    } catch (err) {
      if (!ignoreAll && !(err instanceof Error && 'code' in err)) throw err;
    }
  }
  map.clear();
  // Channels that did not leave on close() stop being watched too, and a running loop ends.
  const driver = driverOf(map);
  for (const channel of channels) driver.detach(channel as unknown as DrivenChannel);
}
