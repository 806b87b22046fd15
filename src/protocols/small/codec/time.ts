/**
 * The Time Protocol (RFC 868): the time as a 32-bit count of seconds since 1900-01-01 00:00 UTC.
 */

/** Seconds from 1900-01-01 00:00 UTC, the RFC 868 epoch, to the Unix epoch. */
export const SECONDS_FROM_1900_TO_1970 = 2_208_988_800;

const ERA = 2 ** 32;

function unixSeconds(date: Date, caller: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${caller} needs a valid Date`);
  return Math.floor(ms / 1000);
}

/**
 * Counts the whole seconds from 1900-01-01 00:00 UTC to `date`, modulo 2^32. The 32-bit field
 * of RFC 868 runs out at 2036-02-07 06:28:16 UTC, which is sent as 0: the count wraps, as every
 * implementation does, and a client tells the eras apart by its own idea of the date (see
 * {@link decodeTime}). Dates before 1900 wrap the same way.
 *
 * @param date The time to report.
 * @returns An integer in 0 … 2^32 − 1.
 * @throws {RangeError} If `date` is an invalid Date.
 * @example
 * timeSeconds(new Date('2026-11-24T15:17:31Z')); // 4004522251
 */
export function timeSeconds(date: Date): number {
  const seconds = unixSeconds(date, 'timeSeconds()') + SECONDS_FROM_1900_TO_1970;
  return ((seconds % ERA) + ERA) % ERA;
}

/**
 * Encodes the RFC 868 answer: {@link timeSeconds} as 4 bytes, big-endian.
 *
 * @param date The time to report (the server passes its clock's now).
 * @returns The 4 bytes the server sends before closing (TCP) or as the datagram (UDP).
 * @throws {RangeError} If `date` is an invalid Date.
 * @example
 * encodeTime(new Date('2026-11-24T15:17:31Z')); // <Buffer ee b0 29 0b>
 */
export function encodeTime(date: Date): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(timeSeconds(date));
  return out;
}

/**
 * Decodes an RFC 868 answer for a client. Since the count wraps every 2^32 seconds (about 136
 * years), the answer is placed in the era closest to `near`, the client's own rough idea of
 * the time; without it, the first era (1900 to 2036) is assumed.
 *
 * @param bytes Exactly the 4 bytes received.
 * @param near A time within 68 years of the right answer, normally the client's clock.
 * @returns The time the server reported, to the second.
 * @throws {RangeError} If `bytes` is not 4 bytes long, or `near` is an invalid Date.
 * @example
 * decodeTime(Buffer.from([0, 0, 0, 0]), new Date('2040-01-01Z')); // 2036-02-07T06:28:16.000Z
 */
export function decodeTime(bytes: Uint8Array, near?: Date): Date {
  if (bytes.length !== 4) throw new RangeError(`a time answer is 4 bytes, got ${bytes.length}`);
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE();
  let era = 0;
  if (near !== undefined) {
    const target = unixSeconds(near, 'decodeTime()') + SECONDS_FROM_1900_TO_1970;
    era = Math.round((target - value) / ERA);
  }
  return new Date((value + era * ERA - SECONDS_FROM_1900_TO_1970) * 1000);
}
