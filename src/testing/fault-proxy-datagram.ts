/**
 * A UDP proxy on loopback that drops, duplicates or delays datagrams on purpose.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/**
 * Which datagrams of one direction a fault applies to: a list of 0-based indexes (the order in
 * which the proxy received them from that client, or from the server for that client), or a
 * predicate.
 *
 * @example
 * const firstTwo: DatagramPick = [0, 1];
 * const everyOther: DatagramPick = (index) => index % 2 === 1;
 */
export type DatagramPick = readonly number[] | ((index: number, datagram: Buffer) => boolean);

/**
 * Faults applied to the datagrams of one direction.
 *
 * @example
 * const lossy: DatagramDirectionFaults = { drop: [0], duplicate: [1], delayMs: 50 };
 */
export interface DatagramDirectionFaults {
  /** Datagrams thrown away. */
  readonly drop?: DatagramPick;
  /** Datagrams sent twice (the copy right after the original). */
  readonly duplicate?: DatagramPick;
  /** Milliseconds each datagram waits before it is forwarded. */
  readonly delayMs?: number;
}

/**
 * Faults for one client address of a {@link DatagramFaultProxy}.
 *
 * @example
 * // The server never hears the first query; its answer to the second comes twice.
 * const faults: DatagramFaults = { toServer: { drop: [0] }, toClient: { duplicate: [0] } };
 */
export interface DatagramFaults {
  /** Datagrams from the client to the server. */
  readonly toServer?: DatagramDirectionFaults;
  /** Datagrams from the server to the client. */
  readonly toClient?: DatagramDirectionFaults;
}

/** Options for {@link DatagramFaultProxy.listen}. */
export interface DatagramFaultProxyOptions {
  /** The server under test, `[host, port]` (IPv4). */
  readonly target: readonly [string, number];
  /** Faults for every client, or a function of the client's 0-based index (first seen order). */
  readonly faults?: DatagramFaults | ((index: number) => DatagramFaults);
  /** Port to listen on (127.0.0.1). Default 0: any free port. */
  readonly port?: number;
}

/** What a {@link DatagramFaultProxy} did, per direction, over all clients. */
export interface DatagramCounts {
  /** Datagrams received from senders in this direction. */
  received: number;
  /** Datagrams sent on (duplicates counted). */
  forwarded: number;
  /** Datagrams dropped. */
  dropped: number;
}

function picks(pick: DatagramPick | undefined, index: number, datagram: Buffer): boolean {
  if (pick === undefined) return false;
  return typeof pick === 'function' ? pick(index, datagram) : pick.includes(index);
}

interface Peer {
  readonly upstream: Socket;
  readonly faults: DatagramFaults;
  toServer: number;
  toClient: number;
}

/**
 * A loopback UDP proxy: each client address gets its own socket towards the server (so the
 * server sees one peer per client), and each direction can drop, duplicate or delay datagrams.
 *
 * @example
 * import { DatagramFaultProxy } from 'polyport/testing';
 * const proxy = await DatagramFaultProxy.listen({
 *   target: ['127.0.0.1', dnsPort],
 *   faults: { toServer: { drop: [0] } }, // the first query is lost: the resolver must retry
 * });
 * // point the client at ['127.0.0.1', proxy.port]
 * await proxy.close();
 */
export class DatagramFaultProxy {
  /** Client to server counts. */
  readonly toServer: DatagramCounts = { received: 0, forwarded: 0, dropped: 0 };
  /** Server to client counts. */
  readonly toClient: DatagramCounts = { received: 0, forwarded: 0, dropped: 0 };
  readonly #socket: Socket;
  readonly #options: DatagramFaultProxyOptions;
  readonly #peers = new Map<string, Peer>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  private constructor(socket: Socket, options: DatagramFaultProxyOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.on('message', (datagram, from) => this.#fromClient(datagram, from));
    // A send error (ICMP port unreachable) concerns one datagram; the proxy goes on.
    socket.on('error', () => undefined);
  }

  /**
   * Starts a proxy listening on 127.0.0.1.
   * @param options the target and the faults.
   * @returns the listening proxy.
   * @throws {Error} when the port cannot be bound.
   * @example
   * const proxy = await DatagramFaultProxy.listen({ target: ['127.0.0.1', 10053] });
   */
  static async listen(options: DatagramFaultProxyOptions): Promise<DatagramFaultProxy> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new DatagramFaultProxy(socket, options);
  }

  /** The port the proxy listens on. */
  get port(): number {
    return this.#socket.address().port;
  }

  /** `[host, port]` the proxy listens on. */
  get address(): [string, number] {
    return ['127.0.0.1', this.port];
  }

  /**
   * How many sockets (descriptors) the proxy holds open now: its own and one per client.
   * @returns the count.
   * @example
   * proxy.openSockets(); // 1 before any client
   */
  openSockets(): number {
    return this.#closed ? 0 : 1 + this.#peers.size;
  }

  /**
   * Closes the listening socket and every per-client socket; delayed datagrams are not sent.
   * @returns when every socket is closed.
   * @example
   * await proxy.close();
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const sockets = [this.#socket, ...[...this.#peers.values()].map((p) => p.upstream)];
    this.#peers.clear();
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  #peer(from: RemoteInfo): Peer {
    const key = `${from.address}:${from.port}`;
    let peer = this.#peers.get(key);
    if (peer === undefined) {
      const chosen = this.#options.faults;
      const faults = typeof chosen === 'function' ? chosen(this.#peers.size) : (chosen ?? {});
      const upstream = createSocket('udp4');
      upstream.on('error', () => undefined);
      const [, port] = this.#options.target;
      upstream.on('message', (datagram, sender) => {
        // Only the server's answers go back; anything else reaching this socket is not its.
        if (sender.port === port) this.#fromServer(datagram, from, peer!);
      });
      peer = { upstream, faults, toServer: 0, toClient: 0 };
      this.#peers.set(key, peer);
    }
    return peer;
  }

  #fromClient(datagram: Buffer, from: RemoteInfo): void {
    const peer = this.#peer(from);
    const index = peer.toServer++;
    this.#apply(peer.faults.toServer, this.toServer, index, datagram, () => {
      // Not a connected socket: send() on one still connecting throws; an unbound socket binds
      // on its first send.
      peer.upstream.send(datagram, this.#options.target[1], this.#options.target[0]);
    });
  }

  #fromServer(datagram: Buffer, to: RemoteInfo, peer: Peer): void {
    const index = peer.toClient++;
    this.#apply(peer.faults.toClient, this.toClient, index, datagram, () => {
      this.#socket.send(datagram, to.port, to.address);
    });
  }

  #apply(
    faults: DatagramDirectionFaults | undefined,
    counts: DatagramCounts,
    index: number,
    datagram: Buffer,
    send: () => void,
  ): void {
    counts.received++;
    if (picks(faults?.drop, index, datagram)) {
      counts.dropped++;
      return;
    }
    const copies = picks(faults?.duplicate, index, datagram) ? 2 : 1;
    const go = (): void => {
      for (let i = 0; i < copies; i++) {
        counts.forwarded++;
        send();
      }
    };
    const delay = faults?.delayMs ?? 0;
    if (delay <= 0) {
      go();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      go();
    }, delay);
    this.#timers.add(timer);
  }
}
