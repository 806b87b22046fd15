/**
 * The `batched_datagrams` accelerator: bound UDP sockets receive through `recvmmsg(2)` and send
 * through `sendto(2)` in polyport's small native addon (`native/datagram_batch.cc`), beside the
 * `node:dgram` socket that still owns the descriptor.
 *
 * Why: node:dgram spends, per received datagram, a 64 KiB allocation, a Buffer, an rinfo object
 * with a fresh address string and a JS callback; per sent one, its JS send path and a request
 * object. For a DNS server that is most of its time. Here one readiness callback takes up to 64
 * datagrams per system call, copied back to back into one Buffer, with one string per sender
 * (reused while the sender stays the same); a send is one system call. What it gains on each
 * Node major is measured by `npm run bench` (the DNS benchmark runs it on and off).
 *
 * The addon is built by `npm ci` (node-gyp, from the headers of the Node that runs it). Reaching
 * the descriptor and stopping Node's own receiving use node:dgram's private handle, so this runs
 * under an {@link Accelerator}: on tested majors only, after a self-test; an exception in the
 * addon's calls turns it off and moves every attached socket back to node:dgram's receiving.
 * `POLYPORT_PUBLIC_DATAGRAMS=1` keeps node:dgram's own path; the tests run both.
 */

import type { Socket as DgramSocket } from 'node:dgram';
import { AF_INET } from '../constants.js';
import { loadBuiltin } from '../load-builtin.js';
import { Accelerator } from './accelerator.js';
import { datagramHandle, descriptorOf, type HasFd } from './handles.js';
import { loadNativeAddon } from './native-addon.js';
import { randomPayload } from './random-payload.js';

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
interface UdpHandle extends HasFd {
  recvStop?: unknown;
  recvStart?: unknown;
}

let addon: Addon | null | undefined;

/**
 * The addon's calls, loaded once; null when it is not built. A plain object copied from the
 * module's exports (which are read-only), so a test can replace a call to simulate a fault.
 * @internal
 */
export function loadedAddon(): Addon | null {
  if (addon !== undefined) return addon;
  const native = loadNativeAddon('datagram_batch') as Addon | null;
  if (native === null) addon = null;
  else {
    const { SLOTS, FALLBACK, open, close, recv, sendto } = native;
    addon = { SLOTS, FALLBACK, open, close, recv, sendto };
  }
  return addon;
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

/** Every attached batch I/O, to move back to node:dgram's receiving if the addon fails. */
const live = new Set<BatchedDatagrams>();

/**
 * Batched I/O attached to one bound `node:dgram` socket. The socket keeps its descriptor,
 * options, `connect()` and `close()`; only receiving (always) and sends to literal addresses
 * (when the kernel takes them at once) go through the addon.
 */
export class BatchedDatagrams {
  readonly #addon: Addon;
  readonly #handle: object;
  readonly #udp: UdpHandle;
  readonly #listener: BatchListener;
  readonly #meta: Int32Array;
  readonly #hosts: string[] = [];
  #closed = false;

  /** @internal Made by {@link attachBatchedDatagrams}. */
  constructor(addon: Addon, udp: UdpHandle, fd: number, family: number, listener: BatchListener) {
    this.#addon = addon;
    this.#udp = udp;
    this.#listener = listener;
    this.#meta = new Int32Array(1 + 2 * addon.SLOTS);
    this.#handle = addon.open(fd, family, this.#onReadable);
    live.add(this);
  }

  #onReadable = (): void => {
    try {
      this.#receive();
    } catch (err) {
      turnOff(err, 'recv');
    }
  };

  #receive(): void {
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
  }

  /**
   * Sends a datagram with one `sendto(2)`, when it can.
   * @param data the datagram (sent from this memory, not copied).
   * @param port the destination port.
   * @param host the destination, an IP literal of the socket's family.
   * @returns the bytes sent; `null` when node:dgram must send it (a name to look up, another
   *   family, a full send buffer it can queue for, the accelerator turned off); or a negative
   *   errno for a failed send.
   */
  sendto(data: Uint8Array, port: number, host: string): number | null {
    if (this.#closed) return null;
    try {
      const sent = this.#addon.sendto(this.#handle, data, port, host);
      return sent === this.#addon.FALLBACK ? null : sent;
    } catch (err) {
      turnOff(err, 'sendto');
      return null;
    }
  }

  /** Stops and releases the batch I/O (before the node:dgram socket closes its descriptor). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    live.delete(this);
    this.#addon.close(this.#handle);
  }

  /** Hands receiving back to node:dgram (the accelerator turned off); sends go there too. */
  detach(): void {
    if (this.#closed) return;
    try {
      this.close();
    } finally {
      (this.#udp.recvStart as () => number).call(this.#udp);
    }
  }
}

/** The addon failed: off for the process, and every attached socket back on node:dgram. */
function turnOff(err: unknown, during: string): void {
  batchedDatagrams.fail(err, during);
  for (const io of [...live]) {
    try {
      io.detach();
    } catch {
      // A socket whose receiving cannot be restarted is closing anyway.
    }
  }
}

/** Attaches without asking the accelerator (the self-test uses it first). */
function attachNow(
  udp: DgramSocket,
  family: number,
  listener: BatchListener,
): BatchedDatagrams | null {
  const addon = loadedAddon();
  const handle = datagramHandle(udp) as UdpHandle | undefined;
  if (addon === null || handle === undefined) return null;
  const fd = descriptorOf(handle);
  if (fd < 0) return null;
  if (typeof handle.recvStop !== 'function' || typeof handle.recvStart !== 'function')
    throw new Error('the UDP handle has no recvStop()/recvStart()');
  const batched = new BatchedDatagrams(addon, handle, fd, family, listener);
  try {
    (handle.recvStop as () => number).call(handle);
  } catch (err) {
    batched.close();
    throw err;
  }
  return batched;
}

/** Sends and receives once through the addon between two loopback sockets, byte for byte. */
function selfTest(): Promise<void> {
  return new Promise((resolve, reject) => {
    // Run for the first bound UDP socket (node:dgram is loaded then) or by prepareAccelerators().
    const { createSocket } = loadBuiltin('node:dgram');
    const a = createSocket('udp4');
    const b = createSocket('udp4');
    let io: BatchedDatagrams | null = null;
    const done = (err?: Error): void => {
      io?.close();
      a.close();
      b.close();
      if (err === undefined) resolve();
      else reject(err);
    };
    a.unref();
    b.unref();
    a.on('error', done);
    b.on('error', done);
    const query = randomPayload(1200);
    const reply = randomPayload(700);
    b.on('message', (data) =>
      done(data.equals(reply) ? undefined : new Error('the reply sent differs')),
    );
    const received = (data: Buffer, host: string, port: number): void => {
      if (!data.equals(query) || host !== '127.0.0.1' || port !== b.address().port) {
        done(
          new Error(`the datagram received differs (${data.length} bytes from ${host}:${port})`),
        );
        return;
      }
      const sent = io?.sendto(reply, port, host);
      if (sent !== reply.length) done(new Error(`sendto() returned ${sent}`));
    };
    let bound = 0;
    const start = (): void => {
      if (++bound < 2) return;
      try {
        io = attachNow(a, AF_INET, { datagram: received, batchDone: () => {}, error: () => {} });
        if (io === null) throw new Error('could not attach to a bound socket');
        b.send(query, a.address().port, '127.0.0.1');
      } catch (err) {
        done(err as Error);
      }
    };
    a.bind(0, '127.0.0.1', start);
    b.bind(0, '127.0.0.1', start);
  });
}

/** The `batched_datagrams` accelerator (see the module comment). */
export const batchedDatagrams = new Accelerator({
  name: 'batched_datagrams',
  publicSwitch: 'POLYPORT_PUBLIC_DATAGRAMS',
  missing: () =>
    loadedAddon() === null ? 'the native addon is not built (npm run build:native)' : null,
  selfTest,
});

/**
 * Moves a bound `node:dgram` socket's receiving to batched I/O when the accelerator is usable
 * (at once, or when its self-test passes): Node's own receiving stops, and from then on
 * `listener` gets every datagram. Whether it is wanted is decided now (the switch is read now).
 * @param udp a bound socket (call from its 'listening' event).
 * @param family `AF_INET` or `AF_INET6` (the numbers `sendto` addresses are parsed for).
 * @param listener where datagrams, batch ends and receive errors go.
 * @param attached called with the attached I/O; never when the socket stays on node:dgram.
 * @example
 * udp.once('listening', () => attachBatchedDatagrams(udp, AF_INET, listener, (io) => { batch = io; }));
 */
export function attachBatchedDatagrams(
  udp: DgramSocket,
  family: number,
  listener: BatchListener,
  attached: (io: BatchedDatagrams) => void,
): void {
  batchedDatagrams.whenUsable(() => {
    let io: BatchedDatagrams | null;
    try {
      io = attachNow(udp, family, listener);
    } catch (err) {
      turnOff(err, 'attach');
      return;
    }
    if (io !== null) attached(io);
  });
}
