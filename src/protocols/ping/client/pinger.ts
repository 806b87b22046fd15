/**
 * `Pinger`: ICMP echo over a socket, as `ping` does it. It opens the unprivileged ICMP datagram
 * socket where `net.ipv4.ping_group_range` allows it and a raw socket otherwise, sends echo
 * requests, and matches the replies (identifier and sequence) to the requests they answer.
 */
import {
  AF_INET,
  AF_INET6,
  IP_RECVTTL,
  IP_TTL,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IPV6,
  IPV6_HOPLIMIT,
  IPV6_RECVHOPLIMIT,
  PermissionError,
  SOCK_DGRAM,
  SOCK_RAW,
  SOL_IP,
  type Socket,
  SocketTimeoutError,
  socket,
} from '../../../socket/index.js';
import {
  decodeEcho,
  encodeEcho,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
} from '../codec/icmp-echo.js';

/** One echo reply. */
export interface EchoReply {
  readonly sequence: number;
  /** The ICMP message's length (header and payload), as ping prints it. */
  readonly bytes: number;
  readonly from: string;
  /** The reply's TTL or hop limit, when the socket tells it. */
  readonly ttl: number | null;
  /** Milliseconds from the request to the reply. */
  readonly rtt: number;
}

/**
 * Sends echo requests to one host and collects the replies.
 *
 * @example
 * const pinger = Pinger.open(AF_INET, '127.0.0.1');
 * const reply = await pinger.ping(1, 1); // null after 1 s without a reply
 * pinger.close();
 */
export class Pinger {
  readonly #sock: Socket;
  readonly #family: number;
  readonly #host: string;
  /** `'dgram'`: the unprivileged ICMP socket; `'raw'`: a raw socket. */
  readonly kind: 'dgram' | 'raw';
  readonly #id: number;
  readonly #sent = new Map<number, number>();
  readonly #payload: Buffer;

  private constructor(
    sock: Socket,
    kind: 'dgram' | 'raw',
    family: number,
    host: string,
    size: number,
  ) {
    this.#sock = sock;
    this.kind = kind;
    this.#family = family;
    this.#host = host;
    // A raw socket's identifier is ours to choose; the datagram socket's is its port (below).
    this.#id = process.pid & 0xffff;
    // ping's pattern: bytes counting up from 0x08 after the header.
    this.#payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) this.#payload[i] = (i + 8) & 0xff;
  }

  /**
   * Opens the socket: the ICMP datagram socket, or a raw one when that is not allowed.
   * @param family `AF_INET` or `AF_INET6`.
   * @param host the address to ping (an IP literal).
   * @param size the payload's length (ping's `-s`, 56 by default).
   * @returns the pinger.
   * @throws {PermissionError} when neither socket may be opened here.
   * @throws {SocketError} without the native addon.
   */
  static open(family: number, host: string, size = 56): Pinger {
    const proto = family === AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    let sock: Socket;
    let kind: 'dgram' | 'raw' = 'dgram';
    try {
      sock = socket(family, SOCK_DGRAM, proto);
    } catch (err) {
      if (!(err instanceof PermissionError)) throw err;
      sock = socket(family, SOCK_RAW, proto);
      kind = 'raw';
    }
    try {
      // The reply's TTL comes as ancillary data, except in the IPv4 header a raw socket reads.
      if (family === AF_INET6) sock.setsockopt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
      else if (kind === 'dgram') sock.setsockopt(SOL_IP, IP_RECVTTL, 1);
    } catch {
      // Without it the lines have no ttl=, as ping's without the option.
    }
    return new Pinger(sock, kind, family, host, size);
  }

  /** The ICMP payload's length. */
  get size(): number {
    return this.#payload.length;
  }

  /**
   * Sends echo request `sequence`.
   * @throws {SocketError} when it cannot be sent (`ENETUNREACH`, …).
   */
  async send(sequence: number): Promise<void> {
    const type = this.#family === AF_INET6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST;
    const request = encodeEcho({ type, id: this.#id, sequence, payload: this.#payload });
    const address = this.#family === AF_INET6 ? [this.#host, 0, 0, 0] : [this.#host, 0];
    this.#sent.set(sequence, performance.now());
    await this.#sock.sendto(request, address as [string, number]);
  }

  /**
   * Waits for the next reply to one of our requests.
   * @param timeout seconds to wait.
   * @returns the reply, or null when none came in time.
   */
  async receive(timeout: number): Promise<EchoReply | null> {
    const deadline = performance.now() + timeout * 1000;
    const want = this.#family === AF_INET6 ? ICMPV6_ECHO_REPLY : ICMP_ECHO_REPLY;
    for (;;) {
      const left = (deadline - performance.now()) / 1000;
      if (left <= 0) return null;
      this.#sock.settimeout(left);
      let message: Awaited<ReturnType<Socket['recvmsg']>>;
      try {
        message = await this.#sock.recvmsg(65536, 64);
      } catch (err) {
        if (err instanceof SocketTimeoutError) return null;
        throw err;
      }
      const [data, ancdata, , from] = message;
      const echo = decodeEcho(data, this.kind === 'raw' && this.#family === AF_INET);
      // A raw socket sees every ICMP message of the host: ours are the replies with our id
      // (the datagram socket's kernel has matched the id already, and rewritten it).
      if (echo === null || echo.type !== want) continue;
      if (this.kind === 'raw' && echo.id !== this.#id) continue;
      const sentAt = this.#sent.get(echo.sequence);
      if (sentAt === undefined) continue;
      this.#sent.delete(echo.sequence);
      let ttl = echo.ttl;
      for (const [level, type, value] of ancdata) {
        if (value.length >= 4 && (type === IP_TTL || type === IPV6_HOPLIMIT) && level !== 1)
          ttl = value.readInt32LE(0);
      }
      return {
        sequence: echo.sequence,
        bytes: echo.payload.length + 8,
        from: String((from as readonly [string, number])[0]),
        ttl,
        rtt: performance.now() - sentAt,
      };
    }
  }

  /** Closes the socket. */
  close(): void {
    this.#sock.close();
  }
}
