/**
 * `RecvWaiter`: the one `recv()` of a socket that waits for data, kept in fields instead of
 * closures. A ping-pong program waits in `recv()` once per message, so this is the hottest wait
 * there is: it costs one promise (and its executor) and nothing else per call, where the
 * general `settleWhen()` makes five closures. With a timeout, one timer serves every wait (see
 * {@link RecvWaiter.wait}).
 */
import { monotonicMs } from './monotonic-ms.js';
import type { ListenerRegistry } from './readiness.js';

/** Takes up to `size` bytes now: the bytes, or `null` to keep waiting; throws to fail. */
export type TakeBytes = (size: number, flags: number) => Buffer | null;

/** The waiter a timer calls back: held strongly only while a receive waits. */
interface TimerTarget {
  waiting: RecvWaiter | null;
  readonly idle: WeakRef<RecvWaiter>;
}

/**
 * Waits for one receive at a time on one socket. A second concurrent receive must use the
 * general path ({@link RecvWaiter.busy} tells when).
 *
 * @example
 * const waiter = new RecvWaiter(listeners, (n, f) => sock.recvNowait(n, f), () => timeoutError());
 * const data = await waiter.wait(4096, 0, null);
 */
export class RecvWaiter {
  readonly #listeners: ListenerRegistry;
  readonly #take: TakeBytes;
  readonly #timeoutError: () => Error;
  #resolve: ((data: Buffer) => void) | null = null;
  #reject: ((err: unknown) => void) | null = null;
  #size = 0;
  #flags = 0;
  /**
   * The timer, kept from wait to wait (unreferenced in between), and when it fires
   * ({@link monotonicMs} time): it fires at the deadline of the wait it was set for, which
   * may be earlier than the current wait's (see {@link wait}).
   */
  #timer: NodeJS.Timeout | undefined;
  #timerAt = 0;
  /**
   * What the timer calls back through: this waiter while a receive waits, and otherwise only a
   * weak reference to it, so that a timer left from the last wait of a socket that is then
   * dropped does not hold the socket until it fires (a client opening many short connections
   * with a timeout would keep each for that long). Made on the first timed wait.
   */
  #timerTarget: TimerTarget | null = null;
  /** The current wait's deadline (`null`: none, or no wait). */
  #deadline: number | null = null;

  /**
   * @param listeners where the socket's readiness listeners go (the socket itself): they are
   *   told whenever readiness may change.
   * @param take the socket's non-waiting receive.
   * @param timeoutError makes the error a wait rejects with at its deadline.
   */
  constructor(listeners: ListenerRegistry, take: TakeBytes, timeoutError: () => Error) {
    this.#listeners = listeners;
    this.#take = take;
    this.#timeoutError = timeoutError;
  }

  /** Whether a receive is waiting already. */
  get busy(): boolean {
    return this.#resolve !== null;
  }

  /**
   * Waits until `take(size, flags)` gives bytes (or throws), or until `deadline`.
   *
   * A socket with a timeout waits once per read, and a download reads a thousand times in a
   * second: a timer made and cleared per wait costs an async id, a timer list and the loop's
   * timer heap each time. So the timer outlives the wait: a wait whose deadline is no earlier
   * than when the timer fires keeps it (only referencing it again), and a timer that fires
   * before the current deadline is set again for the rest.
   * @param size the most bytes to take.
   * @param flags the receive flags, passed on to `take`.
   * @param deadline {@link monotonicMs} time to give up at, or `null` to wait for ever.
   * @returns the bytes `take` gave.
   * @throws {Error} whatever `take` throws, or the timeout error at the deadline; a `RangeError`
   *   when another receive is already waiting (check {@link busy} first).
   */
  wait(size: number, flags: number, deadline: number | null): Promise<Buffer> {
    if (this.#resolve !== null)
      return Promise.reject(new RangeError('RecvWaiter.wait(): a receive is already waiting'));
    return new Promise<Buffer>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#size = size;
      this.#flags = flags;
      this.#deadline = deadline;
      this.#listeners.addReadinessListener(this.#onReady);
      if (deadline === null) return;
      const timer = this.#timer;
      if (timer !== undefined && this.#timerAt <= deadline) timer.ref();
      else this.#arm(deadline);
      this.#timerTarget!.waiting = this;
    });
  }

  /** Sets the timer to fire at `at`, replacing one that would fire later. */
  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    const target = (this.#timerTarget ??= { waiting: this, idle: new WeakRef(this) });
    this.#timer = setTimeout(RecvWaiter.#fired, Math.max(0, at - monotonicMs()), target);
  }

  static #fired(target: TimerTarget): void {
    const waiter = target.waiting ?? target.idle.deref();
    if (waiter !== undefined) waiter.#onTimeout();
  }

  // Trying the receive itself is cheaper than computing readiness first: it returns null when
  // nothing is there, and throws exactly when a waiting recv() must fail (reset, close).
  #onReady = (): void => {
    let data: Buffer | null;
    try {
      data = this.#take(this.#size, this.#flags);
    } catch (err) {
      const reject = this.#reject;
      this.#end();
      reject?.(err);
      return;
    }
    if (data === null) return;
    const resolve = this.#resolve;
    this.#end();
    resolve?.(data);
  };

  #onTimeout(): void {
    this.#timer = undefined;
    const deadline = this.#deadline;
    // No wait, or one without a deadline: the timer was left from an earlier wait.
    if (deadline === null) return;
    // Set for an earlier wait's deadline: wait on for the rest of this one's.
    if (this.#timerAt < deadline) {
      this.#arm(deadline);
      return;
    }
    const reject = this.#reject;
    this.#end();
    reject?.(this.#timeoutError());
  }

  #end(): void {
    this.#listeners.removeReadinessListener(this.#onReady);
    // Kept for the next wait, but it must not keep the process (or this waiter) alive while
    // nothing waits.
    this.#timer?.unref();
    if (this.#timerTarget !== null) this.#timerTarget.waiting = null;
    this.#deadline = null;
    this.#resolve = null;
    this.#reject = null;
  }
}
