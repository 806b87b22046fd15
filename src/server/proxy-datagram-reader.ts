/**
 * `ProxyDatagramReader`: the PROXY protocol on a UDP port behind a load balancer — which
 * client a datagram from a balancer speaks for, and where its payload starts.
 *
 * A balancer that carries UDP keeps a session per client (nginx's `stream` module: one socket
 * towards the server per client address and port, kept for `proxy_timeout`), and prepends the
 * header to the first datagram of the session only; the datagrams after it arrive bare, from
 * the same balancer address and port. So the reader remembers, per balancer address and port,
 * the client its last header named, and a bare datagram from there speaks for that client.
 * With nginx's `proxy_responses 1` every query is a session of its own, and every datagram
 * carries a header.
 */
import type { SocketAddress } from '../socket/index.js';
import { parseDatagramProxyHeader } from './proxy-header.js';
import { peerText } from './server-observer.js';
import type { ProxyProtocolOptions } from './tcp-listener.js';

/** How a datagram server behind a load balancer takes the PROXY protocol. */
export interface DatagramProxyProtocolOptions extends ProxyProtocolOptions {
  /**
   * Seconds a balancer's session is remembered after its last datagram (default 600: nginx's
   * default `proxy_timeout`, so polyport forgets a session no sooner than nginx does).
   */
  readonly sessionTimeout?: number;
  /** Sessions remembered at once (default 65536); over it the least recently used is forgotten. */
  readonly maxSessions?: number;
}

/** What {@link ProxyDatagramReader.read} makes of a datagram. */
export type ProxiedDatagram =
  /** Served: `payload` (after the header, if any) speaks for `client`. */
  | { readonly type: 'datagram'; readonly payload: Buffer; readonly client: SocketAddress }
  /** Dropped: from an address not allowed, or with no valid header and no session. */
  | { readonly type: 'refused'; readonly reason: string };

/** The default of {@link DatagramProxyProtocolOptions.sessionTimeout}, in seconds. */
export const DEFAULT_PROXY_SESSION_TIMEOUT = 600;
/** The default of {@link DatagramProxyProtocolOptions.maxSessions}. */
export const DEFAULT_PROXY_MAX_SESSIONS = 65536;

interface Session {
  readonly client: SocketAddress;
  seen: number;
}

/**
 * Reads the PROXY header of each datagram a balancer forwards and remembers its sessions.
 * Pure but for the session table: time is passed in.
 *
 * @example
 * const reader = new ProxyDatagramReader({ allowed: (host) => host === '127.0.0.1' });
 * const header = encodeProxyHeaderV1({ source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 53] });
 * reader.read(Buffer.from(`${header}query`), ['127.0.0.1', 40000], Date.now());
 * // { type: 'datagram', payload: <Buffer 71 75 65 72 79>, client: ['203.0.113.7', 5000] }
 * reader.read(Buffer.from('next'), ['127.0.0.1', 40000], Date.now());
 * // { type: 'datagram', payload: <Buffer 6e 65 78 74>, client: ['203.0.113.7', 5000] }
 */
export class ProxyDatagramReader {
  readonly #allowed: (host: string) => boolean;
  readonly #timeout: number;
  readonly #max: number;
  /** By the balancer's `address:port`, least recently used first (a Map keeps its order). */
  readonly #sessions = new Map<string, Session>();

  constructor(options: DatagramProxyProtocolOptions) {
    this.#allowed = options.allowed;
    this.#timeout = (options.sessionTimeout ?? DEFAULT_PROXY_SESSION_TIMEOUT) * 1000;
    this.#max = Math.max(1, options.maxSessions ?? DEFAULT_PROXY_MAX_SESSIONS);
  }

  /** Sessions remembered now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /**
   * Takes one datagram.
   * @param data the datagram as received.
   * @param from its sender (a balancer, if allowed).
   * @param now the time in milliseconds.
   * @returns the payload and the client it speaks for, or why it is dropped.
   */
  read(data: Buffer, from: SocketAddress, now: number): ProxiedDatagram {
    const host = Array.isArray(from) ? String(from[0]) : '';
    if (!this.#allowed(host)) {
      return { type: 'refused', reason: 'PROXY protocol from an address not in proxyProtocolFrom' };
    }
    const key = peerText(from);
    const parsed = parseDatagramProxyHeader(data);
    if (parsed.type === 'header') {
      const { header } = parsed;
      // LOCAL (a health check) and headers naming no IP client keep the balancer's address.
      const client: SocketAddress = 'local' in header ? from : [header.source[0], header.source[1]];
      this.#remember(key, client, now);
      return { type: 'datagram', payload: data.subarray(parsed.length), client };
    }
    const session = this.#sessions.get(key);
    if (session === undefined || now - session.seen > this.#timeout) {
      if (session !== undefined) this.#sessions.delete(key);
      return { type: 'refused', reason: `bad PROXY header: ${parsed.reason}` };
    }
    // Most recently used goes last, so the least recently used is the first to be forgotten.
    session.seen = now;
    this.#sessions.delete(key);
    this.#sessions.set(key, session);
    return { type: 'datagram', payload: data, client: session.client };
  }

  /** Forgets every session (the server closing). */
  clear(): void {
    this.#sessions.clear();
  }

  #remember(key: string, client: SocketAddress, now: number): void {
    this.#sessions.delete(key);
    // The oldest first: forget what timed out, then make room, so the table stays bounded.
    for (const [oldest, session] of this.#sessions) {
      if (now - session.seen <= this.#timeout && this.#sessions.size < this.#max) break;
      this.#sessions.delete(oldest);
    }
    this.#sessions.set(key, { client, seen: now });
  }
}
