/**
 * `SocketIO`: the calls of a `Socket` that move bytes: `recv` and `send` in all their forms,
 * `sendto`/`recvfrom` for datagrams, and `shutdown`. Each waiting call is its `…Nowait` call,
 * retried when the socket's readiness changes.
 */

import { describe, formatAddress, type ResolvedAddress, type SocketAddress } from './address.js';
import { type BytesLike, checkInto, checkSize, toBytes } from './arguments.js';
import {
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  MSG_DONTWAIT,
  MSG_PEEK,
  MSG_WAITALL,
  MSG_ZEROCOPY,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_REUSEPORT,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
} from './constants.js';
import { asBuffer, maxDatagram, sendTarget, truncate } from './datagram-bytes.js';
import { DatagramEngine } from './datagram-engine.js';
import {
  BlockingIOError,
  BrokenPipeError,
  SocketError,
  type SocketErrorContext,
  SocketTimeoutError,
  toSocketError,
} from './errors.js';
import { READY_READ, READY_WRITE } from './readiness.js';
import { RecvWaiter } from './recv-waiter.js';
import { closeUnadopted, reusePortDescriptor, reusePortPath } from './reuse-port.js';
import { SocketBase } from './socket-base.js';
import { optKey } from './socket-options.js';
import { StreamEngine } from './stream-engine.js';

/**
 * The byte-moving half of {@link Socket} (see there for the semantics); not used on its own.
 *
 * @example
 * const io: SocketIO = new Socket();
 * await io.sendall('ping');
 */
export class SocketIO extends SocketBase {
  /**
   * @internal Binds the datagram engine (also done by the first `sendto()`).
   * @param batch move receiving to batched I/O (see `DatagramEngine.batchReceives`): for
   *   `bind()`, not for the implicit bind of a first `sendto()`.
   */
  protected async bindDatagram(resolved: ResolvedAddress, batch = true): Promise<void> {
    const engine = this.datagramEngine();
    const context = { ...this.errorContext(), op: 'bind', addr: formatAddress(resolved) };
    const options = this.optionValues;
    // SO_REUSEPORT on a Node without the option: a descriptor the native addon bound.
    const fd =
      options.get(optKey(SOL_SOCKET, SO_REUSEPORT)) && reusePortPath() !== 'public'
        ? await reusePortDescriptor(
            this.family,
            SOCK_DGRAM,
            resolved,
            Boolean(options.get(optKey(IPPROTO_IPV6, IPV6_V6ONLY))),
            0,
            context,
          )
        : null;
    // In this call where Node can (bindNow()); else, or a name to look up, as bind() does it.
    if (fd !== null || !engine.bindNow(resolved.host, resolved.port, context)) {
      await SocketIO.#bindLater(engine, resolved, fd, context);
    }
    engine.bound = true;
    if (batch) engine.batchReceives();
    this.applyDatagramOptions(engine);
    const refused = this.applyKernelOptions();
    if (refused !== null) throw refused;
  }

  /** node:dgram's own bind, to `resolved` or onto descriptor `fd`; resolves once listening. */
  static #bindLater(
    engine: DatagramEngine,
    resolved: ResolvedAddress,
    fd: number | null,
    context: SocketErrorContext,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(toSocketError(err, context));
      };
      engine.socket.once('error', onError);
      const onListening = (): void => {
        engine.socket.off('error', onError);
        resolve();
      };
      if (fd === null) {
        engine.socket.bind(
          { address: resolved.host, port: resolved.port, exclusive: true },
          onListening,
        );
        return;
      }
      try {
        // Node opens its handle on the descriptor and listens at once (no lookup, no cluster).
        engine.socket.bind({ fd, exclusive: true }, onListening);
      } catch (err) {
        // Thrown before Node took the descriptor (not a UDP socket, a handle already open).
        engine.socket.off('error', onError);
        closeUnadopted(fd);
        reject(toSocketError(err, context));
      }
    });
  }

  // ---------------------------------------------------------------- receive

  /**
   * Receives up to `bufsize` bytes; an empty buffer means end of stream.
   * @param bufsize the most bytes to return.
   * @param flags `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @throws {BlockingIOError} when non-blocking and nothing is waiting.
   * @throws {SocketTimeoutError} when the timeout passes first.
   * @throws {ConnectionResetError} when the peer reset the connection.
   * @example const data = await sock.recv(4096);
   */
  recv(bufsize: number, flags = 0): Promise<Buffer> {
    // Not `async`: a recv() that finds data returns at once, and one that waits costs one
    // promise, settled by the readiness listener itself. This is the hottest call there is.
    try {
      checkSize(bufsize, 'recv');
      if (flags & MSG_WAITALL && this.type === SOCK_STREAM && bufsize > 0) {
        return SocketIO.#recvAll(this, bufsize, flags & ~MSG_WAITALL, this.deadline());
      }
      const data = this.recvNowait(bufsize, flags);
      if (data !== null) return Promise.resolve(data);
      if (this.timeoutValue === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.errorContext(), op: 'recv' });
      const waiter = SocketIO.#recvWaiter(this);
      if (!waiter.busy) return waiter.wait(bufsize, flags, this.deadline());
      return this.waitThen(READY_READ, 'recv', this.deadline(), () =>
        this.recvNowait(bufsize, flags),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  // Private helpers are static, given the socket: an instance private method would cost every
  // socket a field (V8's brand of the class), and a server holds thousands of sockets.
  /** The socket's receive waiter, made on the first wait (one closure per socket, not per call). */
  static #recvWaiter(self: SocketIO): RecvWaiter {
    const extras = self.more;
    extras.waiter ??= new RecvWaiter(
      self,
      (size, flags) => self.recvNowait(size, flags),
      () => new SocketTimeoutError({ ...self.errorContext(), op: 'recv' }),
    );
    return extras.waiter;
  }

  static async #recvAll(
    self: SocketIO,
    bufsize: number,
    flags: number,
    deadline: number | null,
  ): Promise<Buffer> {
    const peek = (flags & MSG_PEEK) !== 0;
    // Bytes are taken as they come, so a count larger than the receive limit (which pauses the
    // stream) still completes; they go back to the front if the call fails, so none is lost.
    const parts: Buffer[] = [];
    let got = 0;
    try {
      for (;;) {
        self.checkOpen('recv');
        const engine = self.engine;
        if (!(engine instanceof StreamEngine)) return await self.recv(bufsize, flags);
        const waiting = engine.received.length;
        if (!peek && waiting > 0) {
          const part = engine.received.take(bufsize - got);
          engine.consumed();
          parts.push(part);
          got += part.length;
        }
        const done = peek ? waiting >= bufsize : got >= bufsize;
        if (done || engine.eof || engine.error !== null || engine.readShut) {
          if (got > 0) return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
          return self.recvNowait(bufsize, flags) ?? Buffer.alloc(0);
        }
        if (self.timeoutValue === 0)
          throw new BlockingIOError({ ...self.errorContext(), op: 'recv' });
        // Wait for more than is here now: READY_READ alone is already true with a partial
        // count, and waiting on it would spin without ever yielding to I/O.
        const have = engine.received.length;
        await self.waitUntil(
          () =>
            self.isClosed ||
            engine.received.length > have ||
            engine.eof ||
            engine.error !== null ||
            engine.readShut,
          'recv',
          deadline,
        );
      }
    } catch (err) {
      const engine = self.engine;
      if (got > 0 && engine instanceof StreamEngine) {
        engine.unreceive(Buffer.concat(parts));
      }
      throw err;
    }
  }

  /**
   * Receives what is already here, without waiting.
   * @returns up to `bufsize` bytes, an empty buffer at end of stream, or `null` when nothing is
   *   waiting (where a non-blocking Python socket raises `BlockingIOError`).
   * @throws {SocketError} for a reset, a closed socket, or an unconnected stream socket.
   */
  recvNowait(bufsize: number, flags = 0): Buffer | null {
    this.checkOpen('recv');
    this.throwSoError();
    const engine = this.engine;
    if (engine instanceof StreamEngine) {
      if (engine.received.length > 0) {
        const data = engine.received.take(bufsize, (flags & MSG_PEEK) !== 0);
        engine.consumed();
        return data;
      }
      const err = engine.takeError();
      if (err !== null) throw err;
      if (engine.eof || engine.readShut) return Buffer.alloc(0);
      return null;
    }
    if (engine instanceof DatagramEngine) {
      const datagram = this.takeDatagram(engine, flags);
      return datagram === null ? null : truncate(datagram.data, bufsize);
    }
    if (this.type === SOCK_DGRAM || this.connecting !== null) return null;
    throw new SocketError('ENOTCONN', { ...this.errorContext(), op: 'recv' });
  }

  /**
   * Receives into `buffer`, as Python's `recv_into()`.
   * @param buffer where to put the bytes.
   * @param nbytes the most bytes to receive (0 or omitted: the buffer's length).
   * @returns the number of bytes received; 0 at end of stream.
   */
  async recvInto(buffer: Uint8Array, nbytes = 0, flags = 0): Promise<number> {
    const deadline = this.deadline();
    for (;;) {
      const count = this.recvIntoNowait(buffer, nbytes, flags);
      if (count !== null) return count;
      if (this.timeoutValue === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.errorContext(), op: 'recvInto' });
      await this.waitFor(READY_READ, 'recvInto', deadline);
    }
  }

  /**
   * Receives into `buffer` what is already here, without waiting. The bytes are copied and
   * nothing of them is kept, so on a stream the memory they arrived in can serve later reads
   * (a `recv()` hands out views of it instead, which the caller may keep).
   * @param buffer where to put the bytes.
   * @param nbytes the most bytes to receive (0 or omitted: the buffer's length).
   * @returns the number of bytes received, 0 at end of stream, or `null` when nothing is
   *   waiting (where a non-blocking Python socket raises `BlockingIOError`).
   * @throws {SocketError} as {@link recvNowait}.
   * @example const n = sock.recvIntoNowait(batch.subarray(filled));
   */
  recvIntoNowait(buffer: Uint8Array, nbytes = 0, flags = 0): number | null {
    const limit = checkInto(buffer, nbytes, 'recvInto');
    this.checkOpen('recvInto');
    const engine = this.engine;
    if (engine instanceof StreamEngine && engine.received.length > 0) {
      const count = engine.received.takeInto(buffer, limit, (flags & MSG_PEEK) !== 0);
      engine.consumed();
      return count;
    }
    // A datagram (cut to the limit, as recvfrom_into() without the address), end of stream,
    // or an error.
    const data = this.recvNowait(limit, flags);
    if (data === null) return null;
    buffer.set(data);
    return data.length;
  }

  /** @internal The next datagram (or the pending error); null when none is queued. */
  protected takeDatagram(
    engine: DatagramEngine,
    flags: number,
  ): { data: Buffer; from: SocketAddress } | null {
    const datagram = flags & MSG_PEEK ? engine.peek() : engine.shift();
    if (datagram !== undefined) return datagram;
    const err = engine.takeError();
    if (err !== null) throw err;
    return null;
  }

  // ---------------------------------------------------------------- send

  /**
   * Sends bytes; returns how many were taken (possibly fewer than given, as in Python).
   * The bytes are copied, so the caller may reuse its buffer at once, unless `options.owned`
   * hands the buffer over (see {@link SendOptions}).
   * @throws {BrokenPipeError} after `shutdown(SHUT_WR)` or when the peer is gone.
   * @throws {BlockingIOError} when non-blocking and the send buffer is full.
   * @example const sent = await sock.send(Buffer.from('ping'));
   */
  async send(data: BytesLike, flags = 0, options: SendOptions = {}): Promise<number> {
    const bytes = toBytes(data, 'send');
    const owned = isOwned(data, flags, options);
    const deadline = this.deadline();
    for (;;) {
      const sent = SocketIO.#sendBytes(this, bytes, owned);
      if (sent >= 0) return sent;
      if (this.timeoutValue === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.errorContext(), op: 'send' });
      await this.waitFor(READY_WRITE, 'send', deadline);
    }
  }

  /**
   * Sends every byte, waiting for room as needed; the timeout bounds the whole call.
   * @throws {SocketTimeoutError} when the timeout passes before all is sent.
   * @example await sock.sendall(bigBuffer);
   */
  sendall(data: BytesLike, flags = 0, options: SendOptions = {}): Promise<void> {
    // The common case, everything accepted at once, settles without an async function.
    try {
      const bytes = toBytes(data, 'sendall');
      const deadline = this.deadline();
      const owned = isOwned(data, flags, options);
      const sent = SocketIO.#sendBytes(this, bytes, owned);
      if (sent === bytes.length) return Promise.resolve();
      return SocketIO.#sendRest(this, sent > 0 ? bytes.subarray(sent) : bytes, owned, deadline);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  static async #sendRest(
    self: SocketIO,
    bytes: Uint8Array,
    owned: boolean,
    deadline: number | null,
  ): Promise<void> {
    while (bytes.length > 0) {
      if (self.timeoutValue === 0)
        throw new BlockingIOError({ ...self.errorContext(), op: 'sendall' });
      await self.waitFor(READY_WRITE, 'sendall', deadline);
      const sent = SocketIO.#sendBytes(self, bytes, owned);
      if (sent >= 0) bytes = bytes.subarray(sent);
    }
  }

  /**
   * Sends what fits now, without waiting.
   * @param data bytes, or a string sent as UTF-8.
   * @param flags as Python's (none changes how the bytes are sent).
   * @param options `owned` hands a buffer over instead of copying it (see {@link SendOptions}).
   * @returns the number of bytes taken, or -1 when the send buffer is full.
   * @throws {SocketError} for a closed, unconnected, shut down or reset socket.
   * @example const sent = sock.sendNowait(sock.recvNowait(65536) ?? '', 0, { owned: true });
   */
  sendNowait(data: BytesLike, flags = 0, options: SendOptions = {}): number {
    return SocketIO.#sendBytes(this, toBytes(data, 'send'), isOwned(data, flags, options));
  }

  /** `sendNowait()` for bytes already checked: the path every send takes. */
  static #sendBytes(self: SocketIO, bytes: Uint8Array, owned = false): number {
    self.checkOpen('send');
    self.throwSoError();
    const engine = self.engine;
    if (engine instanceof DatagramEngine) {
      if (engine.connected === null)
        throw new SocketError('EDESTADDRREQ', { ...self.errorContext(), op: 'send' });
      self.checkDatagramSize(bytes, 'send');
      engine.socket.send(Buffer.from(bytes), SocketIO.#sendDone(self));
      return bytes.length;
    }
    if (!(engine instanceof StreamEngine)) {
      if (self.connecting !== null) return -1;
      throw new SocketError(self.type === SOCK_DGRAM ? 'EDESTADDRREQ' : 'ENOTCONN', {
        ...self.errorContext(),
        op: 'send',
      });
    }
    const err = engine.takeError();
    if (err !== null) throw err;
    if (engine.writeShut || engine.destroyed)
      throw new BrokenPipeError('EPIPE', { ...self.errorContext(), op: 'send' });
    const room = engine.sendLimit - engine.queued;
    if (room <= 0) return bytes.length === 0 ? 0 : -1;
    // Take at least a useful chunk, so a nearly full buffer does not degrade to tiny sends.
    const count = Math.min(bytes.length, Math.max(room, 16 * 1024));
    // Node keeps what it is given until it is sent: copy what the caller still owns. A string
    // was encoded into a fresh buffer nobody else holds, and a MSG_ZEROCOPY buffer was handed
    // over, so those go as they are: for 64 KiB chunks the copy and the garbage it makes cost
    // about a third of a streaming server's CPU.
    const part = count === bytes.length ? bytes : bytes.subarray(0, count);
    engine.write(owned ? asBuffer(part) : Buffer.from(part));
    return count;
  }

  /** The callback of node:dgram's sends, made on the first (a stream socket never needs it). */
  static #sendDone(self: SocketIO): (err: Error | null) => void {
    return (self.more.onSendDone ??= (err) => {
      if (err !== null) self.sendFailed(err, 'send');
    });
  }

  /** @internal A datagram could not be sent: the error waits for the next call, as `SO_ERROR` does. */
  protected sendFailed(err: Error, op: string): void {
    if (this.isClosed) return;
    const engine = this.engine;
    if (!(engine instanceof DatagramEngine) || engine.error !== null) return;
    const addr = sendTarget(err);
    engine.error = toSocketError(err, {
      ...this.errorContext(),
      op,
      ...(addr !== undefined ? { addr } : {}),
    });
    this.notify();
  }

  /** @internal @throws {SocketError} `EMSGSIZE` for a datagram larger than UDP allows. */
  protected checkDatagramSize(bytes: Uint8Array, op: string): void {
    const max = maxDatagram(this.family);
    if (bytes.length > max) {
      throw new SocketError('EMSGSIZE', {
        ...this.errorContext(),
        op,
        detail: `message too long (${bytes.length} > ${max} bytes)`,
      });
    }
  }

  // ---------------------------------------------------------------- shutdown, close

  /**
   * Shuts down one or both directions: `SHUT_RD`, `SHUT_WR` (sends FIN; the peer reads end of
   * stream) or `SHUT_RDWR`.
   * @throws {RangeError} for another `how`; {SocketError} `ENOTCONN` when not connected.
   */
  shutdown(how: number): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw new RangeError(
        `shutdown(): how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got ${describe(how)}`,
      );
    }
    this.checkOpen('shutdown');
    const engine = this.engine;
    if (!(engine instanceof StreamEngine)) {
      throw new SocketError('ENOTCONN', { ...this.errorContext(), op: 'shutdown' });
    }
    if (how !== SHUT_WR) {
      engine.readShut = true;
      engine.received.clear();
      engine.consumed();
      engine.stream.resume();
    }
    if (how !== SHUT_RD && !engine.writeShut) {
      engine.writeShut = true;
      engine.stream.end();
    }
    this.notify();
  }
}

/**
 * How a send may treat the caller's bytes: a polyport extension beside Python's `flags`.
 * @example await sock.sendall(chunk, 0, { owned: true }); // chunk is never touched again
 */
export interface SendOptions {
  /**
   * The buffer is handed over: the socket keeps it, uncopied, until it is sent, so the caller
   * must not change those bytes afterwards. For a buffer fresh from `recv()` or
   * `Buffer.alloc()` that is sent and then dropped. (Strings are never copied twice anyway.)
   */
  readonly owned?: boolean;
}

/**
 * Whether send bytes are the socket's to keep: an encoded string, a buffer handed over, or (the
 * older spelling of `owned`, kept working) a send with `MSG_ZEROCOPY`.
 */
function isOwned(data: BytesLike, flags: number, options: SendOptions): boolean {
  return typeof data === 'string' || options.owned === true || (flags & MSG_ZEROCOPY) !== 0;
}
