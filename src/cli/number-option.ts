/**
 * Numeric command-line options, checked with messages that name the option.
 */

/**
 * Reads a positive number of seconds (fractions allowed: `0.5`).
 * @param option the option's name for the message (`'--timeout'`).
 * @param text what was given, or undefined when the option was not.
 * @param fallback the value when not given (may be `null`: wait forever).
 * @returns the number, or `fallback`.
 * @throws {RangeError} when the text is not a finite number greater than 0.
 * @example secondsOption('--timeout', '2.5', null); // 2.5
 */
export function secondsOption<T extends number | null>(
  option: string,
  text: string | undefined,
  fallback: T,
): number | T {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${option} must be a positive number of seconds, got '${text}'`);
  }
  return value;
}

/**
 * Reads a whole number within bounds.
 * @param option the option's name for the message (`'--concurrency'`).
 * @param text what was given, or undefined when the option was not.
 * @param fallback the value when not given.
 * @param min the smallest value allowed.
 * @param max the largest value allowed.
 * @returns the number, or `fallback`.
 * @throws {RangeError} when the text is not a decimal integer in `min..max`.
 * @example integerOption('--concurrency', '50', 100, 1, 10000); // 50
 */
export function integerOption(
  option: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = /^\d{1,9}$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${option} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}
