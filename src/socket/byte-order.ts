/**
 * Host/network byte-order conversion, as Python's `socket.htons()` and friends: network order
 * is big-endian, so on a little-endian host these swap bytes and on a big-endian one they are
 * the identity.
 */
import { endianness } from 'node:os';

/** Read once: the host's byte order never changes while the process runs. */
const LITTLE_ENDIAN = endianness() === 'LE';

function checkUnsigned(fn: string, x: number, bits: 16 | 32): void {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new TypeError(`${fn}() expects an integer, got ${describe(x)}`);
  }
  const max = bits === 16 ? 0xffff : 0xffffffff;
  if (x < 0 || x > max) {
    throw new RangeError(`${fn}() expects a ${bits}-bit unsigned integer (0-${max}), got ${x}`);
  }
}

function describe(x: unknown): string {
  return typeof x === 'number' ? String(x) : typeof x;
}

function swap16(x: number): number {
  return ((x & 0xff) << 8) | (x >>> 8);
}

function swap32(x: number): number {
  // `>>> 0` keeps the result unsigned: `<< 24` can set the sign bit of a 32-bit int.
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/**
 * Converts a 16-bit unsigned integer from host to network byte order.
 *
 * @param x an integer from 0 to 65535.
 * @returns `x` in network byte order (byte-swapped on little-endian hosts).
 * @throws {TypeError} when `x` is not an integer.
 * @throws {RangeError} when `x` is outside 0-65535.
 * @example
 * htons(1); // 256 on x86 and ARM (little-endian)
 */
export function htons(x: number): number {
  checkUnsigned('htons', x, 16);
  return LITTLE_ENDIAN ? swap16(x) : x;
}

/**
 * Converts a 16-bit unsigned integer from network to host byte order.
 *
 * @param x an integer from 0 to 65535.
 * @returns `x` in host byte order.
 * @throws {TypeError} when `x` is not an integer.
 * @throws {RangeError} when `x` is outside 0-65535.
 * @example
 * ntohs(256); // 1 on a little-endian host
 */
export function ntohs(x: number): number {
  checkUnsigned('ntohs', x, 16);
  return LITTLE_ENDIAN ? swap16(x) : x;
}

/**
 * Converts a 32-bit unsigned integer from host to network byte order.
 *
 * @param x an integer from 0 to 4294967295.
 * @returns `x` in network byte order, as an unsigned number.
 * @throws {TypeError} when `x` is not an integer.
 * @throws {RangeError} when `x` is outside 0-4294967295.
 * @example
 * htonl(1); // 16777216 on a little-endian host
 */
export function htonl(x: number): number {
  checkUnsigned('htonl', x, 32);
  return LITTLE_ENDIAN ? swap32(x) : x;
}

/**
 * Converts a 32-bit unsigned integer from network to host byte order.
 *
 * @param x an integer from 0 to 4294967295.
 * @returns `x` in host byte order, as an unsigned number.
 * @throws {TypeError} when `x` is not an integer.
 * @throws {RangeError} when `x` is outside 0-4294967295.
 * @example
 * ntohl(16777216); // 1 on a little-endian host
 */
export function ntohl(x: number): number {
  checkUnsigned('ntohl', x, 32);
  return LITTLE_ENDIAN ? swap32(x) : x;
}
