/**
 * Batched datagram I/O for bound UDP sockets: receives through `recvmmsg(2)` and sends through
 * `sendto(2)` in polyport's small native addon (`native/datagram_batch.cc`), beside the
 * `node:dgram` socket that still owns the descriptor.
 *
 * Why: node:dgram spends, per received datagram, a 64 KiB allocation, a Buffer, an rinfo object
 * with a fresh address string and a JS callback; per sent one, its JS send path and a request
 * object. For a DNS server that is most of its time. Here one readiness callback takes up to 64
 * datagrams per system call, copied back to back into one Buffer, with one string per sender
 * (reused while the sender stays the same); a send is one system call. On loopback this lifts a
 * bare echo from 0.8x to 1.1x dnsmasq's queries per second.
 *
 * The addon is built by `npm ci` (node-gyp, from the headers of the Node that runs it). When it
 * is missing, or cannot reach the socket (Node keeps the handle under a private symbol), or
 * `POLYPORT_PUBLIC_DATAGRAMS=1` is set, sockets keep node:dgram's own path; the tests run both.
 */
import type { Socket as DgramSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { datagramHandle } from './fileno.js';

/** The addon's calls (see native/datagram_batch.cc). */
interface Addon {
  readonly SLOTS: number;
  readonly FALLBACK: number;
  open(fd: number, family: number, onReadable: () => void): object;
  close(handle: object): void;
  recv(handle: object, meta: Int32Array, hosts: string[]): Buffer | undefined;
  sendto(handle: object, data: Uint8Array, port: number, host: string): number;
}

/** What node:dgram's handle offers that this needs. */
interface UdpHandle {
  readonly fd?: unknown;
  recvStop?: unknown;
}

let addon: Addon | null | undefined;

function loadAddon(): Addon | null {
  if (addon !== undefined) return addon;
  try {
    // From src/socket (tsx) and dist/socket alike, the build folder is two levels up.
    addon = createRequire(import.meta.url)('../../build/Release/datagram_batch.node') as Addon;
  } catch {
    addon = null;
  }
  return addon;
}

/**
 * Whether bound datagram sockets use batched I/O: the addon is built and
 * `POLYPORT_PUBLIC_DATAGRAMS=1` does not force node:dgram's own path.
 * @returns true when {@link attachBatchedDatagrams} can attach.
 * @example if (!batchedDatagramsAvailable()) console.log('node:dgram alone');
 */
export function batchedDatagramsAvailable(): boolean {
  return process.env.POLYPORT_PUBLIC_DATAGRAMS !== '1' && loadAddon() !== null;
}

/** Receives one datagram: its bytes (a view of the batch's buffer) and its sender. */
export type DatagramSink = (data: Buffer, host: string, port: number) => void;

/** What a batch's readiness callback reports besides the datagrams. */
export interface BatchListener {
  /** Each datagram, in arrival order. */
  readonly datagram: DatagramSink;
  /** After each batch that delivered datagrams: one notification for many datagrams. */
  readonly batchDone: () => void;
  /** A receive error (an `errno`, positive), e.g. ECONNREFUSED on a connected socket. */
  readonly error: (errno: number) => void;
}

/** Batches one readiness callback may read before letting the rest of the loop run. */
const BATCHES_PER_WAKEUP = 4;

/**
 * Batched I/O attached to one bound `node:dgram` socket. The socket keeps its descriptor,
 * options, `connect()` and `close()`; only receiving (always) and sends to literal addresses
 * (when the kernel takes them at once) go through the addon.
 */
export class BatchedDatagrams {
  readonly #addon: Addon;
  readonly #handle: object;
  readonly #listener: BatchListener;
  readonly #meta: Int32Array;
  readonly #hosts: string[] = [];
  #closed = false;

  /** @internal Made by {@link attachBatchedDatagrams}. */
  constructor(addon: Addon, fd: number, family: number, listener: BatchListener) {
    this.#addon = addon;
    this.#listener = listener;
    this.#meta = new Int32Array(1 + 2 * addon.SLOTS);
    this.#handle = addon.open(fd, family, this.#onReadable);
  }

  #onReadable = (): void => {
    const addon = this.#addon;
    const meta = this.#meta;
    const hosts = this.#hosts;
    const { datagram, batchDone, error } = this.#listener;
    for (let batch = 0; batch < BATCHES_PER_WAKEUP && !this.#closed; batch++) {
      const data = addon.recv(this.#handle, meta, hosts);
      const count = meta[0] as number;
      if (count < 0) {
        error(-count);
        return;
      }
      if (data === undefined || count === 0) return;
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const length = meta[1 + 2 * i] as number;
        datagram(
          data.subarray(offset, offset + length),
          hosts[i] as string,
          meta[2 + 2 * i] as number,
        );
        offset += length;
      }
      batchDone();
      // A short batch means the socket is drained; the next readiness callback takes the rest.
      if (count < addon.SLOTS) return;
    }
  };

  /**
   * Sends a datagram with one `sendto(2)`, when it can.
   * @param data the datagram (sent from this memory, not copied).
   * @param port the destination port.
   * @param host the destination, an IP literal of the socket's family.
   * @returns the bytes sent; `null` when node:dgram must send it (a name to look up, another
   *   family, a full send buffer it can queue for); or a negative errno for a failed send.
   */
  sendto(data: Uint8Array, port: number, host: string): number | null {
    if (this.#closed) return null;
    const sent = this.#addon.sendto(this.#handle, data, port, host);
    return sent === this.#addon.FALLBACK ? null : sent;
  }

  /** Stops and releases the batch I/O (before the node:dgram socket closes its descriptor). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#addon.close(this.#handle);
  }
}

/**
 * Moves a bound `node:dgram` socket's receiving to batched I/O: Node's own receiving stops,
 * and from now on `listener` gets every datagram.
 * @param udp a bound socket (call from its 'listening' event).
 * @param family `AF_INET` or `AF_INET6` (the numbers `sendto` addresses are parsed for).
 * @param listener where datagrams, batch ends and receive errors go.
 * @returns the attached I/O, or null when batched I/O is unavailable (the socket is untouched).
 * @example
 * udp.once('listening', () => { batch = attachBatchedDatagrams(udp, AF_INET, listener); });
 */
export function attachBatchedDatagrams(
  udp: DgramSocket,
  family: number,
  listener: BatchListener,
): BatchedDatagrams | null {
  if (!batchedDatagramsAvailable()) return null;
  const handle = datagramHandle(udp) as UdpHandle | undefined;
  if (handle === undefined || typeof handle.fd !== 'number' || handle.fd < 0) return null;
  if (typeof handle.recvStop !== 'function') return null;
  const batched = new BatchedDatagrams(addon as Addon, handle.fd, family, listener);
  (handle.recvStop as () => number).call(handle);
  return batched;
}
