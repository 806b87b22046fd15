/**
 * In-memory stream sockets: the `ChannelSocket` a dispatcher needs, without the network. Two of
 * them joined by {@link memorySocketPair} behave as the two ends of a TCP connection (with a
 * bounded send buffer, so backpressure can be tested); one alone talks to a fictional peer that
 * the test plays with `feed()`, `feedEof()`, `resetByPeer()` and `drain()`.
 */
import type { ChannelSocket } from '../dispatch/index.js';
import {
  AF_INET,
  BrokenPipeError,
  type BytesLike,
  ConnectionResetError,
  MSG_PEEK,
  READY_CLOSED,
  READY_ERROR,
  READY_HUP,
  READY_READ,
  READY_WRITE,
  type ReadinessListener,
  ReadinessListeners,
  type SendOptions,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_ERROR,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_STREAM,
  SOL_SOCKET,
  type SocketAddress,
  SocketError,
} from '../socket/index.js';

/** Options for {@link MemorySocket} and {@link memorySocketPair}. */
export interface MemorySocketOptions {
  /**
   * Bytes that may be sent and not yet read by the peer before `sendNowait()` reports a full
   * buffer (-1): the knob for backpressure tests. Default 64 KiB.
   */
  readonly sendBufferSize?: number;
  /** The family reported (default `AF_INET`); addresses are not checked against it. */
  readonly family?: number;
  /** What `getsockname()` returns (default `['127.0.0.1', <a fresh port>]`). */
  readonly localAddress?: SocketAddress;
  /** What `getpeername()` returns (default `['127.0.0.1', <a fresh port>]`). */
  readonly peerAddress?: SocketAddress;
}

let nextPort = 40000;
function freshAddress(): SocketAddress {
  nextPort = nextPort >= 65535 ? 40000 : nextPort + 1;
  return ['127.0.0.1', nextPort];
}

/**
 * One end of an in-memory stream connection, with Python's non-blocking semantics: `recvNowait`
 * returns what has arrived (`null` when nothing has, empty at end of stream), `sendNowait` the
 * bytes taken (-1 when the send buffer is full). Everything sent is captured for assertions.
 * Listeners are told of changes on a later turn of the event loop (`setImmediate`), as Node's
 * I/O callbacks would, so two channels echoing each other cannot starve the event loop.
 *
 * @example
 * const sock = new MemorySocket();
 * sock.feed('HELO x\r\n');          // as if the peer had sent it
 * sock.recvNowait(100);             // <Buffer 'HELO x\r\n'>
 * sock.sendNowait('250 ok\r\n');    // 8
 * sock.sentData().toString();       // '250 ok\r\n'
 */
export class MemorySocket implements ChannelSocket {
  /** The address family reported. */
  readonly family: number;
  /** Always `SOCK_STREAM`. */
  readonly type = SOCK_STREAM;
  /** See {@link MemorySocketOptions.sendBufferSize}; may be changed at any time. */
  sendBufferSize: number;
  #peer: MemorySocket | null = null;
  #local: SocketAddress;
  #remote: SocketAddress;
  #received: Buffer[] = [];
  #receivedLength = 0;
  #eof = false;
  #error: SocketError | null = null;
  #closed = false;
  #writeShut = false;
  #readShut = false;
  #peerGone = false;
  /** Peerless sockets: bytes sent that the fictional peer has not read (see `drain()`). */
  #unread = 0;
  #sent: Buffer[] = [];
  #blocking = true;
  readonly #options = new Map<string, number | Buffer>();
  readonly #listeners = new ReadinessListeners();
  #notifyPending = false;

  /**
   * @param options buffer size, family and addresses.
   * @throws {RangeError} for a send buffer size that is not a positive number.
   */
  constructor(options: MemorySocketOptions = {}) {
    const size = options.sendBufferSize ?? 64 * 1024;
    checkBufferSize(size);
    this.sendBufferSize = size;
    this.family = options.family ?? AF_INET;
    this.#local = options.localAddress ?? freshAddress();
    this.#remote = options.peerAddress ?? freshAddress();
  }

  /** @internal Joins two sockets; used by {@link memorySocketPair}. */
  static link(a: MemorySocket, b: MemorySocket): void {
    a.#peer = b;
    b.#peer = a;
    a.#remote = b.#local;
    b.#remote = a.#local;
  }

  /** The readiness bits, as a real socket's: READY_READ, READY_WRITE, READY_ERROR, … */
  get readiness(): number {
    if (this.#closed) return READY_CLOSED;
    let bits = 0;
    if (this.#receivedLength > 0 || this.#eof || this.#error !== null || this.#readShut)
      bits |= READY_READ;
    if (this.#error !== null) bits |= READY_ERROR | READY_WRITE;
    else if (!this.#writeShut && (this.#peerGone || this.#inFlight() < this.sendBufferSize))
      bits |= READY_WRITE;
    if (this.#eof && (this.#writeShut || this.#peerGone)) bits |= READY_HUP;
    return bits;
  }

  /**
   * Calls `listener` (on a later turn of the event loop) whenever readiness may have changed.
   * @param listener called with no arguments; it reads `readiness`.
   * @returns the function that stops watching.
   */
  watch(listener: ReadinessListener): () => void {
    return this.#listeners.add(listener);
  }

  /** Always -1: an in-memory socket has no file descriptor. */
  fileno(): number {
    return -1;
  }

  /**
   * Takes up to `bufsize` received bytes.
   * @param bufsize the most bytes to return.
   * @param flags `MSG_PEEK` leaves the bytes in place.
   * @returns the bytes, an empty buffer at end of stream, or `null` when nothing has arrived.
   * @throws {SocketError} `EBADF` when closed; `ECONNRESET` (once) after a reset.
   */
  recvNowait(bufsize: number, flags = 0): Buffer | null {
    this.#checkOpen('recv');
    if (!Number.isInteger(bufsize) || bufsize < 0) {
      throw new RangeError(`recv(): bufsize must be a non-negative integer, got ${bufsize}`);
    }
    if (this.#receivedLength > 0) return this.#take(bufsize, (flags & MSG_PEEK) !== 0);
    this.#throwError();
    if (this.#eof || this.#readShut) return Buffer.alloc(0);
    return null;
  }

  /**
   * Copies up to `nbytes` received bytes into `buffer`.
   * @param buffer where to put them.
   * @param nbytes the most bytes (0 or omitted: the buffer's length).
   * @param flags `MSG_PEEK` leaves the bytes in place.
   * @returns the count, 0 at end of stream, or `null` when nothing has arrived.
   * @throws {SocketError} as {@link recvNowait}.
   */
  recvIntoNowait(buffer: Uint8Array, nbytes = 0, flags = 0): number | null {
    const data = this.recvNowait(
      nbytes === 0 ? buffer.length : Math.min(nbytes, buffer.length),
      flags,
    );
    if (data === null) return null;
    buffer.set(data);
    return data.length;
  }

  /**
   * Sends what fits in the send buffer now.
   * @param data bytes, or a string sent as UTF-8.
   * @returns the bytes taken, or -1 when the buffer is full.
   * @throws {SocketError} `EBADF` when closed, `EPIPE` after `shutdown(SHUT_WR)` or once the
   *   peer has closed, `ECONNRESET` (once) after a reset.
   */
  sendNowait(data: BytesLike, flags = 0, options: SendOptions = {}): number {
    // Always copied, as by a socket that owns nothing: `owned` allows that.
    void flags;
    void options;
    this.#checkOpen('send');
    const bytes = toBuffer(data);
    this.#throwError();
    if (this.#writeShut || this.#peerGone) throw new BrokenPipeError('EPIPE', { op: 'send' });
    if (bytes.length === 0) return 0;
    const room = this.sendBufferSize - this.#inFlight();
    if (room <= 0) return -1;
    // Copy: the caller may reuse its buffer at once, as with a real socket.
    const chunk = Buffer.from(bytes.subarray(0, Math.min(bytes.length, room)));
    this.#sent.push(chunk);
    if (this.#peer !== null) this.#peer.#deliver(chunk);
    else this.#unread += chunk.length;
    return chunk.length;
  }

  /** Everything sent so far, in order (the capture a test asserts on). */
  sentData(): Buffer {
    if (this.#sent.length > 1) this.#sent = [Buffer.concat(this.#sent)];
    return this.#sent[0] ?? Buffer.alloc(0);
  }

  /** Forgets the captured output (what `sentData()` returns); the bytes still count as sent. */
  clearSent(): void {
    this.#sent = [];
  }

  /**
   * Bytes arrive as if sent by the peer. Ignored once this end is closed or its reading shut.
   * @param data bytes, or a string taken as UTF-8.
   */
  feed(data: BytesLike): void {
    this.#deliver(Buffer.from(toBuffer(data)));
  }

  /** The peer shuts down its sending (a FIN): once the bytes fed are read, `recv` gives EOF. */
  feedEof(): void {
    if (this.#closed) return;
    this.#eof = true;
    this.#notify();
  }

  /**
   * The peer resets the connection: unread bytes are dropped and the next `recv`/`send` throws
   * `ECONNRESET`, as with a TCP RST.
   */
  resetByPeer(): void {
    if (this.#closed) return;
    this.#received = [];
    this.#receivedLength = 0;
    this.#error = new ConnectionResetError('ECONNRESET', { op: 'read' });
    this.#notify();
  }

  /**
   * Peerless sockets: the fictional peer reads `count` sent bytes (default all), making room in
   * the send buffer.
   * @throws {RangeError} for a negative or fractional count.
   */
  drain(count = this.#unread): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`drain(): count must be a non-negative integer, got ${count}`);
    }
    this.#unread = Math.max(0, this.#unread - count);
    this.#notify();
  }

  /** Closes this end abortively (`SO_LINGER` 0): the peer's next call gets `ECONNRESET`. */
  abort(): void {
    const peer = this.#peer;
    this.close();
    peer?.resetByPeer();
  }

  /**
   * Shuts down reading (`SHUT_RD`), writing (`SHUT_WR`: the peer reads end of stream) or both.
   * @throws {RangeError} for another `how`; {SocketError} `EBADF` when closed.
   */
  shutdown(how: number): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw new RangeError(`shutdown(): how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got ${how}`);
    }
    this.#checkOpen('shutdown');
    if (how !== SHUT_WR) {
      this.#readShut = true;
      this.#received = [];
      this.#receivedLength = 0;
    }
    if (how !== SHUT_RD && !this.#writeShut) {
      this.#writeShut = true;
      this.#peer?.feedEof();
    }
    this.#notify();
  }

  /** Closes this end; the peer reads end of stream, and its sends fail with `EPIPE`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#received = [];
    this.#receivedLength = 0;
    const peer = this.#peer;
    if (peer !== null && !peer.#closed) {
      peer.#eof = true;
      peer.#peerGone = true;
      peer.#notify();
    }
    this.#notify();
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Our address. @throws {SocketError} `EBADF` when closed. */
  getsockname(): SocketAddress {
    this.#checkOpen('getsockname');
    return this.#local;
  }

  /** The peer's address. @throws {SocketError} `EBADF` when closed. */
  getpeername(): SocketAddress {
    this.#checkOpen('getpeername');
    return this.#remote;
  }

  /**
   * Reads an option: `SO_ERROR` returns and clears a pending error's errno, `SO_TYPE` the type,
   * `SO_SNDBUF` the send buffer size; others what was set, or 0.
   */
  getsockopt(level: number, optname: number, buflen?: number): number | Buffer {
    void buflen;
    this.#checkOpen('getsockopt');
    if (level === SOL_SOCKET && optname === SO_ERROR) {
      const err = this.#error;
      if (err === null) return 0;
      this.#error = null;
      this.#eof = true;
      return err.errno;
    }
    if (level === SOL_SOCKET && optname === SO_TYPE) return this.type;
    if (level === SOL_SOCKET && optname === SO_SNDBUF) return this.sendBufferSize;
    return this.#options.get(`${level}:${optname}`) ?? 0;
  }

  /** Stores an option; `SO_SNDBUF` sets the send buffer size. */
  setsockopt(level: number, optname: number, value: number | boolean | Uint8Array): void {
    this.#checkOpen('setsockopt');
    const stored = typeof value === 'boolean' ? Number(value) : value;
    if (level === SOL_SOCKET && optname === SO_SNDBUF && typeof stored === 'number') {
      checkBufferSize(stored);
      this.sendBufferSize = stored;
      this.#notify();
    }
    this.#options.set(
      `${level}:${optname}`,
      typeof stored === 'number' ? stored : Buffer.from(stored),
    );
  }

  /** Records the flag; in-memory calls never wait anyway. */
  setblocking(flag: boolean): void {
    this.#blocking = flag;
  }

  /** The flag given to `setblocking()` (true until then). */
  getblocking(): boolean {
    return this.#blocking;
  }

  /** @throws {SocketError} always `EISCONN`: an in-memory socket is born connected. */
  connect(address: SocketAddress): Promise<void> {
    void address;
    return Promise.reject(new SocketError('EISCONN', { op: 'connect' }));
  }

  /** @throws {SocketError} always `EINVAL`: an in-memory socket is born bound. */
  bind(address: SocketAddress): Promise<void> {
    void address;
    return Promise.reject(new SocketError('EINVAL', { op: 'bind', detail: 'already bound' }));
  }

  /** @throws {SocketError} always `EINVAL`: a connected socket cannot listen. */
  listen(backlog?: number): Promise<void> {
    void backlog;
    return Promise.reject(
      new SocketError('EINVAL', { op: 'listen', detail: 'socket is connected' }),
    );
  }

  /** @throws {SocketError} always `EINVAL`: a connected socket does not accept. */
  acceptNowait(): [ChannelSocket, SocketAddress] | null {
    throw new SocketError('EINVAL', { op: 'accept', detail: 'socket is not listening' });
  }

  /** `<MemorySocket 127.0.0.1:40001->127.0.0.1:40002>` */
  toString(): string {
    const state = this.#closed ? ' [closed]' : '';
    return `<MemorySocket ${format(this.#local)}->${format(this.#remote)}${state}>`;
  }

  #inFlight(): number {
    return this.#peer !== null ? this.#peer.#receivedLength : this.#unread;
  }

  #deliver(chunk: Buffer): void {
    if (this.#closed || this.#readShut || chunk.length === 0) return;
    this.#received.push(chunk);
    this.#receivedLength += chunk.length;
    this.#notify();
  }

  #take(bufsize: number, peek: boolean): Buffer {
    const all = this.#received.length === 1 ? this.#received[0]! : Buffer.concat(this.#received);
    const data = all.subarray(0, bufsize);
    if (peek || data.length === 0) {
      this.#received = [all];
      return data;
    }
    const rest = all.subarray(data.length);
    this.#received = rest.length > 0 ? [rest] : [];
    this.#receivedLength = rest.length;
    // The sender's buffer has room again.
    const peer = this.#peer;
    if (peer !== null) peer.#notify();
    return data;
  }

  #throwError(): void {
    const err = this.#error;
    if (err === null) return;
    this.#error = null;
    this.#eof = true;
    throw err;
  }

  #checkOpen(op: string): void {
    if (this.#closed)
      throw new SocketError('EBADF', { op, detail: 'bad file descriptor (socket is closed)' });
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

function toBuffer(data: BytesLike): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  if (data instanceof Uint8Array) return Buffer.isBuffer(data) ? data : Buffer.from(data);
  throw new TypeError(`expected bytes or a string, got ${typeof data}`);
}

function checkBufferSize(size: number): void {
  if (typeof size !== 'number' || Number.isNaN(size) || size <= 0) {
    throw new RangeError(`sendBufferSize must be a positive number, got ${String(size)}`);
  }
}

function format(address: SocketAddress): string {
  return typeof address === 'string' ? address : `${address[0]}:${address[1]}`;
}
