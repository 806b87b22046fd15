/**
 * Readiness: what layer 2 (`select`, `poll`, selectors) and layer 3 (the dispatcher) watch.
 * The bits have Linux's `poll()` values so `poll()` can pass them through unchanged.
 */

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

/** What {@link ReadinessListeners} keeps: a function, or an object told through its method. */
type Listener = ReadinessListener | ReadinessObserver;

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
 * The listeners one socket keeps. Almost every socket has one listener (its dispatcher or one
 * pending call), so one is kept as it is and only a second makes an array: notifying must cost
 * next to nothing, and an idle server holds thousands of these.
 */
export class ReadinessListeners {
  #listeners: Listener | Listener[] | null = null;

  /** Adds a listener; returns the function that removes it. */
  add(listener: ReadinessListener): () => void {
    this.push(listener);
    return () => this.remove(listener);
  }

  /** Adds a listener to be taken off with {@link remove} (no remover closure is made). */
  push(listener: Listener): void {
    const listeners = this.#listeners;
    if (listeners === null) this.#listeners = listener;
    else if (Array.isArray(listeners)) listeners.push(listener);
    else this.#listeners = [listeners, listener];
  }

  /** Removes a listener (the last one added first, as waits end in reverse order). */
  remove(listener: Listener): void {
    const listeners = this.#listeners;
    if (listeners === listener) {
      this.#listeners = null;
      return;
    }
    if (!Array.isArray(listeners)) return;
    const last = listeners.length - 1;
    if (listeners[last] === listener) listeners.pop();
    else {
      const index = listeners.lastIndexOf(listener);
      if (index !== -1) listeners.splice(index, 1);
    }
    if (listeners.length === 0) this.#listeners = null;
  }

  /** Calls every listener. Listeners must not throw: they run inside Node's I/O callbacks. */
  notify(): void {
    const listeners = this.#listeners;
    if (listeners === null) return;
    if (!Array.isArray(listeners)) {
      call(listeners);
      return;
    }
    if (listeners.length === 1) {
      call(listeners[0]!);
      return;
    }
    for (const listener of listeners.slice()) call(listener);
  }

  /** How many listeners there are. */
  get size(): number {
    const listeners = this.#listeners;
    if (listeners === null) return 0;
    return Array.isArray(listeners) ? listeners.length : 1;
  }
}

function call(listener: Listener): void {
  if (typeof listener === 'function') listener();
  else listener.readinessChanged();
}
