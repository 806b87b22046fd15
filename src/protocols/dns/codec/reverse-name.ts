/**
 * The PTR owner name of an address (RFC 1035 §3.5, RFC 3596 §2.5). The address text is read by
 * layer 1's one IP parser, so a name the resolver builds and an address a zone holds agree.
 */
import { parseIPv4, parseIPv6 } from '../../../socket/inet.js';

/**
 * The reverse-lookup name of an address, as `dig -x` builds it: `in-addr.arpa` labels for IPv4
 * (RFC 1035 §3.5), nibble labels under `ip6.arpa` for IPv6 (RFC 3596 §2.5).
 *
 * @param address an IPv4 or IPv6 address.
 * @returns the PTR owner name.
 * @throws {RangeError} when `address` is neither.
 * @example
 * reverseName('127.0.0.1'); // '1.0.0.127.in-addr.arpa'
 * reverseName('::1'); // '1.0.0.0. … .0.ip6.arpa' (32 nibbles)
 */
export function reverseName(address: string): string {
  const v4 = parseIPv4(address);
  if (v4 !== null) return `${[...v4].reverse().join('.')}.in-addr.arpa`;
  const v6 = parseIPv6(address);
  if (v6 === null) throw new RangeError(`not an IP address: ${address}`);
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--)
    nibbles.push((v6[i]! & 0x0f).toString(16), (v6[i]! >> 4).toString(16));
  return `${nibbles.join('.')}.ip6.arpa`;
}
