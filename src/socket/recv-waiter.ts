/**
 * `RecvWaiter`: the one `recv()` of a socket that waits for data, kept in fields instead of
 * closures. A ping-pong program waits in `recv()` once per message, so this is the hottest wait
 * there is: it costs one promise (and its executor) and nothing else per call, where the
 * general `settleWhen()` makes five closures.
 */
import type { ListenerRegistry } from './readiness.js';

/** Takes up to `size` bytes now: the bytes, or `null` to keep waiting; throws to fail. */
export type TakeBytes = (size: number, flags: number) => Buffer | null;

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
  #timer: NodeJS.Timeout | undefined;

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
   * @param size the most bytes to take.
   * @param flags the receive flags, passed on to `take`.
   * @param deadline `performance.now()` time to give up at, or `null` to wait for ever.
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
      this.#listeners.addReadinessListener(this.#onReady);
      if (deadline !== null)
        this.#timer = setTimeout(this.#onTimeout, Math.max(0, deadline - performance.now()));
    });
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

  #onTimeout = (): void => {
    const reject = this.#reject;
    this.#timer = undefined;
    this.#end();
    reject?.(this.#timeoutError());
  };

  #end(): void {
    this.#listeners.removeReadinessListener(this.#onReady);
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#resolve = null;
    this.#reject = null;
  }
}
