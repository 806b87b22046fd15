/**
 * `DatagramIO`: the calls of a `Socket` that carry addresses with the bytes: `recvfrom` and
 * `sendto` in all their forms (on a stream socket they fall back to `recv`/`send`).
 */
import { formatAddress, resolveAddress, type SocketAddress } from './address.js';
import { type BytesLike, checkInto, checkSize, toBytes } from './arguments.js';
import { AF_INET6, MSG_DONTWAIT, SOCK_STREAM } from './constants.js';
import { asBuffer, truncate } from './datagram-bytes.js';
import { DatagramEngine } from './datagram-engine.js';
import { BlockingIOError, errnoError, SocketError } from './errors.js';
import { READY_READ } from './readiness.js';
import { SocketIO } from './socket-io.js';

/**
 * The address-carrying half of {@link Socket} (see there for the semantics); not used on its own.
 *
 * @example
 * const io: DatagramIO = new Socket(AF_INET, SOCK_DGRAM);
 * await io.sendto('ping', ['127.0.0.1', 7]);
 */
export class DatagramIO extends SocketIO {
  /**
   * Receives a datagram (or stream data) with the sender's address.
   * @returns `[data, address]`; for a datagram longer than `bufsize` the rest is discarded, as UDP does.
   * @example const [data, [host, port]] = await udp.recvfrom(2048);
   */
  recvfrom(bufsize: number, flags = 0): Promise<[Buffer, SocketAddress]> {
    // Not `async`, as recv() is not: a datagram already queued costs one resolved promise, and
    // a wait one promise settled from the socket's readiness listener.
    try {
      checkSize(bufsize, 'recvfrom');
      if (this.type === SOCK_STREAM) return DatagramIO.#recvfromStream(this, bufsize, flags);
      const datagram = this.recvfromNowait(bufsize, flags);
      if (datagram !== null) return Promise.resolve(datagram);
      if (this.timeoutValue === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.errorContext(), op: 'recvfrom' });
      return this.waitThen(READY_READ, 'recvfrom', this.deadline(), () =>
        this.recvfromNowait(bufsize, flags),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  // Private helpers are static, given the socket: an instance private method would cost every
  // socket a field (V8's brand of the class), and a server holds thousands of sockets.
  static async #recvfromStream(
    self: DatagramIO,
    bufsize: number,
    flags: number,
  ): Promise<[Buffer, SocketAddress]> {
    const data = await self.recv(bufsize, flags);
    return [data, self.peerOrEmpty()];
  }

  /** `recvfrom()` without waiting: `null` when no datagram is waiting. */
  recvfromNowait(bufsize: number, flags = 0): [Buffer, SocketAddress] | null {
    this.checkOpen('recvfrom');
    const engine = this.engine;
    if (!(engine instanceof DatagramEngine)) {
      const data = this.recvNowait(bufsize, flags);
      return data === null ? null : [data, this.peerOrEmpty()];
    }
    const datagram = this.takeDatagram(engine, flags);
    return datagram === null ? null : [truncate(datagram.data, bufsize), datagram.from];
  }

  /**
   * Receives a datagram into `buffer`, as Python's `recvfrom_into()`.
   * @returns `[count, address]`.
   */
  async recvfromInto(buffer: Uint8Array, nbytes = 0, flags = 0): Promise<[number, SocketAddress]> {
    const limit = checkInto(buffer, nbytes, 'recvfromInto');
    if (this.type === SOCK_STREAM)
      return [await this.recvInto(buffer, limit, flags), this.peerOrEmpty()];
    const [data, from] = await this.recvfrom(limit, flags);
    buffer.set(data);
    return [data.length, from];
  }

  /**
   * Sends a datagram to `address`; on an unbound socket, binds to an ephemeral port first.
   * @returns the number of bytes sent.
   * @throws {SocketError} `EMSGSIZE` for a datagram larger than UDP allows.
   * @example await udp.sendto('ping', ['127.0.0.1', 8000]);
   */
  sendto(data: BytesLike, address: SocketAddress): Promise<number>;
  sendto(data: BytesLike, flags: number, address: SocketAddress): Promise<number>;
  sendto(
    data: BytesLike,
    flagsOrAddress: number | SocketAddress,
    maybeAddress?: SocketAddress,
  ): Promise<number> {
    // Not `async`: on a bound socket the datagram is handed to the kernel in this call, and
    // the answer is a resolved promise.
    try {
      const address = (
        typeof flagsOrAddress === 'number' ? maybeAddress : flagsOrAddress
      ) as SocketAddress;
      if (this.type === SOCK_STREAM) return this.send(data);
      this.checkOpen('sendto');
      const engine = this.datagramEngine();
      if (!engine.bound) return DatagramIO.#bindThenSendto(this, data, address);
      return Promise.resolve(this.sendtoNowait(data, address));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  static async #bindThenSendto(
    self: DatagramIO,
    data: BytesLike,
    address: SocketAddress,
  ): Promise<number> {
    await self.bindDatagram(
      resolveAddress(self.family, self.family === AF_INET6 ? ['::', 0] : ['0.0.0.0', 0], 'sendto'),
      false,
    );
    return self.sendtoNowait(data, address);
  }

  /** `sendto()` without waiting (Node binds an unbound socket in the background). */
  sendtoNowait(data: BytesLike, address: SocketAddress): number {
    this.checkOpen('sendto');
    // A string becomes a fresh buffer nobody else holds, so it need not be copied again.
    return DatagramIO.#sendtoBytes(
      this,
      toBytes(data, 'sendto'),
      address,
      typeof data === 'string',
    );
  }

  /**
   * `sendtoNowait()` for a buffer the caller hands over: it is sent without being copied, so
   * the caller must not change it afterwards (Node may still hold it, queued, after the call
   * returns). For servers that build each reply afresh (DNS, the small services); everyone else
   * should use `sendtoNowait()`, which copies.
   *
   * With `checkEvery` above 1, only one send in that many asks Node how it went; the others go
   * without a completion callback, which spares each a tick and a callback (about 0.5 µs, some
   * 5% of a DNS server's time per reply). Node reports nothing at all for a send without one,
   * not even through the socket's 'error' event, so a failure of an unchecked send is lost, as
   * the datagram is. A condition that persists (a firewall rule, no route, a refused broadcast)
   * still becomes the next call's error within `checkEvery` sends; a one-off failure may not.
   * The first send is always checked. A socket on batched I/O (node/batched-datagrams.ts) learns
   * how each send went as it is made, so there every failure is reported and `checkEvery`
   * only matters for sends handed on to node:dgram (a full send buffer, a name to look up).
   * @param data the datagram; it belongs to the socket from now on.
   * @param address where to send it.
   * @param checkEvery check one send in this many for failure (default 1: every one).
   * @returns the number of bytes sent.
   * @throws {TypeError} when `data` is not a `Uint8Array`.
   * @throws {RangeError} when `checkEvery` is not a positive integer.
   * @throws {SocketError} as `sendtoNowait()` does (`EMSGSIZE`, `EISCONN`, a pending error).
   * @example sock.sendtoOwnedNowait(encodeMessage(reply), from, 32);
   */
  sendtoOwnedNowait(data: Uint8Array, address: SocketAddress, checkEvery = 1): number {
    this.checkOpen('sendto');
    if (checkEvery !== 1 && !(Number.isInteger(checkEvery) && checkEvery >= 1)) {
      throw new RangeError(`sendtoOwnedNowait(): checkEvery must be a positive integer`);
    }
    const bytes = data instanceof Uint8Array ? data : toBytes(data, 'sendto');
    const unchecked = this.extras?.unchecked ?? 0;
    const check = checkEvery === 1 || unchecked <= 0;
    const sent = DatagramIO.#sendtoBytes(this, bytes, address, true, check);
    // Counted after the send, so a call that throws does not use up the checked turn.
    if (checkEvery > 1) this.more.unchecked = check ? checkEvery - 1 : unchecked - 1;
    return sent;
  }

  static #sendtoBytes(
    self: DatagramIO,
    bytes: Uint8Array,
    address: SocketAddress,
    owned: boolean,
    check = true,
  ): number {
    const resolved = resolveAddress(self.family, address, 'sendto');
    if (self.type === SOCK_STREAM) return self.sendNowait(bytes);
    const engine = self.datagramEngine();
    const err = engine.takeError();
    if (err !== null) throw err;
    if (engine.connected !== null)
      throw new SocketError('EISCONN', { ...self.errorContext(), op: 'sendto' });
    self.checkDatagramSize(bytes, 'sendto');
    // Node keeps the buffer until the datagram is out (it may queue it), hence the copy of
    // bytes the caller still owns. One callback per socket, not a closure per datagram.
    if (engine.batched !== null) {
      // One sendto(2), and the kernel has copied the bytes when it returns, so even the
      // caller's own buffer goes uncopied. null: node:dgram sends it (below) and may queue it.
      const sent = engine.batched.sendto(bytes, resolved.port, resolved.host);
      if (sent !== null) {
        if (sent < 0) DatagramIO.#batchedSendFailed(self, -sent, resolved.host, resolved.port);
        return bytes.length;
      }
    }
    const buffer = owned ? asBuffer(bytes) : Buffer.from(bytes);
    if (check)
      engine.socket.send(buffer, resolved.port, resolved.host, DatagramIO.#sendtoDone(self));
    else engine.socket.send(buffer, resolved.port, resolved.host);
    engine.bound = true;
    return bytes.length;
  }

  /** A batched send failed: the error waits for the next call, as node:dgram's would. */
  static #batchedSendFailed(self: DatagramIO, errno: number, host: string, port: number): void {
    const addr = formatAddress([host, port]);
    self.sendFailed(errnoError(errno, { ...self.errorContext(), op: 'sendto', addr }), 'sendto');
  }

  /** The callback of node:dgram's sends, made on the first (a stream socket never needs it). */
  static #sendtoDone(self: DatagramIO): (err: Error | null) => void {
    return (self.more.onSendtoDone ??= (err) => {
      if (err !== null) self.sendFailed(err, 'sendto');
    });
  }
}
