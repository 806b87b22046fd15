/**
 * The readiness of a plain file descriptor — a pipe, a tty, stdin, a regular file — for
 * `select()`, `poll()` and the selectors, as CPython gives them on Unix: poll(2) with no wait
 * says what is ready now, and a uv_poll watcher (native/fd_socket.cc), armed only while someone
 * waits and only for what is not ready yet, says when that changes.
 */
import { errnoError } from '../errors.js';
import {
  READY_CLOSED,
  READY_ERROR,
  READY_HUP,
  READY_READ,
  READY_WRITE,
  type ReadinessListener,
  ReadinessListeners,
  type ReadinessObserver,
  type Watchable,
} from '../readiness.js';
import { type FdSocketAddon, type FdWatcher, requireFdSocketAddon } from './fd-socket.js';

/** libuv's `UV_READABLE` and `UV_WRITABLE`. */
const UV_READABLE = 1;
const UV_WRITABLE = 2;

/** Linux's EPERM, which epoll_ctl() gives for a descriptor it cannot watch. */
const EPERM = 1;
/** Linux's EBADF: the descriptor is closed. */
const EBADF = 9;

/** The bits of poll(2)'s revents a plain descriptor reports (Linux's values, as `READY_*`). */
const REPORTED = READY_READ | READY_WRITE | READY_ERROR | READY_HUP | READY_CLOSED;

/**
 * Watches a descriptor polyport does not own. It never reads, writes or closes it; closing it
 * is its owner's business, and a closed one shows as `READY_CLOSED` (poll(2)'s `POLLNVAL`), so
 * `select()` raises `EBADF` and `poll()` reports `POLLNVAL`, as in Python. A regular file is
 * always ready (poll(2) says so, as POSIX wants), so it never needs the watcher, which epoll
 * would refuse.
 *
 * @example
 * const stdin = new DescriptorReadiness(0, 'select');
 * const stop = stdin.watch(() => { if (stdin.readiness & READY_READ) console.log('a line waits'); });
 */
export class DescriptorReadiness implements Watchable {
  readonly #fd: number;
  readonly #addon: FdSocketAddon;
  readonly #listeners = new ReadinessListeners();
  #watcher: FdWatcher | null = null;
  #armed = 0;
  /** epoll refused the descriptor: it is always ready, so nothing ever needs to wake a wait. */
  #unpollable = false;

  /**
   * @param fd the descriptor.
   * @param op the call that asks, for error messages (`select`, `register`).
   * @throws {TypeError} when `fd` is not an integer; {RangeError} when it is negative (Python's
   *   `ValueError`); {SocketError} `ESOCKTNOSUPPORT` when the native addon is not built.
   */
  constructor(fd: number, op: string) {
    if (!Number.isSafeInteger(fd)) {
      throw new TypeError(`${op}(): a file descriptor must be an integer, got ${String(fd)}`);
    }
    if (fd < 0) {
      throw new RangeError(`${op}(): file descriptor cannot be a negative integer (${fd})`);
    }
    this.#fd = fd;
    this.#addon = requireFdSocketAddon(
      op,
      'select(), poll() and selectors on plain file descriptors',
    );
  }

  /** The kernel's readiness now (`READY_*` bits; `READY_CLOSED` once the descriptor is closed). */
  get readiness(): number {
    const bits = this.#poll();
    if (this.#listeners.size > 0) this.#rearm(bits);
    return bits;
  }

  /** Calls `listener` whenever readiness may have changed, until the returned function is called. */
  watch(listener: ReadinessListener): () => void {
    this.addReadinessListener(listener);
    return () => this.removeReadinessListener(listener);
  }

  /** As {@link watch}; the first listener arms the watcher. */
  addReadinessListener(listener: ReadinessListener | ReadinessObserver): void {
    this.#listeners.push(listener);
    // Armed for both at first: the caller looked at readiness before it listened, and what
    // became ready in between must still wake it (epoll reports it at once, level-triggered).
    if (this.#listeners.size === 1) this.#arm(UV_READABLE | UV_WRITABLE);
  }

  /** Stops calling `listener`; the last one to go closes the watcher. */
  removeReadinessListener(listener: ReadinessListener | ReadinessObserver): void {
    const had = this.#listeners.size;
    this.#listeners.remove(listener);
    if (had > 0 && this.#listeners.size === 0) this.#stop();
  }

  /** The descriptor, as given. */
  fileno(): number {
    return this.#fd;
  }

  #poll(): number {
    const revents = this.#addon.pollNow(this.#fd);
    return revents < 0 ? READY_ERROR : revents & REPORTED;
  }

  /** Arms the watcher for what `bits` says is not ready yet (nothing once something is wrong). */
  #rearm(bits: number): void {
    let want = 0;
    if (this.#listeners.size > 0 && (bits & (READY_ERROR | READY_HUP | READY_CLOSED)) === 0) {
      if ((bits & READY_READ) === 0) want |= UV_READABLE;
      if ((bits & READY_WRITE) === 0) want |= UV_WRITABLE;
    }
    this.#arm(want);
  }

  #arm(want: number): void {
    if (want === this.#armed || this.#unpollable) return;
    if (want !== 0 && this.#watcher === null) {
      this.#watcher = this.#open();
      if (this.#watcher === null) return;
    }
    if (this.#watcher !== null) this.#addon.arm(this.#watcher, want);
    this.#armed = want;
  }

  #open(): FdWatcher | null {
    const made = this.#addon.watchDescriptor(this.#fd, this.#onEvents);
    if (typeof made !== 'number') return made;
    // epoll refuses (EPERM) only what poll(2) calls always ready — regular files, /dev/null:
    // there is never anything to wait for.
    if (made === -EPERM) {
      this.#unpollable = true;
      return null;
    }
    // Closed: nothing will happen to wait for, and readiness says READY_CLOSED, which each
    // caller reports its own way (select() raises EBADF, a selector leaves it out).
    if (made === -EBADF) return null;
    // libuv's codes are -errno on Linux: here, no descriptor left to duplicate (EMFILE).
    throw errnoError(-made, { op: 'select' });
  }

  #onEvents = (): void => {
    // The addon stopped the watcher before calling: re-arm for whatever is still not ready.
    this.#armed = 0;
    this.#rearm(this.#poll());
    this.#listeners.notify();
  };

  #stop(): void {
    if (this.#watcher !== null) this.#addon.unwatch(this.#watcher);
    this.#watcher = null;
    this.#armed = 0;
  }
}
