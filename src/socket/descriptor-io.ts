/**
 * `DescriptorIO`: the calls of a `Socket` for the kinds Node cannot open (AF_UNIX datagram and
 * seqpacket, raw IP, ICMP datagram sockets), which live on a descriptor of their own
 * ({@link FdEngine}). Each call here takes that path when the socket has such an engine and
 * otherwise is the Node-backed call it overrides, unchanged.
 */
import {
  describe,
  formatAddress,
  type ResolvedAddress,
  resolveAddress,
  type SocketAddress,
} from './address.js';
import { type BytesLike, checkSize, toBytes } from './arguments.js';
import {
  AF_INET6,
  AF_UNIX,
  IPPROTO_IP,
  IPPROTO_IPV6,
  MSG_DONTWAIT,
  SO_ERROR,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
} from './constants.js';
import { DatagramIO } from './datagram-io.js';
import { BlockingIOError, errnoError, SocketError, type SocketErrorContext } from './errors.js';
import { adoptDescriptor, FdEngine } from './fd-engine.js';
import { ipFamily } from './inet.js';
import { loadBuiltin } from './load-builtin.js';
import {
  IP_PKTINFO,
  IP_RECVERR,
  IP_RECVTTL,
  IPV6_RECVERR,
  IPV6_RECVHOPLIMIT,
  IPV6_RECVPKTINFO,
} from './native-constants.js';
import { fromResolverError } from './netdb-backend.js';
import { fdSocketAddon } from './node/fd-socket.js';
import { READY_WRITE } from './readiness.js';
import { encodeSockaddr } from './sockaddr.js';
import type { SendOptions } from './socket-io.js';
import { checkSocketKind } from './socket-kind.js';
import { optKey } from './socket-options.js';

/**
 * Options only a descriptor of our own can carry on a UDP socket (node:dgram has no
 * `recvmsg()`): setting one before the socket is bound moves it onto a descriptor.
 */
const DESCRIPTOR_UDP_OPTIONS = new Set([
  `${IPPROTO_IP}:${IP_PKTINFO}`,
  `${IPPROTO_IP}:${IP_RECVERR}`,
  `${IPPROTO_IP}:${IP_RECVTTL}`,
  `${IPPROTO_IPV6}:${IPV6_RECVPKTINFO}`,
  `${IPPROTO_IPV6}:${IPV6_RECVHOPLIMIT}`,
  `${IPPROTO_IPV6}:${IPV6_RECVERR}`,
]);

/** Go-style network names of the descriptor kinds, for messages. */
function descriptorNetwork(family: number, type: number, proto: number): string {
  if (family === AF_UNIX) return type === 5 ? 'unixpacket' : 'unixgram';
  const ip = family === AF_INET6 ? 'ip6' : 'ip4';
  return type === 3 ? `${ip}:${proto}` : `${ip}:icmp`;
}

/** The flow information and scope of an AF_INET6 tuple (0 when left out). */
function flowAndScope(address: SocketAddress): [number, number] {
  if (typeof address === 'string' || address.length < 4) return [0, 0];
  const [, , flowinfo, scopeId] = address as readonly [string, number, number, number];
  return [flowinfo, scopeId];
}

/**
 * The descriptor half of {@link Socket} (see there for the semantics); not used on its own.
 *
 * @example
 * const sock = new Socket(AF_UNIX, SOCK_DGRAM);
 * await sock.bind('\0polyport-demo');
 */
export class DescriptorIO extends DatagramIO {
  /** @internal The engine when the socket lives on a descriptor of its own. */
  protected get fdEngine(): FdEngine | null {
    const engine = this.engine;
    return engine instanceof FdEngine ? engine : null;
  }

  /** @internal The `struct sockaddr` of `address`, with a host name looked up first. */
  protected async sockaddrOf(address: SocketAddress, op: string): Promise<Buffer> {
    const resolved = await DescriptorIO.#literal(this, resolveAddress(this.family, address, op));
    return encodeSockaddr(this.family, resolved, ...flowAndScope(address));
  }

  /** @internal As {@link sockaddrOf}, for a literal host only (the calls that never wait). */
  protected sockaddrNow(address: SocketAddress, op: string): Buffer {
    const resolved = resolveAddress(this.family, address, op);
    if (this.family !== AF_UNIX && ipFamily(resolved.host) === 0) {
      throw new TypeError(
        `${op}(): host must be an IP address here, got ${describe(resolved.host)}`,
      );
    }
    return encodeSockaddr(this.family, resolved, ...flowAndScope(address));
  }

  // Private helpers are static, given the socket: an instance private method would cost every
  // socket a field (V8's brand of the class), and a server holds thousands of sockets.
  static async #literal(self: DescriptorIO, resolved: ResolvedAddress): Promise<ResolvedAddress> {
    if (self.family === AF_UNIX || ipFamily(resolved.host) !== 0) return resolved;
    try {
      // Loaded by the first name to resolve (see load-builtin.ts).
      const { lookup } = loadBuiltin('node:dns/promises');
      const found = await lookup(resolved.host, { family: self.family === AF_INET6 ? 6 : 4 });
      return { host: found.address, port: resolved.port };
    } catch (err) {
      throw fromResolverError(err, 'getaddrinfo', resolved.host);
    }
  }

  // ---------------------------------------------------------------- bind, connect, accept

  /** @internal `bind()` of a descriptor socket. */
  protected async bindDescriptor(engine: FdEngine, address: SocketAddress): Promise<void> {
    const resolved = await DescriptorIO.#literal(
      this,
      resolveAddress(this.family, address, 'bind'),
    );
    engine.bind(resolved, ...flowAndScope(address));
  }

  /** @internal `connect()` of a descriptor socket: waits for a stream-like connect under way. */
  protected async connectDescriptor(engine: FdEngine, address: SocketAddress): Promise<void> {
    const resolved = await DescriptorIO.#literal(
      this,
      resolveAddress(this.family, address, 'connect'),
    );
    if (engine.connect(resolved, ...flowAndScope(address))) return;
    const context = { ...this.errorContext(), op: 'connect', addr: formatAddress(resolved) };
    if (this.timeoutValue === 0) throw new BlockingIOError(context, 'EINPROGRESS');
    await this.waitFor(READY_WRITE, 'connect', this.deadline());
    const errno = engine.getsockopt(SOL_SOCKET, SO_ERROR, 4).readInt32LE(0);
    if (errno !== 0) throw errnoError(errno, context);
  }

  /** @internal `listen()` of a descriptor socket. */
  protected listenDescriptor(engine: FdEngine, backlog: number): void {
    engine.listen(backlog);
    this.notify();
  }

  /** @internal `acceptNowait()` of a descriptor socket: the connection as a socket of our class. */
  protected acceptDescriptor(engine: FdEngine): [this, SocketAddress] | null {
    const accepted = engine.accept();
    if (accepted === null) return null;
    const [fd, address] = accepted;
    const Class = this.constructor as new (
      family: number,
      type: number,
      proto: number,
      fileno: ReturnType<typeof adoptDescriptor>,
    ) => this;
    return [new Class(this.family, this.type, this.proto, adoptDescriptor(fd)), address];
  }

  // ---------------------------------------------------------------- receive

  override recvNowait(bufsize: number, flags = 0): Buffer | null {
    const engine = this.fdEngine;
    if (engine === null) return super.recvNowait(bufsize, flags);
    this.checkOpen('recv');
    checkSize(bufsize, 'recv');
    return engine.recvmsg(bufsize, 0, flags & ~MSG_DONTWAIT, 'recv')?.data ?? null;
  }

  override recvfromNowait(bufsize: number, flags = 0): [Buffer, SocketAddress] | null {
    const engine = this.fdEngine;
    if (engine === null) return super.recvfromNowait(bufsize, flags);
    this.checkOpen('recvfrom');
    checkSize(bufsize, 'recvfrom');
    const message = engine.recvmsg(bufsize, 0, flags & ~MSG_DONTWAIT, 'recvfrom');
    return message === null ? null : [message.data, message.address];
  }

  // ---------------------------------------------------------------- send

  /** @internal Sends one message now: the bytes sent, or -1 when it would block. */
  protected sendDescriptor(
    engine: FdEngine,
    data: Uint8Array,
    control: Uint8Array | null,
    flags: number,
    to: Uint8Array | null,
    op: string,
  ): number {
    this.checkOpen(op);
    return engine.sendmsg(data, control, flags & ~MSG_DONTWAIT, to, op);
  }

  /** @internal Sends one message, waiting for room as the timeout allows. */
  protected async sendDescriptorWaiting(
    engine: FdEngine,
    data: Uint8Array,
    control: Uint8Array | null,
    flags: number,
    to: Uint8Array | null,
    op: string,
  ): Promise<number> {
    const deadline = this.deadline();
    for (;;) {
      const sent = this.sendDescriptor(engine, data, control, flags, to, op);
      if (sent >= 0) return sent;
      if (this.timeoutValue === 0 || flags & MSG_DONTWAIT)
        throw new BlockingIOError({ ...this.errorContext(), op });
      await this.waitFor(READY_WRITE, op, deadline);
    }
  }

  override send(data: BytesLike, flags = 0, options: SendOptions = {}): Promise<number> {
    const engine = this.fdEngine;
    if (engine === null) return super.send(data, flags, options);
    try {
      return this.sendDescriptorWaiting(engine, toBytes(data, 'send'), null, flags, null, 'send');
    } catch (err) {
      return Promise.reject(err);
    }
  }

  override async sendall(data: BytesLike, flags = 0, options: SendOptions = {}): Promise<void> {
    const engine = this.fdEngine;
    if (engine === null) return super.sendall(data, flags, options);
    const bytes = toBytes(data, 'sendall');
    // The message kinds keep boundaries: one message, sent whole or not at all. A stream (an
    // adopted TCP descriptor) may take part of it: send the rest, as Python's sendall() does.
    let sent = 0;
    do {
      sent += await this.sendDescriptorWaiting(
        engine,
        sent === 0 ? bytes : bytes.subarray(sent),
        null,
        flags,
        null,
        'sendall',
      );
    } while (this.type === SOCK_STREAM && sent < bytes.length);
  }

  override sendNowait(data: BytesLike, flags = 0, options: SendOptions = {}): number {
    const engine = this.fdEngine;
    if (engine === null) return super.sendNowait(data, flags, options);
    return this.sendDescriptor(engine, toBytes(data, 'send'), null, flags, null, 'send');
  }

  override sendto(data: BytesLike, address: SocketAddress): Promise<number>;
  override sendto(data: BytesLike, flags: number, address: SocketAddress): Promise<number>;
  override sendto(
    data: BytesLike,
    flagsOrAddress: number | SocketAddress,
    maybeAddress?: SocketAddress,
  ): Promise<number> {
    const engine = this.fdEngine;
    if (engine === null)
      return typeof flagsOrAddress === 'number'
        ? super.sendto(data, flagsOrAddress, maybeAddress as SocketAddress)
        : super.sendto(data, flagsOrAddress);
    const flags = typeof flagsOrAddress === 'number' ? flagsOrAddress : 0;
    const address = (
      typeof flagsOrAddress === 'number' ? maybeAddress : flagsOrAddress
    ) as SocketAddress;
    return (async () => {
      const bytes = toBytes(data, 'sendto');
      const to = await this.sockaddrOf(address, 'sendto');
      return this.sendDescriptorWaiting(engine, bytes, null, flags, to, 'sendto');
    })();
  }

  override sendtoNowait(data: BytesLike, address: SocketAddress): number {
    const engine = this.fdEngine;
    if (engine === null) return super.sendtoNowait(data, address);
    const to = this.sockaddrNow(address, 'sendto');
    return this.sendDescriptor(engine, toBytes(data, 'sendto'), null, 0, to, 'sendto');
  }

  override sendtoOwnedNowait(data: Uint8Array, address: SocketAddress, checkEvery = 1): number {
    if (this.fdEngine === null) return super.sendtoOwnedNowait(data, address, checkEvery);
    // The kernel has copied the bytes when sendmsg(2) returns: owning changes nothing here.
    return this.sendtoNowait(data, address);
  }

  // ---------------------------------------------------------------- state and options

  override shutdown(how: number): void {
    const engine = this.fdEngine;
    if (engine === null) {
      super.shutdown(how);
      return;
    }
    this.checkOpen('shutdown');
    engine.shutdown(how);
    this.notify();
  }

  override getpeername(): SocketAddress {
    const engine = this.fdEngine;
    if (engine === null) return super.getpeername();
    this.checkOpen('getpeername');
    const peer = engine.remoteAddress();
    if (peer === null) throw errnoError(107, { ...this.errorContext(), op: 'getpeername' });
    return peer;
  }

  /**
   * Sets an option. On a descriptor socket every option is the kernel's, by level and number,
   * with an integer (a C int) or bytes as the value; on the others, see the Node-backed call.
   * @example raw.setsockopt(IPPROTO_IP, IP_HDRINCL, 1);
   */
  override setsockopt(level: number, optname: number, value: number | boolean | Uint8Array): void {
    let engine = this.fdEngine;
    if (engine === null && DESCRIPTOR_UDP_OPTIONS.has(optKey(level, optname)))
      engine = DescriptorIO.#moveToDescriptor(this);
    if (engine === null) {
      super.setsockopt(level, optname, value);
      return;
    }
    this.checkOpen('setsockopt');
    let bytes: Uint8Array;
    if (value instanceof Uint8Array) bytes = value;
    else {
      const number = Number(value);
      if (!Number.isInteger(number))
        throw new TypeError(
          `setsockopt(): value must be an integer, a boolean or bytes, got ${describe(value)}`,
        );
      bytes = Buffer.alloc(4);
      (bytes as Buffer).writeInt32LE(number);
    }
    engine.setsockopt(level, optname, bytes);
  }

  /**
   * Reads an option: without `buflen` a C int, with it up to `buflen` bytes, as Python's
   * `getsockopt()`.
   */
  /**
   * A UDP socket asked for an option node:dgram cannot carry (`IP_PKTINFO`, …) goes onto a
   * descriptor of its own before it is bound, with the options already set, as if it had been
   * opened there; from then on it is a descriptor socket like the others.
   * @throws {SocketError} `EINVAL` once bound or watched, `ENOPROTOOPT` without the addon.
   */
  static #moveToDescriptor(self: DescriptorIO): FdEngine {
    self.checkOpen('setsockopt');
    const context = { ...self.errorContext(), op: 'setsockopt' };
    if (self.type !== SOCK_DGRAM || self.family === AF_UNIX) {
      throw new SocketError('ENOPROTOOPT', context);
    }
    if (self.engine !== null || self.watched) {
      throw new SocketError('EINVAL', {
        ...context,
        detail: 'set self option before the socket is bound, sends or is watched',
      });
    }
    if (fdSocketAddon() === null) {
      throw new SocketError('ENOPROTOOPT', {
        ...context,
        detail:
          "self option needs polyport's native addon (fd_socket), which is not built for self Node.js: run `npm run build:native`",
      });
    }
    const engine = FdEngine.open(
      self.family,
      SOCK_DGRAM,
      self.proto,
      () => self.notify(),
      () => self.errorContext(),
    );
    self.engine = engine;
    for (const [key, value] of self.optionValues) {
      const [level, name] = key.split(':').map(Number) as [number, number];
      self.setsockopt(level, name, value);
    }
    return engine;
  }

  override getsockopt(level: number, optname: number, buflen?: number): number | Buffer {
    const engine = this.fdEngine;
    if (engine === null) return super.getsockopt(level, optname, buflen);
    this.checkOpen('getsockopt');
    if (buflen === undefined) return engine.getsockopt(level, optname, 4).readInt32LE(0);
    checkSize(buflen, 'getsockopt');
    return engine.getsockopt(level, optname, buflen);
  }

  override fileno(): number {
    const engine = this.fdEngine;
    if (engine === null) return super.fileno();
    return this.isClosed ? -1 : engine.fd;
  }

  override errorContext(): SocketErrorContext {
    const context = super.errorContext();
    // Asked also while socket() opens the descriptor, before the engine is set.
    if (!checkSocketKind(this.family, this.type, this.proto).native) return context;
    return { ...context, net: descriptorNetwork(this.family, this.type, this.proto) };
  }
}
