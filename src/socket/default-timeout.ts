/** The timeout new sockets start with, as Python's `socket.setdefaulttimeout()` sets it. */
let defaultTimeout: number | null = null;

/**
 * The timeout, in seconds, that new sockets start with; `null` means they block without limit.
 * @example getdefaulttimeout(); // null
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Sets the timeout new sockets start with.
 * @param timeout seconds (>= 0), or `null` for no timeout.
 * @throws {TypeError} when `timeout` is not a number or null.
 * @throws {RangeError} when it is negative or not finite.
 * @example setdefaulttimeout(5);
 */
export function setdefaulttimeout(timeout: number | null): void {
  defaultTimeout = checkTimeout(timeout, 'setdefaulttimeout');
}

/** Validates a timeout value as Python does. */
export function checkTimeout(timeout: unknown, op: string): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new TypeError(
      `${op}(): timeout must be a number of seconds or null, got ${String(timeout)}`,
    );
  }
  if (timeout < 0 || !Number.isFinite(timeout)) {
    throw new RangeError(`${op}(): timeout value out of range: ${timeout}`);
  }
  return timeout;
}
