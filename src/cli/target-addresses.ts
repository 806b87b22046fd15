/**
 * Host names to socket addresses for the client tools, through polyport's `getaddrinfo()`.
 */
import { AF_UNSPEC, getaddrinfo, type SocketAddress } from '../socket/index.js';

/** One address to try: the family to open a socket with and the address to give it. */
export interface TargetAddress {
  readonly family: number;
  /** The numeric host, as getaddrinfo gave it. */
  readonly host: string;
  readonly sockaddr: SocketAddress;
}

/**
 * Resolves `host` for one socket type, dropping the duplicates getaddrinfo gives when the hosts
 * file lists an address twice, and keeping its order (the order in which to try them).
 *
 * @param host a name or numeric address.
 * @param port the port.
 * @param type `SOCK_STREAM` or `SOCK_DGRAM`.
 * @param flags `AI_*` flags (`AI_PASSIVE` for an address to listen on).
 * @param family `AF_UNSPEC` (default), `AF_INET` or `AF_INET6`.
 * @returns at least one address.
 * @throws {AddressInfoError} (rejects) when the name does not resolve.
 * @example
 * const [first] = await targetAddresses('localhost', 80, SOCK_STREAM);
 * const sock = socket(first.family, SOCK_STREAM);
 */
export async function targetAddresses(
  host: string,
  port: number,
  type: number,
  flags = 0,
  family = AF_UNSPEC,
): Promise<TargetAddress[]> {
  const infos = await getaddrinfo(host, port, family, type, 0, flags);
  const seen = new Set<string>();
  const out: TargetAddress[] = [];
  for (const [fam, , , , sockaddr] of infos) {
    const numeric = (sockaddr as readonly [string, number])[0];
    if (seen.has(`${fam} ${numeric}`)) continue;
    seen.add(`${fam} ${numeric}`);
    out.push({ family: fam, host: numeric, sockaddr });
  }
  return out;
}
