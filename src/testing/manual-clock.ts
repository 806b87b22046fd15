/**
 * A clock that moves only when the test says so: for code that takes an injected clock
 * (`now()` and `setTimer()`, the `Clock` of the protocol servers) and must be tested without
 * waiting.
 */

/** A timer set on a {@link ManualClock}. */
export interface ManualTimer {
  /** Stops the timer; cancelling twice, or after it fired, is harmless. */
  cancel(): void;
}

interface Pending {
  readonly id: number;
  due: number;
  readonly interval: number | null;
  readonly callback: () => void;
}

/**
 * Time that stands still until `advance(ms)`, which fires the timers that fall due, in order of
 * due time (then of setting), each seeing `now()` at its own due time.
 *
 * @example
 * const clock = new ManualClock(0);
 * const fired: number[] = [];
 * clock.setTimer(100, () => fired.push(clock.now()));
 * clock.advance(99);  // nothing yet
 * clock.advance(1);   // fired: [100]
 */
export class ManualClock {
  #now: number;
  #timers: Pending[] = [];
  #nextId = 1;

  /**
   * @param start the initial time in milliseconds since the epoch (default 0).
   * @throws {RangeError} for a time that is not a finite number.
   */
  constructor(start = 0) {
    checkFinite(start, 'start');
    this.#now = start;
  }

  /** The current time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /**
   * Calls `callback` once `ms` milliseconds have been advanced.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for a negative or non-finite delay.
   */
  setTimer(ms: number, callback: () => void): ManualTimer {
    return this.#add(ms, null, callback);
  }

  /**
   * Calls `callback` every `ms` milliseconds of advanced time.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for a delay that is not a positive finite number.
   */
  setInterval(ms: number, callback: () => void): ManualTimer {
    if (!(ms > 0)) throw new RangeError(`setInterval(): ms must be positive, got ${ms}`);
    return this.#add(ms, ms, callback);
  }

  /** How many timers are waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due. A callback that throws
   * stops the advance at its due time, and the error propagates.
   * @throws {RangeError} for a negative or non-finite step.
   */
  advance(ms: number): void {
    checkFinite(ms, 'advance');
    if (ms < 0) throw new RangeError(`advance(): ms must not be negative, got ${ms}`);
    const target = this.#now + ms;
    for (;;) {
      const next = this.#earliest();
      if (next === undefined || next.due > target) break;
      this.#now = next.due;
      if (next.interval === null) this.#remove(next.id);
      else next.due += next.interval;
      next.callback();
    }
    this.#now = target;
  }

  #add(ms: number, interval: number | null, callback: () => void): ManualTimer {
    checkFinite(ms, 'setTimer');
    if (ms < 0) throw new RangeError(`setTimer(): ms must not be negative, got ${ms}`);
    if (typeof callback !== 'function')
      throw new TypeError('setTimer(): callback must be a function');
    const id = this.#nextId++;
    this.#timers.push({ id, due: this.#now + ms, interval, callback });
    return { cancel: () => this.#remove(id) };
  }

  #earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const timer of this.#timers) {
      if (
        best === undefined ||
        timer.due < best.due ||
        (timer.due === best.due && timer.id < best.id)
      )
        best = timer;
    }
    return best;
  }

  #remove(id: number): void {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }
}

function checkFinite(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of milliseconds, got ${String(value)}`);
  }
}
