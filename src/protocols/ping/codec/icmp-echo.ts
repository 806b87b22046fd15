/**
 * ICMP and ICMPv6 echo messages (RFC 792, RFC 4443), the bytes `ping` sends and reads: pure
 * encoding and decoding, no sockets.
 */

/** ICMP (IPv4) echo request type. */
export const ICMP_ECHO_REQUEST = 8;
/** ICMP (IPv4) echo reply type. */
export const ICMP_ECHO_REPLY = 0;
/** ICMPv6 echo request type. */
export const ICMPV6_ECHO_REQUEST = 128;
/** ICMPv6 echo reply type. */
export const ICMPV6_ECHO_REPLY = 129;

/** An ICMP message as far as ping reads it: type, code, and the echo fields. */
export interface IcmpEcho {
  readonly type: number;
  readonly code: number;
  /** The identifier (the socket's on an ICMP datagram socket, where the kernel sets it). */
  readonly id: number;
  readonly sequence: number;
  readonly payload: Buffer;
  /** The IPv4 header's TTL when the bytes began with one (a raw IPv4 socket), else null. */
  readonly ttl: number | null;
}

/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of the
 * 16-bit words.
 * @param bytes the message, with its checksum field zero.
 * @returns the checksum.
 * @example icmpChecksum(Buffer.from([8, 0, 0, 0, 0, 1, 0, 1])); // 0xf7fd
 */
export function icmpChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2)
    sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * An echo request (or reply), checksum included. For ICMPv6 the kernel fills the checksum in
 * (it covers a pseudo-header with the addresses), so any value there is fine.
 * @param message type, id, sequence and payload (`code` 0).
 * @returns the bytes.
 * @throws {RangeError} when the id or sequence is not a 16-bit integer.
 * @example encodeEcho({ type: ICMP_ECHO_REQUEST, id: 7, sequence: 1, payload: Buffer.from('hi') });
 */
export function encodeEcho(message: {
  readonly type: number;
  readonly id: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
}): Buffer {
  for (const field of ['id', 'sequence'] as const) {
    const value = message[field];
    if (!Number.isInteger(value) || value < 0 || value > 0xffff)
      throw new RangeError(`${field} must be an integer from 0 to 65535, got ${value}`);
  }
  const bytes = Buffer.alloc(8 + message.payload.length);
  bytes[0] = message.type;
  bytes.writeUInt16BE(message.id, 4);
  bytes.writeUInt16BE(message.sequence, 6);
  bytes.set(message.payload, 8);
  bytes.writeUInt16BE(icmpChecksum(bytes), 2);
  return bytes;
}

/**
 * Reads an ICMP message. A raw IPv4 socket delivers the IP header first: when the bytes begin
 * with an IPv4 header (version 4) it is skipped and its TTL kept.
 * @param bytes what the socket received.
 * @param withIpHeader whether the bytes start with an IPv4 header (raw AF_INET sockets).
 * @returns the message, or null when it is too short to be one.
 * @example decodeEcho(reply, true)?.sequence;
 */
export function decodeEcho(bytes: Buffer, withIpHeader = false): IcmpEcho | null {
  let offset = 0;
  let ttl: number | null = null;
  if (withIpHeader) {
    if (bytes.length < 20 || (bytes[0] as number) >> 4 !== 4) return null;
    offset = ((bytes[0] as number) & 0xf) * 4;
    ttl = bytes[8] as number;
  }
  if (bytes.length < offset + 8) return null;
  return {
    type: bytes[offset] as number,
    code: bytes[offset + 1] as number,
    id: bytes.readUInt16BE(offset + 4),
    sequence: bytes.readUInt16BE(offset + 6),
    payload: bytes.subarray(offset + 8),
    ttl,
  };
}
