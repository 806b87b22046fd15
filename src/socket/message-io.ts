/**
 * `MessageIO`: Python's `sendmsg()`, `recvmsg()` and `recvmsg_into()` on a `Socket`: data with
 * ancillary items (`[level, type, bytes]`, such as `SCM_RIGHTS` descriptors) and the message
 * flags. Ancillary data needs a socket on a descriptor of its own (AF_UNIX datagram and
 * seqpacket, raw and ICMP sockets, `socketpair()` of those); the others send and receive
 * their data alone, and refuse ancillary items.
 */
import type { SocketAddress } from './address.js';
import { type AncillaryItem, decodeAncillary, encodeAncillary } from './ancillary.js';
import { checkInto, checkSize, toBytes } from './arguments.js';
import { MSG_DONTWAIT } from './constants.js';
import { DescriptorIO } from './descriptor-io.js';
import { BlockingIOError, SocketError } from './errors.js';
import { adoptDescriptor, type FdEngine } from './fd-engine.js';
import { READY_READ } from './readiness.js';

/** What `recvmsg()` returns: `[data, ancdata, msg_flags, address]`, as Python's tuple. */
export type ReceivedMessageTuple = [
  data: Buffer,
  ancdata: Array<[number, number, Buffer]>,
  flags: number,
  address: SocketAddress,
];

/**
 * The message half of {@link Socket} (see there for the semantics); not used on its own.
 *
 * @example
 * const [a, b] = await socketpair(AF_UNIX, SOCK_DGRAM);
 * await a.sendmsg([Buffer.from('fd')], [[SOL_SOCKET, SCM_RIGHTS, fdsToBytes([fd])]]);
 * const [data, ancdata] = await b.recvmsg(16, CMSG_SPACE(4));
 */
export class MessageIO extends DescriptorIO {
  /**
   * Sends `buffers` as one message, with ancillary data, as Python's `sendmsg()`.
   * @param buffers the data, gathered in order.
   * @param ancdata `[level, type, bytes]` items (`[SOL_SOCKET, SCM_RIGHTS, fdsToBytes(fds)]`).
   * @param flags `MSG_*` flags.
   * @param address the destination, for an unconnected datagram socket.
   * @returns the number of bytes sent.
   * @throws {SocketError} `EOPNOTSUPP` for ancillary data on a socket Node carries; the
   *   kernel's errors (`EMSGSIZE`, `EPIPE` as `BrokenPipeError`, …).
   * @example await sock.sendmsg([head, body], [], 0, ['127.0.0.1', 9]);
   */
  async sendmsg(
    buffers: Iterable<Uint8Array | string>,
    ancdata: Iterable<AncillaryItem> = [],
    flags = 0,
    address?: SocketAddress,
  ): Promise<number> {
    const [data, control] = MessageIO.#message(buffers, ancdata);
    const engine = this.fdEngine;
    if (engine === null) {
      MessageIO.#refuseAncillary(this, control, 'sendmsg');
      return address === undefined ? this.send(data, flags) : this.sendto(data, flags, address);
    }
    const to = address === undefined ? null : await this.sockaddrOf(address, 'sendmsg');
    return this.sendDescriptorWaiting(engine, data, control, flags, to, 'sendmsg');
  }

  /**
   * `sendmsg()` without waiting, to an IP address (a host name would need a lookup): for a
   * server answering datagrams in its loop (a reply that names its source address with
   * `IP_PKTINFO`).
   * @returns the number of bytes sent.
   * @throws {BlockingIOError} when the send buffer is full (a datagram is then not sent).
   * @throws {TypeError} when `address` names a host rather than an IP address.
   * @throws {SocketError} as {@link sendmsg}.
   * @example sock.sendmsgNowait([reply], [[IPPROTO_IP, IP_PKTINFO, source]], 0, from);
   */
  sendmsgNowait(
    buffers: Iterable<Uint8Array | string>,
    ancdata: Iterable<AncillaryItem> = [],
    flags = 0,
    address?: SocketAddress,
  ): number {
    const [data, control] = MessageIO.#message(buffers, ancdata);
    const engine = this.fdEngine;
    if (engine === null) {
      MessageIO.#refuseAncillary(this, control, 'sendmsg');
      return address === undefined
        ? this.sendNowait(data, flags)
        : this.sendtoNowait(data, address);
    }
    const to = address === undefined ? null : this.sockaddrNow(address, 'sendmsg');
    const sent = this.sendDescriptor(engine, data, control, flags, to, 'sendmsg');
    if (sent < 0) throw new BlockingIOError({ ...this.errorContext(), op: 'sendmsg' });
    return sent;
  }

  /** A message's data gathered into one buffer, and its ancillary items encoded (null: none). */
  static #message(
    buffers: Iterable<Uint8Array | string>,
    ancdata: Iterable<AncillaryItem>,
  ): [Uint8Array, Buffer | null] {
    const parts = [...buffers].map((part) => toBytes(part, 'sendmsg'));
    const data = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    const control = encodeAncillary(ancdata);
    return [data, control.length > 0 ? control : null];
  }

  /**
   * Receives one message with its ancillary data, as Python's `recvmsg()`.
   * @param bufsize the most data bytes to return (a longer datagram sets `MSG_TRUNC`).
   * @param ancbufsize room for ancillary data: sum `CMSG_SPACE()` of what may come (0: none;
   *   descriptors that do not fit are closed by the kernel and `MSG_CTRUNC` is set).
   * @param flags `MSG_PEEK`, `MSG_DONTWAIT`, `MSG_ERRQUEUE`, …
   * @returns `[data, ancdata, msg_flags, address]`.
   * @throws {BlockingIOError} when non-blocking and nothing waits; {SocketTimeoutError}.
   * @example const [data, ancdata, flags, address] = await sock.recvmsg(1024, CMSG_SPACE(4));
   */
  recvmsg(bufsize: number, ancbufsize = 0, flags = 0): Promise<ReceivedMessageTuple> {
    try {
      checkSize(bufsize, 'recvmsg');
      checkSize(ancbufsize, 'recvmsg');
      const engine = this.fdEngine;
      if (engine === null) return MessageIO.#recvmsgNode(this, bufsize, flags);
      const message = this.recvmsgNowait(bufsize, ancbufsize, flags);
      if (message !== null) return Promise.resolve(message);
      if (this.timeoutValue === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.errorContext(), op: 'recvmsg' });
      return this.waitThen(READY_READ, 'recvmsg', this.deadline(), () =>
        this.recvmsgNowait(bufsize, ancbufsize, flags),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * `recvmsg()` without waiting: null when nothing waits.
   * @throws {SocketError} as {@link recvmsg}.
   */
  recvmsgNowait(bufsize: number, ancbufsize = 0, flags = 0): ReceivedMessageTuple | null {
    const engine = this.fdEngine;
    if (engine === null) {
      const got = this.recvfromNowait(bufsize, flags);
      return got === null ? null : [got[0], [], 0, got[1]];
    }
    this.checkOpen('recvmsg');
    return MessageIO.#take(engine, bufsize, ancbufsize, flags);
  }

  // Private helpers are static, given the socket: an instance private method would cost every
  // socket a field (V8's brand of the class), and a server holds thousands of sockets.
  static #take(
    engine: FdEngine,
    bufsize: number,
    ancbufsize: number,
    flags: number,
  ): ReceivedMessageTuple | null {
    const message = engine.recvmsg(bufsize, ancbufsize, flags & ~MSG_DONTWAIT);
    if (message === null) return null;
    return [message.data, decodeAncillary(message.control), message.flags, message.address];
  }

  static async #recvmsgNode(
    self: MessageIO,
    bufsize: number,
    flags: number,
  ): Promise<ReceivedMessageTuple> {
    const [data, address] = await self.recvfrom(bufsize, flags);
    return [data, [], 0, address];
  }

  /**
   * Receives one message into `buffers` (filled in order), as Python's `recvmsg_into()`.
   * @returns `[nbytes, ancdata, msg_flags, address]`.
   * @example const [n, ancdata] = await sock.recvmsgInto([header, body], CMSG_SPACE(4));
   */
  async recvmsgInto(
    buffers: Iterable<Uint8Array>,
    ancbufsize = 0,
    flags = 0,
  ): Promise<[number, Array<[number, number, Buffer]>, number, SocketAddress]> {
    const targets = [...buffers];
    let room = 0;
    for (const target of targets) room += checkInto(target, 0, 'recvmsgInto');
    const [data, ancdata, msgFlags, address] = await this.recvmsg(room, ancbufsize, flags);
    let offset = 0;
    for (const target of targets) {
      if (offset >= data.length) break;
      const part = data.subarray(offset, offset + target.length);
      target.set(part);
      offset += part.length;
    }
    return [data.length, ancdata, msgFlags, address];
  }

  static #refuseAncillary(self: MessageIO, control: Buffer | null, op: string): void {
    if (control === null) return;
    throw new SocketError('EOPNOTSUPP', {
      ...self.errorContext(),
      op,
      detail:
        'ancillary data needs a socket on its own descriptor (AF_UNIX SOCK_DGRAM or SOCK_SEQPACKET, socketpair(), SOCK_RAW)',
    });
  }

  /**
   * A new socket on a duplicate of this one's descriptor, as Python's `dup()` (descriptor
   * sockets only: Node keeps its own descriptors).
   * @throws {SocketError} `EOPNOTSUPP` on a socket Node carries.
   * @example const copy = sock.dup();
   */
  dup(): this {
    this.checkOpen('dup');
    const engine = MessageIO.#requireDescriptor(this, 'dup');
    const Class = this.constructor as new (
      family: number,
      type: number,
      proto: number,
      fileno: unknown,
    ) => this;
    return new Class(this.family, this.type, this.proto, adoptDescriptor(engine.dup()));
  }

  /**
   * Gives up the descriptor without closing it, as Python's `detach()`: the socket is closed,
   * the descriptor is the caller's (descriptor sockets only).
   * @returns the descriptor.
   * @example const fd = sock.detach();
   */
  detach(): number {
    this.checkOpen('detach');
    const fd = MessageIO.#requireDescriptor(this, 'detach').detach();
    this.close();
    return fd;
  }

  static #requireDescriptor(self: MessageIO, op: string): FdEngine {
    const engine = self.fdEngine;
    if (engine !== null) return engine;
    throw new SocketError('EOPNOTSUPP', {
      ...self.errorContext(),
      op,
      detail: `${op}() works on sockets on their own descriptor; Node keeps self one's`,
    });
  }
}
