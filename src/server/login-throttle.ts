/**
 * The brake on password guessing that every login of every protocol shares (FTP USER/PASS,
 * POP3 USER/PASS and AUTH, SMTP AUTH): a pause after each failure and a cap on failures per
 * connection, after which the server hangs up (RFC 2577 §3 for FTP; Postfix, Dovecot and vsftpd
 * do the same for their protocols).
 */
import type { Clock } from './clock.js';

/** Options for {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** The clock whose timer makes the pause (tests inject a fast or manual one). */
  readonly clock: Clock;
  /** Milliseconds to wait before answering each failure; 0 answers at once. */
  readonly delay: number;
  /** Failures after which the connection is closed; at least 1. */
  readonly maxAttempts: number;
}

/** Default pause after a failed login, in milliseconds (as FTP and POP3 always had). */
export const DEFAULT_FAILED_LOGIN_DELAY = 1000;

/** Default failures per connection before the server hangs up (vsftpd's `max_login_fails`). */
export const DEFAULT_MAX_LOGIN_ATTEMPTS = 3;

/**
 * Checks the `failedLoginDelay` and `maxLoginAttempts` options a service takes, applying the
 * defaults.
 *
 * @param delay Milliseconds, or `undefined` for {@link DEFAULT_FAILED_LOGIN_DELAY}.
 * @param maxAttempts A count, or `undefined` for {@link DEFAULT_MAX_LOGIN_ATTEMPTS}.
 * @returns Both values, checked.
 * @throws {RangeError} When the delay is negative or not finite, or the count is not a
 *   positive integer.
 * @example
 * loginThrottleSettings(undefined, 5); // { delay: 1000, maxAttempts: 5 }
 */
export function loginThrottleSettings(
  delay: number | undefined,
  maxAttempts: number | undefined,
): { readonly delay: number; readonly maxAttempts: number } {
  const d = delay ?? DEFAULT_FAILED_LOGIN_DELAY;
  const m = maxAttempts ?? DEFAULT_MAX_LOGIN_ATTEMPTS;
  if (!Number.isFinite(d) || d < 0) {
    throw new RangeError(`failedLoginDelay must be >= 0 ms, got ${d}`);
  }
  if (!Number.isSafeInteger(m) || m < 1) {
    throw new RangeError(`maxLoginAttempts must be a positive integer, got ${m}`);
  }
  return { delay: d, maxAttempts: m };
}

/**
 * Counts the failed logins of one connection. Each failure waits `delay` on the clock (holding
 * this connection only, never the event loop) before the caller answers; the failure that
 * reaches `maxAttempts` tells the caller to close. The count never resets within a connection,
 * so starting over with a new user name or mechanism does not buy more guesses.
 *
 * @example
 * const throttle = new LoginThrottle({ clock: systemClock, delay: 1000, maxAttempts: 3 });
 * if (await throttle.failed()) closeWith('421 Too many failed logins');
 * else reply('535 Authentication credentials invalid');
 */
export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  #failures = 0;

  /**
   * @param options The clock, the pause and the cap.
   * @throws {RangeError} When the delay or the cap is out of range.
   */
  constructor(options: LoginThrottleOptions) {
    loginThrottleSettings(options.delay, options.maxAttempts);
    this.#options = options;
  }

  /** Failed logins so far on this connection. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Records one failed login and waits the pause.
   *
   * @returns `true` when this failure reached the cap: answer it, then close the connection.
   */
  async failed(): Promise<boolean> {
    this.#failures += 1;
    const { clock, delay, maxAttempts } = this.#options;
    if (delay > 0) await new Promise<void>((resolve) => clock.setTimer(delay, resolve));
    return this.#failures >= maxAttempts;
  }
}
