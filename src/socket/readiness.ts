/**
 * Readiness: what layer 2 (`select`, `poll`, selectors) and layer 3 (the dispatcher) watch.
 * The bits have Linux's `poll()` values so `poll()` can pass them through unchanged.
 */
import {
  type ListenerSlot,
  listenerCount,
  notifyListeners,
  withListener,
  withoutListener,
} from './listener-slot.js';

/** `recv`/`accept`/`recvfrom` would not wait: data, a pending connection, end of stream, an error. */
export const READY_READ = 0x1;
/** `send` would not wait. */
export const READY_WRITE = 0x4;
/** An error is waiting to be reported (`SO_ERROR`). */
export const READY_ERROR = 0x8;
/** The peer hung up: end of stream and our side can no longer send either. */
export const READY_HUP = 0x10;
/** The socket is closed (`poll()`'s `POLLNVAL`). */
export const READY_CLOSED = 0x20;

/** A listener told that readiness may have changed; it reads `readiness` to see how. */
export type ReadinessListener = () => void;

/**
 * A listener as an object: told through its method, so that a watcher of many sockets keeps
 * one object per socket (its own record of the socket) instead of that object and a closure
 * over it. Accepted by {@link Watchable.addReadinessListener}.
 * @example
 * class Watch implements ReadinessObserver {
 *   constructor(readonly sock: Watchable) { sock.addReadinessListener?.(this); }
 *   readinessChanged() { console.log(this.sock.readiness); }
 * }
 */
export interface ReadinessObserver {
  /** Readiness may have changed; called as a {@link ReadinessListener} would be. */
  readinessChanged(): void;
}

/**
 * A listener either way: a function, or an object told through its method.
 * @example const listener: AnyReadinessListener = { readinessChanged: () => check() };
 */
export type AnyReadinessListener = ReadinessListener | ReadinessObserver;

/**
 * Something whose readiness can be watched without polling: polyport sockets, and any object
 * that exposes one through `fileno()`-like delegation (see `polyport/select`).
 */
export interface Watchable {
  /** The current readiness bits (`READY_READ | READY_WRITE | …`). */
  readonly readiness: number;
  /**
   * Calls `listener` whenever readiness may have changed, until the returned function is called.
   * Listeners run synchronously from Node's I/O callbacks, so they must be quick.
   */
  watch(listener: ReadinessListener): () => void;
  /**
   * Optional: calls `listener` as {@link watch} does, without making the function that stops it;
   * {@link removeReadinessListener} stops it. For a watcher of many sockets (the dispatcher's
   * driver), which then keeps one object fewer per socket, or two with a
   * {@link ReadinessObserver} (no closure either).
   */
  addReadinessListener?(listener: ReadinessListener | ReadinessObserver): void;
  /** Stops calling a listener given to {@link addReadinessListener}. */
  removeReadinessListener?(listener: ReadinessListener | ReadinessObserver): void;
  /** The file descriptor, or -1 when there is none (closed, or not opened yet). */
  fileno(): number;
}

/**
 * Where listeners are added and taken off: a socket, or a {@link ReadinessListeners}. What a
 * waiting call (`settleWhen()`, `RecvWaiter`) needs.
 * @example
 * const registry: ListenerRegistry = sock; // or new ReadinessListeners()
 * registry.addReadinessListener(onReady);
 */
export type ListenerRegistry = Required<
  Pick<Watchable, 'addReadinessListener' | 'removeReadinessListener'>
>;

/**
 * The listeners of something watched that does not keep them in a field of its own, as a socket
 * does (the in-memory sockets of `polyport/testing`, plain descriptors). One listener is kept
 * as it is and only a second makes an array: notifying must cost next to nothing.
 * @example
 * const listeners = new ReadinessListeners();
 * const stop = listeners.add(() => console.log('readiness may have changed'));
 * listeners.notify();
 * stop();
 */
export class ReadinessListeners implements ListenerRegistry {
  #listeners: ListenerSlot = null;

  /** Adds a listener; returns the function that removes it. */
  add(listener: ReadinessListener): () => void {
    this.push(listener);
    return () => this.remove(listener);
  }

  /** Adds a listener to be taken off with {@link remove} (no remover closure is made). */
  push(listener: AnyReadinessListener): void {
    this.#listeners = withListener(this.#listeners, listener);
  }

  /** Removes a listener (the last one added first, as waits end in reverse order). */
  remove(listener: AnyReadinessListener): void {
    this.#listeners = withoutListener(this.#listeners, listener);
  }

  /** {@link push} under a socket's name for it, so that this can stand where a socket does. */
  addReadinessListener(listener: AnyReadinessListener): void {
    this.push(listener);
  }

  /** {@link remove} under a socket's name for it. */
  removeReadinessListener(listener: AnyReadinessListener): void {
    this.remove(listener);
  }

  /** Calls every listener. Listeners must not throw: they run inside Node's I/O callbacks. */
  notify(): void {
    notifyListeners(this.#listeners);
  }

  /** How many listeners there are. */
  get size(): number {
    return listenerCount(this.#listeners);
  }
}
