/** Unique file names for Maildir deliveries (https://cr.yp.to/proto/maildir.html). */

/** The parts of a unique name; the caller supplies the clock and process facts. */
export interface UniqueNameParts {
  /** Milliseconds since the epoch (injected, so names are reproducible in tests). */
  readonly timeMs: number;
  readonly pid: number;
  /** Deliveries made by this process so far. */
  readonly counter: number;
  readonly hostname: string;
}

/**
 * Makes a Maildir unique name `time.MusecPpidQcounter.host`, the modern form of djb's
 * `time.pid_counter.host` that Dovecot and Courier write. `/` and `:` in the host name become
 * `\057` and `\072` as the spec asks, since `/` splits paths and `:` starts the info suffix.
 *
 * @param parts Time, process id, counter and host name.
 * @returns The name, without any `:2,` info suffix.
 * @throws {RangeError} If a number is negative or not an integer.
 * @example
 * maildirUniqueName({ timeMs: 1700000000123, pid: 42, counter: 7, hostname: 'mx' });
 * // '1700000000.M123000P42Q7.mx'
 */
export function maildirUniqueName(parts: UniqueNameParts): string {
  const { timeMs, pid, counter } = parts;
  for (const [key, value] of Object.entries({ timeMs, pid, counter })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${key} must be a non-negative integer, got ${value}`);
    }
  }
  const seconds = Math.floor(timeMs / 1000);
  const micros = (timeMs % 1000) * 1000;
  const host = (parts.hostname || 'localhost')
    .replace(/\//g, '\\057')
    .replace(/:/g, '\\072')
    .replace(/[\x00-\x20\x7f]/g, '');
  return `${seconds}.M${micros}P${pid}Q${counter}.${host}`;
}
