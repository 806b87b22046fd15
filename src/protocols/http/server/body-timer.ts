/**
 * `BodyTimer`: the timeout of a request body that stalls — the client stops sending mid-body —
 * kept apart from the time a slow handler leaves the body unread, which is not the client's
 * fault.
 */
import type { Clock, ClockTimer } from '../../../server/clock.js';

/** What the timer asks and tells its connection. */
export interface BodyTimerHooks {
  /** Whether a body is still awaited (a stale timer does nothing). */
  awaited(): boolean;
  /** Whether the body waits on us (its buffer is full): then the client is not stalling. */
  held(): boolean;
  /** The body went `seconds` without a byte: answer 408 or cut the connection. */
  expired(): void;
}

/**
 * One timer for the whole body, re-armed for what is left of the quiet time rather than reset
 * on every read (a read is one field store, not a timer operation).
 *
 * @example
 * const timer = new BodyTimer(clock, 30, { awaited, held, expired });
 * timer.start(clock.now()); // the body is wanted
 * timer.activity(clock.now()); // a body byte arrived
 * timer.stop(); // the body ended
 */
export class BodyTimer {
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #hooks: BodyTimerHooks;
  #timer: ClockTimer | null = null;
  #lastAt = 0;

  /**
   * @param clock Where time comes from.
   * @param seconds How long a body may go without a byte (0 or less: no limit).
   * @param hooks The connection's side.
   */
  constructor(clock: Clock, seconds: number, hooks: BodyTimerHooks) {
    this.#clock = clock;
    this.#limit = seconds * 1000;
    this.#hooks = hooks;
  }

  /**
   * Starts timing a body (no-op when already running or without a limit).
   *
   * @param now The clock's milliseconds.
   */
  start(now: number): void {
    if (this.#limit <= 0 || this.#timer !== null) return;
    this.#lastAt = now;
    this.#arm(this.#limit);
  }

  /**
   * Notes that body bytes arrived.
   *
   * @param now The clock's milliseconds.
   */
  activity(now: number): void {
    this.#lastAt = now;
  }

  /** Stops timing (the body ended, or the connection closes). */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimer(ms, () => {
      this.#timer = null;
      if (!this.#hooks.awaited()) return;
      const quiet = this.#clock.now() - this.#lastAt;
      if (quiet < this.#limit || this.#hooks.held()) {
        this.#arm(Math.max(1, this.#limit - quiet));
        return;
      }
      this.#hooks.expired();
    });
  }
}
