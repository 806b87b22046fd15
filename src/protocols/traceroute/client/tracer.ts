/**
 * `Tracer`: traceroute's UDP probes. Each probe is a datagram to a high port of the
 * destination with a TTL (hop limit) that rises hop by hop; the router where the TTL runs out
 * answers with ICMP time exceeded, the destination with port unreachable. The answers are read
 * from the probe socket's error queue (`IP_RECVERR` / `IPV6_RECVERR`, `MSG_ERRQUEUE`), which
 * names the router in `SO_EE_OFFENDER`: no privilege is needed, unlike a raw ICMP socket.
 *
 * Every probe has a socket of its own, as traceroute(8)'s default method does: the kernel hands
 * an ICMP error to the socket whose datagram it quotes, so an answer cannot be taken for another
 * probe's, and a socket's pending error (which fails its next send) never touches another probe.
 */
import {
  AF_INET6,
  IP_RECVERR,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_RECVERR,
  MSG_ERRQUEUE,
  SOCK_DGRAM,
  type Socket,
  SocketTimeoutError,
  socket,
} from '../../../socket/index.js';
import {
  classifyProbeError,
  decodeExtendedError,
  type ProbeVerdict,
} from '../codec/extended-error.js';

/** `IPPROTO_IPV6` option: the hop limit of unicast packets (Linux's value). */
const IPV6_UNICAST_HOPS = 16;
/** Room for one `IP_RECVERR` item: `sock_extended_err` and a `sockaddr_in6`, with headers. */
const ERROR_ANCILLARY_BYTES = 256;

/** traceroute(8)'s first destination port: each probe uses the next one. */
export const TRACEROUTE_BASE_PORT = 33434;
/** traceroute(8)'s probe payload: 32 bytes (60-byte IPv4 packets, 80-byte IPv6 ones). */
export const PROBE_PAYLOAD_BYTES = 32;

/** The answer to one probe. */
export interface ProbeAnswer {
  /** Who sent the ICMP message (a router, or the destination itself). */
  readonly from: string;
  /** Milliseconds from the send to the answer. */
  readonly rtt: number;
  readonly verdict: ProbeVerdict;
}

/**
 * Sends traceroute probes to one destination.
 *
 * @example
 * const tracer = new Tracer(AF_INET, '10.201.3.2');
 * const answer = await tracer.probe(1, 33434, 5); // { from: '10.201.1.1', verdict: { kind: 'hop' } }
 * tracer.close();
 */
export class Tracer {
  readonly #family: number;
  readonly #address: string;
  readonly #payload: Buffer;
  readonly #open = new Set<Socket>();
  #closed = false;

  /**
   * @param family `AF_INET` or `AF_INET6`.
   * @param address the destination, numeric.
   */
  constructor(family: number, address: string) {
    this.#family = family;
    this.#address = address;
    this.#payload = Buffer.alloc(PROBE_PAYLOAD_BYTES, 0x40);
  }

  /** The size of a probe packet with its IP and UDP headers, as traceroute prints it. */
  get packetBytes(): number {
    return PROBE_PAYLOAD_BYTES + 8 + (this.#family === AF_INET6 ? 40 : 20);
  }

  /**
   * Sends one probe and waits for its answer.
   * @param ttl the probe's TTL (hop limit), from 1.
   * @param port the destination port.
   * @param wait the most seconds to wait.
   * @returns the answer, or null when none came in time (or the tracer was closed).
   * @throws {SocketError} when the probe cannot be sent (no route to the destination, …).
   */
  async probe(ttl: number, port: number, wait: number): Promise<ProbeAnswer | null> {
    if (this.#closed) return null;
    const v6 = this.#family === AF_INET6;
    const level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    const sock = socket(this.#family, SOCK_DGRAM);
    this.#open.add(sock);
    try {
      // IP_RECVERR first: it moves the socket onto a descriptor of its own, where the TTL is
      // the kernel's option.
      sock.setsockopt(level, v6 ? IPV6_RECVERR : IP_RECVERR, 1);
      sock.setsockopt(level, v6 ? IPV6_UNICAST_HOPS : IP_TTL, ttl);
      const sent = performance.now();
      const deadline = sent + wait * 1000;
      await sock.sendto(this.#payload, [this.#address, port]);
      for (;;) {
        const left = (deadline - performance.now()) / 1000;
        if (left <= 0 || this.#closed) return null;
        sock.settimeout(left);
        const [, ancdata] = await sock.recvmsg(
          this.#payload.length,
          ERROR_ANCILLARY_BYTES,
          MSG_ERRQUEUE,
        );
        const rtt = performance.now() - sent;
        for (const [itemLevel, type, data] of ancdata) {
          if (itemLevel !== level || type !== (v6 ? IPV6_RECVERR : IP_RECVERR)) continue;
          const error = decodeExtendedError(data);
          if (error === null || error.offender === null) continue;
          return { from: error.offender, rtt, verdict: classifyProbeError(error) };
        }
        // A local error (no offender): not an answer; keep waiting for one.
      }
    } catch (err) {
      if (err instanceof SocketTimeoutError || this.#closed) return null;
      throw err;
    } finally {
      this.#open.delete(sock);
      sock.close();
    }
  }

  /** Stops: probes under way end with no answer. */
  close(): void {
    this.#closed = true;
    for (const sock of this.#open) sock.close();
    this.#open.clear();
  }
}
