/**
 * `CommandRate`: the per-connection brake on FTP command floods, a token bucket that allows
 * bursts of twice the rate but not a sustained flood.
 */

import type { Clock } from '../../../server/clock.js';

/**
 * Counts one control connection's commands against `perSecond`.
 *
 * @example
 * const rate = new CommandRate(200, clock);
 * if (!rate.allow()) session.refuseFlood();
 */
export class CommandRate {
  readonly #perSecond: number;
  readonly #clock: Clock;
  #tokens: number;
  #updated: number;

  /**
   * @param perSecond Commands per second on average; 0 (or less) disables the limit.
   * @param clock The connection's clock.
   */
  constructor(perSecond: number, clock: Clock) {
    this.#perSecond = perSecond;
    this.#clock = clock;
    this.#tokens = Math.max(perSecond, 1) * 2;
    this.#updated = clock.now();
  }

  /**
   * Takes one command from the bucket.
   *
   * @returns Whether the command is within the rate.
   */
  allow(): boolean {
    const rate = this.#perSecond;
    if (rate <= 0) return true;
    const now = this.#clock.now();
    this.#tokens = Math.min(rate * 2, this.#tokens + ((now - this.#updated) / 1000) * rate);
    this.#updated = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
