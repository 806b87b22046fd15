/**
 * Time, injected: servers take a `Clock` so tests can drive timeouts with a manual clock
 * instead of waiting.
 */

/** A cancellable timer handle. */
export interface ClockTimer {
  cancel(): void;
}

/** The time source and timers a server uses. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds. */
  setTimer(ms: number, callback: () => void): ClockTimer;
}

/**
 * The real clock: `Date.now()` and Node timers. Timers are unref'd: a pending timeout never
 * keeps a process alive on its own.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
