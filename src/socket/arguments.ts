/**
 * Argument checks shared by the socket calls, with Python's rules and clear messages:
 * `TypeError` for a wrong shape, `RangeError` for a value out of range.
 */
import { describe } from './address.js';

/** Bytes a socket can send: a `Uint8Array` (Buffer included) or a string, sent as UTF-8. */
export type BytesLike = Uint8Array | string;

/**
 * Checks and converts the data of a send call; strings are sent as UTF-8.
 * @throws {TypeError} for anything but bytes or a string.
 */
export function toBytes(data: BytesLike, op: string): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw new TypeError(
    `${op}(): data must be a Uint8Array, a Buffer or a string, got ${describe(data)}`,
  );
}

/**
 * Checks a `bufsize` as Python does.
 * @throws {TypeError} for a non-integer; {RangeError} for a negative size.
 */
export function checkSize(bufsize: number, op: string): void {
  if (typeof bufsize !== 'number' || !Number.isInteger(bufsize)) {
    throw new TypeError(`${op}(): bufsize must be an integer, got ${describe(bufsize)}`);
  }
  if (bufsize < 0) throw new RangeError(`${op}(): negative buffersize in ${op}: ${bufsize}`);
}

/**
 * Checks the buffer and count of a `…Into` call.
 * @returns how many bytes may be received (the buffer length when `nbytes` is 0).
 * @throws {TypeError} for a non-buffer; {RangeError} for a count past its end.
 */
export function checkInto(buffer: Uint8Array, nbytes: number, op: string): number {
  if (!(buffer instanceof Uint8Array)) {
    throw new TypeError(`${op}(): buffer must be a Uint8Array or Buffer, got ${describe(buffer)}`);
  }
  checkSize(nbytes, op);
  if (nbytes > buffer.length)
    throw new RangeError(`${op}(): nbytes ${nbytes} is greater than the buffer (${buffer.length})`);
  return nbytes === 0 ? buffer.length : nbytes;
}
