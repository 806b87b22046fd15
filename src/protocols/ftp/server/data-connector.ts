/**
 * `DataConnector`: how the server gets a data connection — a passive listener (PASV/EPSV) that
 * accepts only the control connection's peer, or an active connect (PORT/EPRT) to a target the
 * bounce check has approved — and the server-side TLS wrap under `PROT P`.
 */

import { systemClock } from '../../../server/clock.js';
import { type ServerHandshake, serverHandshake } from '../../../server/server-handshake.js';
import {
  AF_INET,
  AF_INET6,
  Socket,
  type SocketAddress,
  type SSLContext,
} from '../../../socket/index.js';
import { sameIpAddress } from '../../../socket/inet.js';
import type { DataAddress } from '../codec/data-address.js';

/** Options for {@link DataConnector.connect}. */
export interface DataConnectOptions {
  /** Seconds to wait for the connection (and the TLS handshake). */
  readonly timeout: number;
  /** Wrap the data connection in TLS (PROT P), server side. */
  readonly tls?: SSLContext | undefined;
  /** Told about each refused foreign connection (for the log). */
  readonly onRefused?: (peer: string) => void;
}

function hostOf(address: SocketAddress): string {
  return Array.isArray(address) ? String(address[0]) : '';
}

/**
 * Holds the data-connection setup of one control connection: at most one passive listener or
 * active target at a time, as RFC 959 has it (a new PASV replaces the old).
 *
 * @example
 * const data = new DataConnector('127.0.0.1');
 * const port = await data.listen('127.0.0.1', null);
 * const sock = await data.connect({ timeout: 30 });
 */
export class DataConnector {
  readonly #peerHost: string;
  readonly #balancerHost: string | undefined;
  #listener: Socket | null = null;
  #active: DataAddress | null = null;
  #pending: Socket | null = null;
  /** The passive listener a transfer is waiting on for its data connection. */
  #accepting: Socket | null = null;
  #handshake: ServerHandshake | null = null;

  /**
   * @param peerHost The control connection's remote address: the only host allowed to connect.
   * @param balancerHost The load balancer the control connection came through (its PROXY
   *   header named `peerHost`): a passive data connection forwarded by it arrives from its
   *   address, so that host is allowed too. It is trusted already (`proxyProtocolFrom`).
   */
  constructor(peerHost: string, balancerHost?: string) {
    this.#peerHost = peerHost;
    this.#balancerHost = balancerHost;
  }

  /** Whether PASV/EPSV or PORT/EPRT has set up the next data connection. */
  get ready(): boolean {
    return this.#listener !== null || this.#active !== null;
  }

  /**
   * Opens a passive listener on `host`, on a port from `range` (tried in random order) or any.
   *
   * @param host The local address to listen on (the control connection's own).
   * @param range `[low, high]` or `null` for any free port.
   * @returns The port.
   * @throws {SocketError} `EADDRINUSE` when every port of the range is taken.
   */
  async listen(host: string, range: readonly [number, number] | null): Promise<number> {
    this.reset();
    const family = host.includes(':') ? AF_INET6 : AF_INET;
    const ports: number[] = [];
    if (range === null) ports.push(0);
    else {
      for (let p = range[0]; p <= range[1]; p++) ports.push(p);
      for (let i = ports.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [ports[i], ports[j]] = [ports[j] as number, ports[i] as number];
      }
    }
    let lastError: unknown = null;
    for (const port of ports) {
      const sock = new Socket(family);
      try {
        await sock.bind([host, port]);
        await sock.listen(1);
        this.#listener = sock;
        return (sock.getsockname() as [string, number])[1];
      } catch (err) {
        sock.close();
        lastError = err;
      }
    }
    throw lastError;
  }

  /**
   * Sets the target for an active data connection (already checked against bounce attacks).
   *
   * @param target The client's address and port.
   */
  setActive(target: DataAddress): void {
    this.reset();
    this.#active = target;
  }

  /**
   * Gets the data connection: accepts on the passive listener (refusing, and waiting on past,
   * connections from any host but the control peer) or connects to the active target. The setup
   * is used up: the next transfer needs a new PASV or PORT.
   *
   * @param options Timeout and TLS.
   * @returns The connected (and, with TLS, handshaken) socket.
   * @throws {SocketError} When nothing was set up, on timeout, or when the connect fails.
   */
  async connect(options: DataConnectOptions): Promise<Socket> {
    const listener = this.#listener;
    const active = this.#active;
    this.#listener = null;
    this.#active = null;
    let sock: Socket;
    if (listener !== null) {
      // Kept where reset() finds it: an ABOR while we wait for the client closes it at once
      // instead of after the timeout.
      this.#accepting = listener;
      try {
        listener.settimeout(options.timeout);
        for (;;) {
          const [conn, address] = await listener.accept();
          const from = hostOf(address);
          const balancer = this.#balancerHost;
          if (
            sameIpAddress(from, this.#peerHost) ||
            (balancer !== undefined && sameIpAddress(from, balancer))
          ) {
            sock = conn;
            break;
          }
          // RFC 2577 / vsftpd's pasv_promiscuous=NO: a stranger racing for the port is refused.
          conn.close();
          options.onRefused?.(hostOf(address));
        }
      } finally {
        this.#accepting = null;
        listener.close();
      }
    } else if (active !== null) {
      sock = new Socket(active.host.includes(':') ? AF_INET6 : AF_INET);
      this.#pending = sock;
      sock.settimeout(options.timeout);
      try {
        await sock.connect([active.host, active.port]);
      } catch (err) {
        sock.close();
        throw err;
      } finally {
        this.#pending = null;
      }
    } else {
      throw new Error('no data connection was set up (use PASV or PORT first)');
    }
    if (options.tls === undefined) return sock;
    // The handshake owns the connection once it starts (the plain socket is detached): only
    // aborting it, at the deadline or on reset(), frees the descriptor.
    const handshake = serverHandshake(sock, {
      context: options.tls,
      clock: systemClock,
      timeout: options.timeout,
    });
    this.#handshake = handshake;
    try {
      const secure = await handshake.done;
      // TLS 1.3 session tickets leave Node a turn after the handshake; a short transfer closed
      // before then puts close_notify ahead of them and OpenSSL clients (Python's ftplib) fail
      // their shutdown with SHUTDOWN_WHILE_IN_INIT. One macrotask turn lets them out first.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      return secure;
    } finally {
      this.#handshake = null;
    }
  }

  /** Drops any listener, target or connection attempt under way (ABOR, REIN, close). */
  reset(): void {
    this.#listener?.close();
    this.#listener = null;
    this.#accepting?.close();
    this.#accepting = null;
    this.#active = null;
    this.#pending?.close();
    this.#pending = null;
    this.#handshake?.abort();
    this.#handshake = null;
  }
}
