/**
 * Byte handling shared by the send and receive calls: UDP's size limit and truncation, the
 * destination a failed datagram send names, and buffers taken over without a copy.
 */
import { formatAddress } from './address.js';
import { AF_INET, AF_INET6 } from './constants.js';

/** The largest UDP payload over IPv4 and IPv6. */
const MAX_DATAGRAM = { [AF_INET]: 65507, [AF_INET6]: 65527 } as Record<number, number>;

/**
 * The largest datagram a family can carry.
 * @param family `AF_INET` or `AF_INET6`.
 * @returns the payload limit in bytes.
 * @throws never.
 * @example maxDatagram(AF_INET); // 65507
 */
export function maxDatagram(family: number): number {
  return MAX_DATAGRAM[family] ?? 65507;
}

/**
 * A datagram cut to `bufsize`, as UDP discards the rest of a datagram read short.
 * @param data the datagram.
 * @param bufsize the most bytes wanted.
 * @returns `data` itself when it fits (no new view per read), else its first `bufsize` bytes.
 * @throws never.
 * @example truncate(Buffer.from('abcdef'), 3); // <Buffer 61 62 63>
 */
export function truncate(data: Buffer, bufsize: number): Buffer {
  return data.length <= bufsize ? data : data.subarray(0, bufsize);
}

/**
 * The bytes as a Buffer over the same memory, for bytes handed over to the socket.
 * @param bytes any Uint8Array (a Buffer is returned as it is).
 * @returns a Buffer sharing `bytes`' memory.
 * @throws never.
 * @example asBuffer(new Uint8Array([1, 2])); // <Buffer 01 02>, no copy
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The destination a failed datagram send names, for the error message: Node's send errors
 * carry `address` and `port`, a failed name lookup the host name alone.
 * @param err the error Node gave the send callback.
 * @returns `host:port`, the host, or undefined when the error names neither.
 * @throws never.
 * @example sendTarget(Object.assign(new Error('x'), { address: '10.0.0.1', port: 53 })); // '10.0.0.1:53'
 */
export function sendTarget(err: Error): string | undefined {
  const { address, port } = err as { address?: unknown; port?: unknown };
  if (typeof address !== 'string') return undefined;
  return typeof port === 'number' ? formatAddress([address, port]) : address;
}
