/**
 * `struct sockaddr` as bytes, Linux's layout: what the native descriptor sockets (fd-engine.ts)
 * hand to bind/connect/sendmsg and get back from accept/recvmsg/getsockname. Kept here, not in
 * C++, so the addon stays a thin layer of system calls.
 */
import { endianness } from 'node:os';
import type { ResolvedAddress, SocketAddress } from './address.js';
import { AF_INET, AF_INET6, AF_UNIX } from './constants.js';
import { inetNtop, inetPton, ipFamily } from './inet.js';

const LITTLE = endianness() === 'LE';
/** `sizeof(sun_path)`: the longest AF_UNIX path, with its terminating NUL. */
const UNIX_PATH_MAX = 108;

function writeFamily(buffer: Buffer, family: number): void {
  if (LITTLE) buffer.writeUInt16LE(family, 0);
  else buffer.writeUInt16BE(family, 0);
}

/**
 * Encodes an address for `family` as a `struct sockaddr`.
 * @param family `AF_INET`, `AF_INET6` or `AF_UNIX`.
 * @param address a checked address whose host is an IP literal (or an AF_UNIX path; a leading
 *   `\0` names an abstract socket, and `''` is the unnamed address, which autobinds).
 * @param flowinfo IPv6 flow information; `scopeId` the IPv6 scope (interface index).
 * @returns the bytes, as long as the structure is.
 * @throws {TypeError} when the host is not a literal of the family.
 * @throws {RangeError} when an AF_UNIX path is too long.
 * @example encodeSockaddr(AF_INET, { host: '127.0.0.1', port: 7 }); // 16 bytes
 */
export function encodeSockaddr(
  family: number,
  address: ResolvedAddress,
  flowinfo = 0,
  scopeId = 0,
): Buffer {
  if (family === AF_UNIX) {
    const path = Buffer.from(address.path ?? '');
    const abstract = path.length > 0 && path[0] === 0;
    // A filesystem path is NUL-terminated; an abstract name is exactly its bytes.
    const length = 2 + path.length + (abstract || path.length === 0 ? 0 : 1);
    if (length - 2 > UNIX_PATH_MAX)
      throw new RangeError(`AF_UNIX path too long (${path.length} bytes; at most 107)`);
    const buffer = Buffer.alloc(length);
    writeFamily(buffer, AF_UNIX);
    path.copy(buffer, 2);
    return buffer;
  }
  const want = family === AF_INET6 ? 6 : 4;
  if (ipFamily(address.host) !== want)
    throw new TypeError(`not an IPv${want} address literal: ${JSON.stringify(address.host)}`);
  if (family === AF_INET) {
    const buffer = Buffer.alloc(16);
    writeFamily(buffer, AF_INET);
    buffer.writeUInt16BE(address.port, 2);
    inetPton(AF_INET, address.host).copy(buffer, 4);
    return buffer;
  }
  const buffer = Buffer.alloc(28);
  writeFamily(buffer, AF_INET6);
  buffer.writeUInt16BE(address.port, 2);
  buffer.writeUInt32BE(flowinfo, 4);
  const percent = address.host.indexOf('%');
  inetPton(AF_INET6, percent === -1 ? address.host : address.host.slice(0, percent)).copy(
    buffer,
    8,
  );
  if (LITTLE) buffer.writeUInt32LE(scopeId, 24);
  else buffer.writeUInt32BE(scopeId, 24);
  return buffer;
}

/**
 * Decodes a `struct sockaddr` into Python's shape for its family: `[host, port]`,
 * `[host, port, flowinfo, scopeId]`, or an AF_UNIX path (`''` when unnamed, `\0name` when
 * abstract).
 * @param bytes the structure, as long as the kernel said.
 * @param fallback what to return for an empty structure (a connected socket's `recvmsg()`).
 * @returns the address.
 * @example decodeSockaddr(encodeSockaddr(AF_INET, { host: '127.0.0.1', port: 7 })); // ['127.0.0.1', 7]
 */
export function decodeSockaddr(bytes: Buffer, fallback: SocketAddress = ''): SocketAddress {
  if (bytes.length < 2) return fallback;
  const family = LITTLE ? bytes.readUInt16LE(0) : bytes.readUInt16BE(0);
  if (family === AF_INET && bytes.length >= 8)
    return [inetNtop(AF_INET, bytes.subarray(4, 8)), bytes.readUInt16BE(2)];
  if (family === AF_INET6 && bytes.length >= 28) {
    return [
      inetNtop(AF_INET6, bytes.subarray(8, 24)),
      bytes.readUInt16BE(2),
      bytes.readUInt32BE(4),
      LITTLE ? bytes.readUInt32LE(24) : bytes.readUInt32BE(24),
    ];
  }
  if (family === AF_UNIX) {
    const path = bytes.subarray(2);
    if (path.length === 0) return '';
    // Abstract: every byte counts, NULs included. A path ends at its first NUL.
    if (path[0] === 0) return path.toString();
    const end = path.indexOf(0);
    return path.subarray(0, end === -1 ? path.length : end).toString();
  }
  return fallback;
}
