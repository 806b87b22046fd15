/**
 * `LogThrottle`: at most so many lines of one kind per second, the rest counted and told in one
 * line. A peer that is refused or fails thousands of times a second (a connection flood past the
 * limits, datagrams without a PROXY header) must not write thousands of log lines: the log would
 * cost more than the refusals and could fill the disk. Counters, metrics and the capture still
 * see every event; only the one-line-each log is thinned.
 */

/** Options for {@link LogThrottle}. */
export interface LogThrottleOptions {
  /** Lines let through per window (default 20). */
  readonly perWindow?: number;
  /** The window, in milliseconds (default 1,000). */
  readonly windowMs?: number;
  /** The clock (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * Decides, line by line, whether a kind of log line is written. Once a window's lines are used
 * up, the others are counted, and when the window ends `onSuppressed` is called once with their
 * number (from a timer that does not keep the process alive).
 *
 * @example
 * const refusals = new LogThrottle((n) => log.warn({ suppressed: n }, `${n} more refusals`));
 * if (refusals.admit()) log.warn({ peer }, 'connection refused');
 */
export class LogThrottle {
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #onSuppressed: (count: number) => void;
  #windowStart = Number.NEGATIVE_INFINITY;
  #admitted = 0;
  #suppressed = 0;
  #timer: NodeJS.Timeout | null = null;

  /**
   * @param onSuppressed called at a window's end with the number of lines not written in it.
   * @param options how many lines per how long, and the clock.
   * @throws {RangeError} when `perWindow` or `windowMs` is not a positive integer.
   */
  constructor(onSuppressed: (count: number) => void, options: LogThrottleOptions = {}) {
    const perWindow = options.perWindow ?? 20;
    const windowMs = options.windowMs ?? 1000;
    for (const [name, value] of [
      ['perWindow', perWindow],
      ['windowMs', windowMs],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`LogThrottle: ${name} must be a positive integer, got ${value}`);
    }
    this.#perWindow = perWindow;
    this.#windowMs = windowMs;
    this.#now = options.now ?? Date.now;
    this.#onSuppressed = onSuppressed;
  }

  /** Whether this line is written (true), or only counted (false). */
  admit(): boolean {
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      this.#flush();
      this.#windowStart = now;
      this.#admitted = 0;
    }
    if (this.#admitted < this.#perWindow) {
      this.#admitted++;
      return true;
    }
    if (this.#suppressed++ === 0) {
      const left = Math.max(0, this.#windowStart + this.#windowMs - now);
      this.#timer = setTimeout(() => this.#flush(), left);
      this.#timer.unref();
    }
    return false;
  }

  /** Tells what was held back now (at shutdown), and stops the timer. */
  close(): void {
    this.#flush();
  }

  #flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const count = this.#suppressed;
    this.#suppressed = 0;
    if (count > 0) this.#onSuppressed(count);
  }
}
