/**
 * `decodeExtendedError()`: Linux's `struct sock_extended_err`, the ancillary item a
 * `recvmsg(MSG_ERRQUEUE)` returns on a socket with `IP_RECVERR` / `IPV6_RECVERR`, and what a
 * traceroute makes of it (a router on the way, the destination, or an unreachable mark).
 * Pure: bytes in, a record out.
 */
import { inetNtop } from '../../../socket/index.js';

/** `ee_origin`: the error came in an ICMP message. */
export const SO_EE_ORIGIN_ICMP = 2;
/** `ee_origin`: the error came in an ICMPv6 message. */
export const SO_EE_ORIGIN_ICMP6 = 3;

/** `sizeof(struct sock_extended_err)`: the offender's `struct sockaddr` follows it. */
const EXTENDED_ERROR_BYTES = 16;
const AF_INET = 2;
const AF_INET6 = 10;

/** One `struct sock_extended_err`, with the address of the host that sent the ICMP message. */
export interface ExtendedError {
  /** `ee_errno`: the errno the error maps to (`ECONNREFUSED` for port unreachable, …). */
  readonly errno: number;
  /** `ee_origin`: `SO_EE_ORIGIN_ICMP`, `SO_EE_ORIGIN_ICMP6`, or a local origin. */
  readonly origin: number;
  /** `ee_type` and `ee_code`: the ICMP message's type and code. */
  readonly type: number;
  readonly code: number;
  /** `ee_info`: the next-hop MTU for "fragmentation needed". */
  readonly info: number;
  /** `SO_EE_OFFENDER()`: who sent the ICMP message, or null when not told (a local error). */
  readonly offender: string | null;
}

/**
 * Decodes the data of an `IP_RECVERR` or `IPV6_RECVERR` ancillary item.
 * @param data the item's bytes (host byte order, as the kernel wrote them: little-endian here).
 * @returns the error, or null when the item is too short to be one.
 * @example
 * const [, ancdata] = await sock.recvmsg(512, 512, MSG_ERRQUEUE);
 * const error = decodeExtendedError(ancdata[0][2]); // { type: 11, offender: '10.0.0.1', … }
 */
export function decodeExtendedError(data: Uint8Array): ExtendedError | null {
  if (data.length < EXTENDED_ERROR_BYTES) return null;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    errno: bytes.readUInt32LE(0),
    origin: bytes[4] as number,
    type: bytes[5] as number,
    code: bytes[6] as number,
    info: bytes.readUInt32LE(8),
    offender: decodeOffender(bytes.subarray(EXTENDED_ERROR_BYTES)),
  };
}

/** The address in a `struct sockaddr_in` / `sockaddr_in6` (family 0: none given). */
function decodeOffender(sockaddr: Buffer): string | null {
  if (sockaddr.length < 2) return null;
  const family = sockaddr.readUInt16LE(0);
  if (family === AF_INET && sockaddr.length >= 8) return inetNtop(AF_INET, sockaddr.subarray(4, 8));
  if (family === AF_INET6 && sockaddr.length >= 24)
    return inetNtop(AF_INET6, sockaddr.subarray(8, 24));
  return null;
}

/**
 * What an ICMP error says about a traceroute probe:
 * - `hop`: a router on the way dropped it when its TTL ran out (time exceeded);
 * - `reached`: the destination answered (port unreachable: the probe arrived);
 * - `unreachable`: something on the way could not deliver it; `mark` is traceroute(8)'s
 *   annotation (`!H` host, `!N` network, `!P` protocol, `!F` fragmentation needed, `!X`
 *   administratively prohibited, `!S` source route failed, `!<code>` otherwise).
 */
export type ProbeVerdict =
  | { readonly kind: 'hop' }
  | { readonly kind: 'reached' }
  | { readonly kind: 'unreachable'; readonly mark: string }
  | { readonly kind: 'other' };

/**
 * Classifies an ICMP or ICMPv6 error for a UDP probe.
 * @param error the decoded error.
 * @returns the verdict (`other` for an origin or type traceroute does not act on).
 * @example classifyProbeError({ origin: 2, type: 11, code: 0, … }); // { kind: 'hop' }
 */
export function classifyProbeError(error: ExtendedError): ProbeVerdict {
  if (error.origin === SO_EE_ORIGIN_ICMP) {
    if (error.type === 11) return { kind: 'hop' };
    if (error.type !== 3) return { kind: 'other' };
    if (error.code === 3) return { kind: 'reached' };
    const marks: Record<number, string> = { 0: '!N', 1: '!H', 2: '!P', 4: '!F', 5: '!S' };
    const prohibited = error.code === 9 || error.code === 10 || error.code === 13;
    return {
      kind: 'unreachable',
      mark: marks[error.code] ?? (prohibited ? '!X' : `!${error.code}`),
    };
  }
  if (error.origin === SO_EE_ORIGIN_ICMP6) {
    if (error.type === 3) return { kind: 'hop' };
    if (error.type !== 1) return { kind: 'other' };
    if (error.code === 4) return { kind: 'reached' };
    const marks: Record<number, string> = { 0: '!N', 1: '!X', 3: '!H' };
    return { kind: 'unreachable', mark: marks[error.code] ?? `!${error.code}` };
  }
  return { kind: 'other' };
}
