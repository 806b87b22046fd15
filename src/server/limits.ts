/**
 * The limits every TCP server enforces, and the counter that applies the connection limits.
 */
import { addressGroup } from './address-group.js';

/** Limits of one TCP service. Times are in seconds (0: none), sizes in bytes. */
export interface ServerLimits {
  /** Connections served at once; one more gets the protocol's "busy" reply and is closed. */
  readonly maxConnections: number;
  /** Connections at once from one client address (an IPv6 client is its /64). */
  readonly maxConnectionsPerAddress: number;
  /** Close a connection after this long with no input. */
  readonly idleTimeout: number;
  /** Close a connection whose request has been incomplete this long (slowloris). */
  readonly readTimeout: number;
  /** The longest line or request head accepted. */
  readonly maxRequestSize: number;
  /**
   * Seconds a TLS handshake may take, on a TLS port or after STARTTLS, STLS or AUTH TLS; past
   * it both the TLS and the plain socket are closed and the slot freed (0: none). Default
   * {@link DEFAULT_HANDSHAKE_TIMEOUT}.
   */
  readonly handshakeTimeout?: number;
  /**
   * Seconds queued output may wait without the peer taking a byte (it does not read); past it
   * the connection is reset and its output dropped (0: none). Default
   * {@link DEFAULT_WRITE_TIMEOUT}.
   */
  readonly writeTimeout?: number;
  /**
   * Output queued for one connection (bytes, counting a queued file by what it will still send)
   * past which the server reads no new request until the client has read some: a client that
   * pipelines without reading fills its own socket buffer, not our memory. One response may
   * take the queue past it. Default {@link DEFAULT_MAX_PENDING_OUTPUT}.
   */
  readonly maxPendingOutput?: number;
}

/** Default {@link ServerLimits.maxPendingOutput}: 1 MiB. */
export const DEFAULT_MAX_PENDING_OUTPUT = 1024 * 1024;

/**
 * The queued-output bound in force: `maxPendingOutput`, or its default when not set.
 * @param limits The service's limits.
 * @returns Bytes.
 * @example new Pop3ServerSession({ maxPendingOutput: pendingOutputBound(channel.limits) });
 */
export function pendingOutputBound(limits: Pick<ServerLimits, 'maxPendingOutput'>): number {
  return limits.maxPendingOutput ?? DEFAULT_MAX_PENDING_OUTPUT;
}

/** Default {@link ServerLimits.handshakeTimeout}: 10 s, as a TLS handshake needs two round trips. */
export const DEFAULT_HANDSHAKE_TIMEOUT = 10;

/** Default {@link ServerLimits.writeTimeout}: 60 s, as nginx's `send_timeout`. */
export const DEFAULT_WRITE_TIMEOUT = 60;

/**
 * Defaults that let a local load test of a few hundred connections through: a benchmark on
 * loopback measures the server, not its limits.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 1024,
  maxConnectionsPerAddress: 256,
  idleTimeout: 300,
  readTimeout: 30,
  maxRequestSize: 64 * 1024,
  handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT,
  writeTimeout: DEFAULT_WRITE_TIMEOUT,
  maxPendingOutput: DEFAULT_MAX_PENDING_OUTPUT,
};

/**
 * Counts open connections in total and per address. Addresses are grouped by `addressGroup()`:
 * every IPv6 address of one /64 counts as one client, an IPv4-mapped IPv6 address as its IPv4
 * address, so a client cannot multiply its allowance by rotating addresses within its prefix.
 * @example
 * const release = counter.tryAcquire('10.0.0.1');
 * if (release === null) refuse(); else onClose(release);
 */
export class ConnectionCounter {
  readonly #perAddress = new Map<string, number>();
  #total = 0;
  readonly #limits: Pick<ServerLimits, 'maxConnections' | 'maxConnectionsPerAddress'>;

  constructor(limits: Pick<ServerLimits, 'maxConnections' | 'maxConnectionsPerAddress'>) {
    this.#limits = limits;
  }

  /** Connections open now. */
  get total(): number {
    return this.#total;
  }

  /**
   * Counts a new connection from `address`.
   * @returns a function that releases it (call once), or a refusal reason when over a limit.
   */
  tryAcquire(address: string): (() => void) | { refused: string } {
    if (this.#total >= this.#limits.maxConnections) {
      return { refused: `too many connections (limit ${this.#limits.maxConnections})` };
    }
    const group = addressGroup(address);
    const mine = this.#perAddress.get(group) ?? 0;
    if (mine >= this.#limits.maxConnectionsPerAddress) {
      return {
        refused: `too many connections from ${group} (limit ${this.#limits.maxConnectionsPerAddress})`,
      };
    }
    this.#total++;
    this.#perAddress.set(group, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#perAddress.get(group) ?? 1) - 1;
      if (left === 0) this.#perAddress.delete(group);
      else this.#perAddress.set(group, left);
    };
  }
}
