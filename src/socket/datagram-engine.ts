/**
 * A datagram socket: Node's `dgram.Socket` underneath, a bounded queue of received datagrams on
 * top, as the kernel keeps one per socket. Once bound, the socket receives (and sends to IP
 * literals) through batched I/O when that accelerator is usable (see node/batched-datagrams.ts).
 */
import type { Socket as DgramSocket, RemoteInfo } from 'node:dgram';
import type { SocketAddress } from './address.js';
import { toAddressTuple } from './address.js';
import type { SocketErrorContext } from './errors.js';
import { errnoError, type SocketError, toSocketError } from './errors.js';
import { ipFamily } from './inet.js';
import { attachBatchedDatagrams, type BatchedDatagrams } from './node/batched-datagrams.js';
import { READY_ERROR, READY_READ, READY_WRITE } from './readiness.js';

/** The default limit of queued received bytes (`SO_RCVBUF`). */
export const DEFAULT_DATAGRAM_BUFFER = 208 * 1024;

/** One received datagram. */
export interface Datagram {
  readonly data: Buffer;
  readonly from: SocketAddress;
}

/**
 * Received datagrams wait here until `recvfrom()`; past `receiveLimit` queued bytes new ones are
 * dropped, as a full kernel buffer drops them, so a flood cannot grow this process.
 */
export class DatagramEngine {
  readonly socket: DgramSocket;
  readonly #queue: Datagram[] = [];
  #head = 0;
  #queuedBytes = 0;
  receiveLimit = DEFAULT_DATAGRAM_BUFFER;
  /** Datagrams dropped because the queue was full. */
  dropped = 0;
  bound = false;
  connected: SocketAddress | null = null;
  error: SocketError | null = null;
  closed = false;
  readonly #family: number;
  readonly #notify: () => void;
  readonly #context: () => SocketErrorContext;
  /** The batched I/O, once bound (null on node:dgram's own path). */
  batched: BatchedDatagrams | null = null;

  constructor(
    socket: DgramSocket,
    family: number,
    notify: () => void,
    context: () => SocketErrorContext,
  ) {
    this.socket = socket;
    this.#family = family;
    this.#notify = notify;
    this.#context = context;
    socket.on('message', this.#onMessage);
    socket.on('error', (err: Error) => {
      this.error = toSocketError(err, { ...this.#context(), op: 'recvfrom' });
      this.#notify();
    });
  }

  /**
   * Moves receiving to batched I/O where this Node and machine can (node/batched-datagrams.ts).
   * For sockets bound by `bind()` (a server's), not those bound by `connect()` or a first send
   * (a client's): a client reads a few answers, and batching them would load the addon and run
   * its self-test first (some milliseconds of a one-shot command's start-up).
   */
  batchReceives(): void {
    const listener = {
      datagram: this.#enqueue,
      batchDone: this.#notify,
      error: (errno: number) => {
        this.error = errnoError(errno, { ...this.#context(), op: 'recvfrom' });
        this.#notify();
      },
    };
    attachBatchedDatagrams(this.socket, this.#family, listener, (io) => {
      // Attached once the self-test passed, maybe after this socket was closed.
      if (this.closed) io.close();
      else this.batched = io;
    });
  }

  #onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
    if (this.#enqueue(data, rinfo.address, rinfo.port)) this.#notify();
  };

  /** Queues a datagram, or drops it when the queue is full; true when queued. */
  #enqueue = (data: Buffer, host: string, port: number): boolean => {
    if (this.#queuedBytes + data.length > this.receiveLimit) {
      this.dropped++;
      return false;
    }
    this.#queue.push({ data, from: toAddressTuple(this.#family, host, port) });
    this.#queuedBytes += data.length;
    return true;
  };

  /** The next datagram without removing it, or undefined. */
  peek(): Datagram | undefined {
    return this.#queue[this.#head];
  }

  /** Removes and returns the next datagram, or undefined. */
  shift(): Datagram | undefined {
    const datagram = this.#queue[this.#head];
    if (datagram === undefined) return undefined;
    this.#head++;
    this.#queuedBytes -= datagram.data.length;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    return datagram;
  }

  /** Datagrams waiting. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Takes the pending error, if any. */
  takeError(): SocketError | null {
    const err = this.error;
    this.error = null;
    return err;
  }

  /** The readiness bits: datagram sockets can always send (a full buffer drops, as UDP does). */
  get readiness(): number {
    let bits = READY_WRITE;
    if (this.queued > 0) bits |= READY_READ;
    if (this.error !== null) bits |= READY_READ | READY_ERROR;
    return bits;
  }

  /**
   * Binds the socket to `host` (an IP literal, or `''` for the wildcard) and `port` in this
   * call, where Node has `dgram.Socket.bindSync()` (24 and later), which looks no name up.
   * Node's `bind()`, and the bind that `connect()` and a first `send()` make, load `cluster` and
   * with it `child_process` and `net` (some milliseconds of every `polyport dig`) for the handle
   * sharing of cluster workers, which a socket bound `exclusive` never does; `bindSync()` binds
   * the socket's own handle as that does.
   * @returns whether it bound: false for a name or on a Node without `bindSync()` (bind the
   *   asynchronous way).
   * @throws {SocketError} when the kernel refuses (`EADDRINUSE`, `EACCES`).
   */
  bindNow(host: string, port: number, context: SocketErrorContext): boolean {
    const socket = this.socket as DgramSocket & {
      bindSync?: (options: { address?: string | undefined; port: number }) => unknown;
    };
    if (typeof socket.bindSync !== 'function' || (host !== '' && ipFamily(host) === 0))
      return false;
    try {
      socket.bindSync({ address: host === '' ? undefined : host, port });
    } catch (err) {
      throw toSocketError(err, context);
    }
    this.bound = true;
    return true;
  }

  /** The bound address. */
  localAddress(): SocketAddress {
    const address = this.socket.address();
    return toAddressTuple(this.#family, address.address, address.port);
  }

  /** Closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Before Node closes the descriptor the batched I/O polls a duplicate of.
    this.batched?.close();
    try {
      this.socket.close();
    } catch {
      // already closed by Node
    }
  }
}
