/**
 * Host names to socket addresses for the client tools, through polyport's `getaddrinfo()`.
 */
import {
  AddressInfoError,
  AF_UNSPEC,
  getaddrinfo,
  SOCK_DGRAM,
  type SocketAddress,
} from '../socket/index.js';

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

/**
 * The first address of `host` for a datagram tool (ping, traceroute), or null once the failure
 * is told on stderr as `polyport COMMAND: <why>` (the caller then exits with EXIT.USAGE).
 * @param command the command's name, for the message.
 * @param host a name or numeric address.
 * @param family `AF_UNSPEC`, `AF_INET` (`-4`) or `AF_INET6` (`-6`).
 * @param stderr where the failure is told.
 * @returns the family and numeric host to open a socket with, or null.
 * @throws what getaddrinfo throws that is not an `AddressInfoError` (a bug).
 * @example const target = await firstTarget('ping', 'localhost', AF_UNSPEC, io.stderr);
 */
export async function firstTarget(
  command: string,
  host: string,
  family: number,
  stderr: { write(text: string): unknown },
): Promise<{ readonly family: number; readonly host: string } | null> {
  try {
    const [first] = await targetAddresses(host, 0, SOCK_DGRAM, 0, family);
    if (first === undefined) throw new AddressInfoError('EAI_NONAME', { op: 'getaddrinfo' });
    return first;
  } catch (err) {
    if (!(err instanceof AddressInfoError)) throw err;
    stderr.write(`polyport ${command}: ${err.message}\n`);
    return null;
  }
}
