/**
 * An in-memory listening socket: a server dispatcher can accept in-memory connections from it,
 * so a whole server (listener and channels) can be tested without the network.
 */
import type { ChannelSocket } from '../dispatch/index.js';
import {
  AF_INET,
  READY_CLOSED,
  READY_READ,
  type ReadinessListener,
  ReadinessListeners,
  SO_TYPE,
  SOCK_STREAM,
  SOL_SOCKET,
  type SocketAddress,
  SocketError,
} from '../socket/index.js';
import type { MemorySocket, MemorySocketOptions } from './memory-socket.js';
import { memorySocketPair } from './memory-socket-pair.js';

/**
 * A listener whose connections come from `dial()`: each call makes an in-memory connection,
 * returns the client's end, and queues the server's end for `acceptNowait()`.
 *
 * @example
 * const listener = new MemoryListener();
 * const server = new MyServer(listener, map);   // a Dispatcher whose handleAccepted makes channels
 * const client = listener.dial();
 * client.sendNowait('hello\r\n');
 * await loop({ map, count: 3 });
 */
export class MemoryListener implements ChannelSocket {
  /** The address family reported. */
  readonly family: number;
  /** Always `SOCK_STREAM`. */
  readonly type = SOCK_STREAM;
  readonly #address: SocketAddress;
  readonly #queue: Array<[MemorySocket, SocketAddress]> = [];
  readonly #listeners = new ReadinessListeners();
  #closed = false;
  #notifyPending = false;

  /**
   * @param address what `getsockname()` returns (default `['127.0.0.1', 10007]`).
   * @param family the family reported (default `AF_INET`).
   */
  constructor(address: SocketAddress = ['127.0.0.1', 10007], family = AF_INET) {
    this.#address = address;
    this.family = family;
  }

  /**
   * Connects to this listener.
   * @param options for both ends (the server's end gets this listener's address).
   * @returns the client's end; the server's end waits for `acceptNowait()`.
   * @throws {SocketError} `ECONNREFUSED` once the listener is closed.
   */
  dial(options: Omit<MemorySocketOptions, 'peerAddress'> = {}): MemorySocket {
    if (this.#closed) throw new SocketError('ECONNREFUSED', { op: 'connect' });
    const [client, server] = memorySocketPair({ ...options, peerAddress: this.#address });
    this.#queue.push([server, client.getsockname()]);
    this.#notify();
    return client;
  }

  /** Connections waiting to be accepted. */
  get pending(): number {
    return this.#queue.length;
  }

  /** READY_READ while a connection waits; READY_CLOSED once closed. */
  get readiness(): number {
    if (this.#closed) return READY_CLOSED;
    return this.#queue.length > 0 ? READY_READ : 0;
  }

  /** @returns the function that stops watching. */
  watch(listener: ReadinessListener): () => void {
    return this.#listeners.add(listener);
  }

  /** Always -1: no file descriptor. */
  fileno(): number {
    return -1;
  }

  /**
   * Takes the next waiting connection.
   * @returns `[socket, peer address]`, or null when none waits.
   * @throws {SocketError} `EBADF` when closed.
   */
  acceptNowait(): [ChannelSocket, SocketAddress] | null {
    this.#checkOpen('accept');
    return this.#queue.shift() ?? null;
  }

  /** @throws {SocketError} `ENOTCONN`: a listener does not receive. */
  recvNowait(bufsize: number, flags?: number): Buffer | null {
    void bufsize;
    void flags;
    this.#checkOpen('recv');
    throw new SocketError('ENOTCONN', { op: 'recv' });
  }

  /** @throws {SocketError} `ENOTCONN`: a listener does not receive. */
  recvIntoNowait(buffer: Uint8Array, nbytes?: number, flags?: number): number | null {
    void buffer;
    this.recvNowait(nbytes ?? 0, flags);
    return null;
  }

  /** @throws {SocketError} `ENOTCONN`: a listener is not connected. */
  shutdown(how: number): void {
    void how;
    this.#checkOpen('shutdown');
    throw new SocketError('ENOTCONN', { op: 'shutdown' });
  }

  /** @throws {SocketError} `ENOTCONN`: a listener does not send. */
  sendNowait(data: Uint8Array | string, flags?: number): number {
    void data;
    void flags;
    this.#checkOpen('send');
    throw new SocketError('ENOTCONN', { op: 'send' });
  }

  /** `SO_TYPE` gives the type; every other option reads 0. */
  getsockopt(level: number, optname: number, buflen?: number): number | Buffer {
    void buflen;
    this.#checkOpen('getsockopt');
    return level === SOL_SOCKET && optname === SO_TYPE ? this.type : 0;
  }

  /** Accepted and ignored (`SO_REUSEADDR` and friends mean nothing in memory). */
  setsockopt(level: number, optname: number, value: number | boolean | Uint8Array): void {
    void level;
    void optname;
    void value;
    this.#checkOpen('setsockopt');
  }

  /** The listener's address. */
  getsockname(): SocketAddress {
    this.#checkOpen('getsockname');
    return this.#address;
  }

  /** @throws {SocketError} `ENOTCONN`: a listener has no peer. */
  getpeername(): SocketAddress {
    this.#checkOpen('getpeername');
    throw new SocketError('ENOTCONN', { op: 'getpeername' });
  }

  /** Resolves: the listener is bound from the start (the address is not checked). */
  bind(address: SocketAddress): Promise<void> {
    void address;
    return this.#closed ? Promise.reject(badFile('bind')) : Promise.resolve();
  }

  /** Resolves: the listener listens from the start. */
  listen(backlog?: number): Promise<void> {
    void backlog;
    return this.#closed ? Promise.reject(badFile('listen')) : Promise.resolve();
  }

  /** @throws {SocketError} `EINVAL`: a listener does not connect. */
  connect(address: SocketAddress): Promise<void> {
    void address;
    return Promise.reject(
      new SocketError('EINVAL', { op: 'connect', detail: 'socket is listening' }),
    );
  }

  /** Accepted and ignored. */
  setblocking(flag: boolean): void {
    void flag;
  }

  /** Closes the listener and every connection not yet accepted (their clients read EOF). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [sock] of this.#queue.splice(0)) sock.close();
    this.#notify();
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #checkOpen(op: string): void {
    if (this.#closed) throw badFile(op);
  }

  #notify(): void {
    if (this.#notifyPending) return;
    this.#notifyPending = true;
    setImmediate(() => {
      this.#notifyPending = false;
      this.#listeners.notify();
    });
  }
}

function badFile(op: string): SocketError {
  return new SocketError('EBADF', { op, detail: 'bad file descriptor (socket is closed)' });
}
