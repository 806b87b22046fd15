/**
 * The unit per-address limits count by. One IPv4 address is one client; an IPv6 client usually
 * holds a whole /64 (SLAAC, privacy addresses), so counting single IPv6 addresses would give it
 * 2^64 separate allowances. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, from a dual-stack
 * socket) is that IPv4 client.
 */
import { formatIPv6, parseIpAddress, unmapIpv4 } from '../socket/index.js';

/**
 * Names the group a client address is limited as: an IPv4 address itself, an IPv4-mapped IPv6
 * address as its IPv4 address, any other IPv6 address as its /64 (`2001:db8:1:2::/64`). A zone
 * id (`fe80::1%eth0`) is dropped. Text that is no IP address (a Unix socket's path) is its own
 * group.
 *
 * @param address The peer's address text as the socket reports it.
 * @returns The group key.
 * @example
 * addressGroup('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 * addressGroup('::ffff:192.0.2.7'); // '192.0.2.7'
 * addressGroup('192.0.2.7'); // '192.0.2.7'
 */
export function addressGroup(address: string): string {
  const parsed = parseIpAddress(address);
  if (parsed === null || parsed.family === 4) return address;
  const unmapped = unmapIpv4(address);
  if (unmapped !== address) return unmapped;
  const prefix = parsed.bytes.slice(0, 16);
  prefix.fill(0, 8);
  return `${formatIPv6(prefix)}/64`;
}
