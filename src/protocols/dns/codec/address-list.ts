/**
 * `AddressList`: a set of IP addresses and CIDR ranges, for deciding which clients a forwarding
 * server resolves for (an open resolver is an amplifier and a cache-poisoning target).
 */
import type { SocketAddress } from '../../../socket/index.js';
import { parseIPv4, parseIPv6 } from '../../../socket/inet.js';

/**
 * The clients a forwarder serves unless told otherwise: loopback and the private ranges —
 * RFC 1918 for IPv4, unique-local (RFC 4193) and link-local for IPv6. Hosts that can reach the
 * server from these are on the same machine or network; the rest of the Internet is not.
 */
export const DEFAULT_RECURSION_CLIENTS: readonly string[] = [
  '127.0.0.0/8',
  '::1',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
  'fe80::/10',
];

interface Range {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/**
 * Addresses and CIDR ranges, IPv4 and IPv6. An IPv4-mapped IPv6 client (`::ffff:10.0.0.1`, as
 * a dual-stack socket reports IPv4 peers) matches the IPv4 ranges.
 *
 * @example
 * const list = new AddressList(['127.0.0.0/8', 'fc00::/7']);
 * list.includes('127.0.0.1'); // true
 * list.includes('192.0.2.1'); // false
 */
export class AddressList {
  readonly #v4: Range[] = [];
  readonly #v6: Range[] = [];

  /**
   * @param entries addresses (`192.0.2.1`, `::1`) and ranges (`10.0.0.0/8`, `fc00::/7`).
   * @throws {SyntaxError} when an entry is neither.
   */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const slash = entry.indexOf('/');
      const text = slash < 0 ? entry : entry.slice(0, slash);
      const v4 = parseIPv4(text);
      const bytes = v4 ?? parseIPv6(text);
      const max = v4 === null ? 128 : 32;
      const bitsText = slash < 0 ? String(max) : entry.slice(slash + 1);
      const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
      if (bytes === null || !(bits <= max)) {
        throw new SyntaxError(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
      }
      (v4 === null ? this.#v6 : this.#v4).push({ bytes, bits });
    }
  }

  /**
   * Tells whether an address is in the list.
   *
   * @param address the client's address as a socket reports it (no brackets, no port; an IPv6
   *   zone index such as `%eth0` is ignored).
   * @returns `true` when some entry covers it; `false` for anything that is not an address.
   * @example
   * new AddressList(['10.0.0.0/8']).includes('::ffff:10.1.2.3'); // true
   */
  includes(address: string): boolean {
    const percent = address.indexOf('%');
    const text = percent < 0 ? address : address.slice(0, percent);
    const v4 = parseIPv4(text);
    if (v4 !== null) return matches(this.#v4, v4);
    const v6 = parseIPv6(text);
    if (v6 === null) return false;
    if (isMapped(v6)) return matches(this.#v4, v6.subarray(12));
    return matches(this.#v6, v6);
  }
}

/** `::ffff:a.b.c.d`: an IPv4 peer seen through an IPv6 socket. */
function isMapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function matches(ranges: readonly Range[], address: Uint8Array): boolean {
  for (const { bytes, bits } of ranges) {
    const whole = bits >> 3;
    let ok = true;
    for (let i = 0; i < whole && ok; i++) ok = bytes[i] === address[i];
    const rest = bits & 7;
    if (ok && rest !== 0) {
      const mask = (0xff << (8 - rest)) & 0xff;
      ok = (bytes[whole]! & mask) === (address[whole]! & mask);
    }
    if (ok) return true;
  }
  return false;
}

/**
 * The IP of a peer's socket address, as {@link AddressList.includes} takes it.
 *
 * @param address the peer (`[host, port, …]`, a Unix path, or `null` when unknown), as a
 *   socket or the kit's `Transport.peerAddress` reports it.
 * @returns the host, or `''` (which no list includes) for a Unix socket or an unknown peer.
 * @example
 * hostOf(['127.0.0.1', 5353]); // '127.0.0.1'
 */
export function hostOf(address: SocketAddress | null | unknown): string {
  return Array.isArray(address) && typeof address[0] === 'string' ? address[0] : '';
}
