/**
 * The engine under `loop()`: readiness drives it from Node's own I/O events, never from a
 * polling loop, so an idle server uses no CPU and a ready channel is served at once.
 *
 * asyncore's loop calls `select()` over every channel each round. Here a channel's socket
 * notifies the driver when its readiness changes, and the driver serves that channel at once,
 * inside the I/O callback: one round. A channel that is still ready after it was served (data
 * left unread, a `writable()` channel that can still write) gets another round on the next turn
 * of the event loop, as the next `select()` would have returned it, without starving others.
 */
import {
  READY_CLOSED,
  READY_ERROR,
  READY_HUP,
  READY_READ,
  READY_WRITE,
  type ReadinessObserver,
  SocketError,
  type Watchable,
} from '../socket/index.js';
import { ExitNow } from './exit-now.js';
import type { Channel, SocketMap } from './socket-map.js';

/** Errors that mean the peer is gone: asyncore's `_DISCONNECTED`. */
export const DISCONNECTED = new Set([
  'ECONNRESET',
  'ENOTCONN',
  'ESHUTDOWN',
  'ECONNABORTED',
  'EPIPE',
  'EBADF',
]);

/** What the driver needs of a channel: asyncore's dispatcher protocol. */
export interface DrivenChannel extends Channel {
  readonly socket: Watchable | null;
  readonly accepting: boolean;
  readonly connecting: boolean;
  readable(): boolean;
  writable(): boolean;
  handleReadEvent(): void;
  handleWriteEvent(): void;
  handleExptEvent(): void;
  handleClose(): void;
  handleError(error: unknown): void;
  /** Set to the error that ended the connection before `handleClose` runs for it. */
  closeError: SocketError | null;
}

/** The key of {@link SelfWatchingChannel}'s registering call. */
export const START_WATCH: unique symbol = Symbol('polyport.startWatch');
/** The key of {@link SelfWatchingChannel}'s unregistering call. */
export const STOP_WATCH: unique symbol = Symbol('polyport.stopWatch');
/** The key of {@link SelfWatchingChannel}'s "registered for this driver?" call. */
export const WATCHED_BY: unique symbol = Symbol('polyport.watchedBy');

/**
 * A channel that is itself its socket's readiness observer (the {@link Dispatcher}): the driver
 * of its own map then keeps nothing per channel, neither a {@link Watch} nor a map entry, since
 * an idle server holds one channel per connection. The channel remembers the socket it
 * registered with and tells its driver, through `channelReady()`, when readiness changes. The
 * calls are keyed by symbols the package does not export, so they stay out of a subclass's way.
 */
export interface SelfWatchingChannel extends DrivenChannel {
  /**
   * Registers the channel with its socket on behalf of `driver`.
   * @returns false when it cannot (`driver` is not its own map's, or the socket has no
   *   `addReadinessListener()`): the driver then keeps a {@link Watch} for it.
   */
  [START_WATCH](driver: Driver): boolean;
  /**
   * Unregisters the channel from the socket it registered with for `driver`.
   * @returns false when it was not registered for `driver`.
   */
  [STOP_WATCH](driver: Driver): boolean;
  /** Whether the channel is registered with its socket for `driver`. */
  [WATCHED_BY](driver: Driver): boolean;
}

function isSelfWatching(channel: DrivenChannel): channel is SelfWatchingChannel {
  return typeof (channel as Partial<SelfWatchingChannel>)[START_WATCH] === 'function';
}

/**
 * The watch the driver keeps for any other channel (one of another map's, or on a socket that
 * offers only `watch()`); `live` turns false when the driver stops watching. It is itself the
 * socket's listener (a {@link ReadinessObserver}), so no closure over it is made, and a socket
 * that offers `addReadinessListener()` needs no stop function either.
 */
class Watch implements ReadinessObserver {
  readonly #driver: Driver;
  readonly #channel: DrivenChannel;
  /** The socket watched; null once the driver stopped watching. */
  #socket: Watchable | null;
  readonly #stop: (() => void) | null;

  constructor(driver: Driver, channel: DrivenChannel, socket: Watchable) {
    this.#driver = driver;
    this.#channel = channel;
    this.#socket = socket;
    if (socket.addReadinessListener !== undefined) {
      socket.addReadinessListener(this);
      this.#stop = null;
    } else this.#stop = socket.watch(() => this.readinessChanged());
  }

  /** Whether the driver still watches the channel through this watch. */
  get live(): boolean {
    return this.#socket !== null;
  }

  readinessChanged(): void {
    this.#driver.channelReady(this.#channel, this);
  }

  stop(): void {
    const socket = this.#socket;
    this.#socket = null;
    if (this.#stop !== null) this.#stop();
    else socket?.removeReadinessListener?.(this);
  }
}

interface LoopRun {
  /**
   * Rounds left, or null for a loop without a count: not Infinity, which as a number that is
   * not a small integer would cost an allocation on every round it is counted down.
   */
  remaining: number | null;
  resolve(): void;
  reject(err: unknown): void;
}

/** The longest interval `setInterval()` honours, in milliseconds. */
const MAX_INTERVAL = 2 ** 31 - 1;

const drivers = new WeakMap<SocketMap<Channel>, Driver>();

/** The driver of `map`, made on first use. */
export function driverOf(map: SocketMap<Channel>): Driver {
  let driver = drivers.get(map);
  if (driver === undefined) {
    driver = new Driver(map as SocketMap<DrivenChannel & Channel>);
    drivers.set(map, driver);
  }
  return driver;
}

/**
 * Serves one channel for the readiness its socket shows, as asyncore's `readwrite()`:
 * read event, write event, then close on hang-up or error. An exception closes that channel
 * only (through `handleError`); `ExitNow` propagates.
 * @param channel the channel to serve.
 * @param bits the readiness its socket shows (`READY_*`).
 * @throws {ExitNow} when a hook throws it.
 * @example readwrite(channel, channel.socket.readiness); // what one round does for a channel
 */
export function readwrite(channel: DrivenChannel, bits: number): void {
  try {
    if (bits & READY_CLOSED) {
      channel.handleClose();
      return;
    }
    if (channel.connecting) {
      // A connect under way: writability (or an error) says how it went.
      if (bits & (READY_WRITE | READY_ERROR)) channel.handleWriteEvent();
      return;
    }
    if (bits & (READY_READ | READY_HUP | READY_ERROR) && channel.readable())
      channel.handleReadEvent();
    else if (bits & READY_ERROR && !channel.accepting) {
      // A channel that is not reading (busy with a request, holding back) still learns that
      // its peer reset, as asyncore's poll loop reports POLLERR whatever the channel asked for;
      // otherwise the connection would wait for work whose answer nobody can read.
      channel.handleExptEvent();
    }
    if (channel.socket === null) return;
    if (bits & READY_WRITE && !channel.accepting && channel.writable()) channel.handleWriteEvent();
  } catch (err) {
    failChannel(channel, err);
  }
}

/**
 * Hands an error that escaped a channel's hook to the channel: `handleClose` for a peer that is
 * gone, `handleError` otherwise. `ExitNow` propagates.
 * @param channel the channel whose hook threw.
 * @param err what it threw.
 * @throws {ExitNow} when `err` (or what the handlers throw) is one.
 */
export function failChannel(channel: DrivenChannel, err: unknown): void {
  if (err instanceof ExitNow) throw err;
  if (err instanceof SocketError && DISCONNECTED.has(err.code)) {
    channel.closeError ??= err;
    safely(channel, () => channel.handleClose());
  } else safely(channel, () => channel.handleError(err));
}

/** Runs a handler that must not take the loop down: if it throws too, the channel is closed. */
function safely(channel: DrivenChannel, handler: () => void): void {
  try {
    handler();
  } catch (err) {
    if (err instanceof ExitNow) throw err;
    process.stderr.write(
      `polyport: error while handling an error, closing channel: ${String(err)}\n`,
    );
    try {
      (channel as { close?: () => void }).close?.();
    } catch {
      // nothing more can be done for this channel
    }
  }
}

/**
 * Whether a served channel is still ready, so that another round is due. A predicate that
 * throws is that channel's error (its `handleError` runs), not the loop's.
 */
function stillReady(channel: DrivenChannel): boolean {
  const socket = channel.socket;
  if (socket === null) return false;
  const bits = socket.readiness;
  if (bits & READY_CLOSED) return false;
  if (channel.connecting) return false;
  try {
    if (bits & (READY_READ | READY_ERROR) && channel.readable()) return true;
    return (bits & READY_WRITE) !== 0 && !channel.accepting && channel.writable();
  } catch (err) {
    failChannel(channel, err);
    return false;
  }
}

/**
 * Drives the channels of one map. Channels attach when added to the map and detach when
 * removed; the driver serves them only while a `loop()` over the map runs.
 */
export class Driver {
  readonly map: SocketMap<DrivenChannel & Channel>;
  /** The watches of the channels that do not watch their sockets themselves. */
  readonly #watches = new Map<DrivenChannel, Watch>();
  readonly #dirty = new Set<DrivenChannel>();
  #runs: LoopRun[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  #serving = false;
  #timer: NodeJS.Timeout | null = null;
  #pendingError: unknown = null;

  constructor(map: SocketMap<DrivenChannel & Channel>) {
    this.map = map;
  }

  /** Whether a loop over this map is running. */
  get running(): boolean {
    return this.#runs.length > 0;
  }

  /** Starts watching a channel's socket (when it joins the map or gets a socket). */
  attach(channel: DrivenChannel): void {
    this.#unwatch(channel);
    const socket = channel.socket;
    if (socket === null) return;
    if (!(isSelfWatching(channel) && channel[START_WATCH](this)))
      this.#watches.set(channel, new Watch(this, channel, socket));
    this.#dirty.add(channel);
    if (this.running) this.#schedule();
  }

  /** Stops watching a channel (when it leaves the map); ends loops once the map is empty. */
  detach(channel: DrivenChannel): void {
    this.#unwatch(channel);
    this.#dirty.delete(channel);
    if (this.map.size === 0 && !this.#serving) this.#finishAll();
  }

  #unwatch(channel: DrivenChannel): void {
    if (isSelfWatching(channel) && channel[STOP_WATCH](this)) return;
    const watch = this.#watches.get(channel);
    if (watch === undefined) return;
    watch.stop();
    this.#watches.delete(channel);
  }

  /** Asks for `channel` to be served again soon (its predicates changed outside any I/O event). */
  wake(channel: DrivenChannel): void {
    this.#dirty.add(channel);
    if (this.running) this.#schedule();
  }

  /**
   * Reports a failure outside any round (a bind or listen that failed): the running loops
   * reject with it, or the next `loop()` does.
   */
  fail(err: unknown): void {
    if (this.running) this.#rejectAll(err);
    else this.#pendingError = err;
  }

  /**
   * Runs a loop: resolves when the map is empty or after `count` rounds; rejects with `ExitNow`
   * or a setup failure.
   * @param timeout seconds after which an idle loop counts a round and re-checks every channel.
   * @param count rounds to run; undefined runs until the map is empty.
   */
  run(timeout: number, count: number | undefined): Promise<void> {
    if (this.#pendingError !== null) {
      const err = this.#pendingError;
      this.#pendingError = null;
      return Promise.reject(err);
    }
    if (this.map.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#runs.push({ remaining: count ?? null, resolve, reject });
      // The first round serves every channel, as the first select() would.
      for (const channel of this.map.values()) this.#dirty.add(channel);
      this.#schedule();
      // Past setInterval()'s limit (about 24.8 days) Node would fire every millisecond.
      if (this.#timer === null && timeout * 1000 <= MAX_INTERVAL) {
        this.#timer = setInterval(() => this.#idleRound(), Math.max(1, timeout * 1000));
      }
    });
  }

  /**
   * @internal A watched channel's socket may have changed readiness: called by the channel's
   * {@link Watch}, or with `null` by a {@link SelfWatchingChannel} itself.
   */
  channelReady(channel: DrivenChannel, watch: Watch | null): void {
    if (!this.running) {
      this.#dirty.add(channel);
      return;
    }
    if (this.#serving) {
      // A handler's own call changed readiness: serve it on the next round, not re-entrantly.
      this.#dirty.add(channel);
      this.#schedule();
      return;
    }
    this.#serveOne(channel, watch);
  }

  /**
   * One round for the one channel whose socket just became ready, through `watch`: the round
   * of every I/O event on a busy server, so it skips the batch array `#round()` would need.
   */
  #serveOne(channel: DrivenChannel, watch: Watch | null): void {
    this.#serving = true;
    try {
      this.#serveChannel(channel, watch);
    } catch (err) {
      // Only ExitNow gets here: every other error went to its channel's handleError.
      this.#serving = false;
      this.#rejectAll(err);
      return;
    }
    this.#serving = false;
    this.#endRound();
  }

  #schedule(): void {
    if (this.#scheduled !== null) return;
    this.#scheduled = setImmediate(this.#onImmediate);
  }

  /** The scheduled round: one function for the driver's life, not a closure per round. */
  readonly #onImmediate = (): void => {
    this.#scheduled = null;
    if (!this.running || this.#dirty.size === 0) return;
    const batch = [...this.#dirty];
    this.#dirty.clear();
    this.#round(batch);
  };

  #idleRound(): void {
    if (!this.running) return;
    for (const channel of this.map.values()) this.#dirty.add(channel);
    const batch = [...this.#dirty];
    this.#dirty.clear();
    this.#round(batch);
  }

  #round(batch: readonly DrivenChannel[]): void {
    this.#serving = true;
    try {
      for (const channel of batch) this.#serveChannel(channel, this.#watches.get(channel) ?? null);
    } catch (err) {
      // Only ExitNow gets here: every other error went to its channel's handleError.
      this.#serving = false;
      this.#rejectAll(err);
      return;
    }
    this.#serving = false;
    this.#endRound();
  }

  /**
   * Serves a channel's readiness, and keeps it for the next round when it is still ready.
   * `watch` is the channel's {@link Watch}, or null for a channel that watches its socket itself
   * (see {@link Driver.#watched}).
   */
  #serveChannel(channel: DrivenChannel, watch: Watch | null): void {
    const socket = channel.socket;
    if (socket === null || !this.#watched(channel, watch)) return;
    readwrite(channel, socket.readiness);
    if (this.#watched(channel, watch) && stillReady(channel)) this.#dirty.add(channel);
  }

  /**
   * Whether the driver still watches `channel` (a handler may close it or replace its socket):
   * through this very `watch` when it has one, which needs no map lookup per I/O event.
   */
  #watched(channel: DrivenChannel, watch: Watch | null): boolean {
    if (watch !== null) return watch.live;
    return isSelfWatching(channel) && channel[WATCHED_BY](this);
  }

  #endRound(): void {
    // No copy of the array: #finish() and #finishAll() replace #runs rather than change it,
    // and a resolved run's callbacks run later, so nothing adds to it while this loops.
    const runs = this.#runs;
    for (const run of runs) {
      if (run.remaining === null) continue;
      run.remaining -= 1;
      if (run.remaining <= 0) this.#finish(run);
    }
    if (this.map.size === 0) this.#finishAll();
    else if (this.#dirty.size > 0 && this.running) this.#schedule();
  }

  #finish(run: LoopRun): void {
    this.#runs = this.#runs.filter((r) => r !== run);
    if (!this.running) this.#stopTimers();
    run.resolve();
  }

  #finishAll(): void {
    const runs = this.#runs;
    this.#runs = [];
    this.#stopTimers();
    for (const run of runs) run.resolve();
  }

  #rejectAll(err: unknown): void {
    const runs = this.#runs;
    this.#runs = [];
    this.#stopTimers();
    for (const run of runs) run.reject(err);
  }

  #stopTimers(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#scheduled !== null) clearImmediate(this.#scheduled);
    this.#scheduled = null;
  }
}
