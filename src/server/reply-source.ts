/**
 * Replies that leave from the address they were asked on. A UDP server bound to every local
 * address (`0.0.0.0`, `::`) receives datagrams for each of them, but the kernel picks a reply's
 * source address by route, not by the address the client wrote to. On a host with several
 * addresses a client that asked 192.0.2.2 may be answered from 192.0.2.1, and a resolver such
 * as dig drops that answer ("reply from unexpected source"). dnsmasq and BIND solve it as done
 * here: `IP_PKTINFO` / `IPV6_RECVPKTINFO` report each datagram's local address, and the reply
 * names it as its source in the same ancillary item.
 */
import {
  AF_INET6,
  type AncillaryItem,
  CMSG_SPACE,
  IP_PKTINFO,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_PKTINFO,
  IPV6_RECVPKTINFO,
  type Socket,
  SocketError,
} from '../socket/index.js';

/** `struct in_pktinfo`: `ipi_ifindex`, `ipi_spec_dst`, `ipi_addr`. */
const IN_PKTINFO_SIZE = 12;
/** `struct in6_pktinfo`: `ipi6_addr`, `ipi6_ifindex`. */
const IN6_PKTINFO_SIZE = 20;

/** The room `recvmsg()` needs for the one ancillary item asked for. */
export const REPLY_SOURCE_ANCILLARY_SIZE = CMSG_SPACE(IN6_PKTINFO_SIZE);

/**
 * Whether `host` stands for every local address, where a reply's source must be chosen.
 * @example isWildcardHost('0.0.0.0'); // true
 */
export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}

/**
 * Asks the kernel, before `bind()`, to report the local address of each datagram (on an
 * `AF_INET6` socket, of IPv4 datagrams too, as IPv4-mapped addresses).
 * @returns false when this Node.js cannot (polyport's native addon is not built): replies then
 *   leave from the address the routing table chooses.
 * @throws {SocketError} any other refusal of the option.
 * @example if (!askForLocalAddress(sock)) log('replies leave from the routed address');
 */
export function askForLocalAddress(sock: Socket): boolean {
  try {
    if (sock.family === AF_INET6) sock.setsockopt(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    else sock.setsockopt(IPPROTO_IP, IP_PKTINFO, 1);
    return true;
  } catch (err) {
    if (err instanceof SocketError && err.code === 'ENOPROTOOPT') return false;
    throw err;
  }
}

/**
 * The ancillary item that makes a reply leave from the address a datagram came to, built from
 * that datagram's `recvmsg()` items; null when they name none (the reply then goes as usual).
 * The interface is left to the routing (index 0), except for an IPv6 link-local address, which
 * is only meaningful on its own link.
 * @example sock.sendmsgNowait([reply], [replySource(ancdata)].filter(Boolean), 0, from);
 */
export function replySource(
  ancdata: readonly (readonly [number, number, Uint8Array])[],
): AncillaryItem | null {
  for (const [level, type, data] of ancdata) {
    if (level === IPPROTO_IP && type === IP_PKTINFO && data.length >= IN_PKTINFO_SIZE) {
      // ipi_spec_dst is the local address the datagram matched: the reply's source.
      const info = Buffer.alloc(IN_PKTINFO_SIZE);
      info.set(data.subarray(4, 8), 4);
      return [IPPROTO_IP, IP_PKTINFO, info];
    }
    if (level === IPPROTO_IPV6 && type === IPV6_PKTINFO && data.length >= IN6_PKTINFO_SIZE) {
      const address = data.subarray(0, 16);
      // A multicast destination is no source; the kernel picks one as without the item.
      if (address[0] === 0xff) return null;
      const info = Buffer.alloc(IN6_PKTINFO_SIZE);
      info.set(address, 0);
      const linkLocal = address[0] === 0xfe && ((address[1] ?? 0) & 0xc0) === 0x80;
      if (linkLocal) info.set(data.subarray(16, 20), 16);
      return [IPPROTO_IPV6, IPV6_PKTINFO, info];
    }
  }
  return null;
}
