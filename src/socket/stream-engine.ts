/**
 * The connected side of a stream socket (TCP, AF_UNIX stream, or TLS over either): Node's
 * stream underneath, Python's `recv`/`send` semantics on top.
 */
import type {
  NetConnectOpts,
  Socket as NetSocket,
  OnReadOpts,
  SocketConstructorOpts,
} from 'node:net';
import type { SocketAddress } from './address.js';
import { toAddressTuple } from './address.js';
import { AF_UNIX } from './constants.js';
import type { SocketError, SocketErrorContext } from './errors.js';
import { toSocketError } from './errors.js';
import { loadBuiltin } from './load-builtin.js';
import { descriptorOf, handleAddress, handleOf } from './node/handles.js';
import {
  CLIENT_READ_SIZE,
  releaseSlabBytes,
  reserveReadRegion,
  takeReadRegion,
} from './node/read-slab.js';
import { endedByReset } from './node/reset-by-peer.js';
import { attachSlabReads } from './node/slab-reads.js';
import { READY_ERROR, READY_HUP, READY_READ, READY_WRITE } from './readiness.js';
import { ReceiveBuffer } from './receive-buffer.js';

/**
 * What few streams need, kept apart from the engine and made on first use, since almost every
 * connection keeps the default buffer limits and never fails: its own limits, with the write
 * callback that a send limit under Node's high-water mark needs, and an error to report.
 */
interface StreamExtras {
  send: number;
  receive: number;
  /** The write callback asking for 'drain'-like news (see `StreamEngine.write`), made when needed. */
  written: (() => void) | null;
  /** See {@link StreamEngine.error}. */
  error: SocketError | null;
}

/** A stream's extras, as made on first use: the defaults. */
function newExtras(): StreamExtras {
  return {
    send: DEFAULT_STREAM_BUFFER,
    receive: DEFAULT_STREAM_BUFFER,
    written: null,
    error: null,
  };
}

/** The bits of a {@link StreamEngine}'s flags. */
const EOF = 1;
const READ_SHUT = 2;
const WRITE_SHUT = 4;
const DESTROYED = 8;
const PAUSED = 16;

/** `flags` with `bit` set or cleared. */
function withBit(flags: number, bit: number, value: boolean): number {
  return value ? flags | bit : flags & ~bit;
}

/** The default receive and send buffer limits, as `SO_RCVBUF`/`SO_SNDBUF` report them. */
export const DEFAULT_STREAM_BUFFER = 256 * 1024;

/**
 * The socket a {@link StreamEngine} carries: told whenever readiness may have changed, and asked
 * for the context of the engine's errors.
 */
export interface StreamOwner {
  /** The address family, for address tuples. */
  readonly family: number;
  notify(): void;
  /** The error context (`op` is filled in by the engine). */
  errorContext(): SocketErrorContext;
}

/** Where a stream keeps its engine, for the stream's listeners (shared by every stream). */
const ENGINE: unique symbol = Symbol('polyport.streamEngine');

/** A Node stream as the engine's listeners see it (`this` in an EventEmitter listener). */
type EngineStream = NetSocket & { [ENGINE]?: StreamEngine | undefined };

/** An 'end' listener of a stream. */
type EndListener = (this: EngineStream) => void;

/**
 * The receive buffer of every engine with nothing waiting: an engine makes its own when bytes
 * arrive and drops it once they are read, since an idle server holds thousands of engines. Only
 * read from: every call that adds bytes goes through the engine, which swaps in a buffer of
 * its own first.
 */
const NOTHING_RECEIVED = new ReceiveBuffer();

/**
 * The host strings of the last local and peer addresses read: a server's connections share
 * its own address, and often their peers' (a proxy, a NAT, a load balancer), so the next one
 * that reads the same text keeps this copy rather than one of its own.
 */
let lastLocalHost = '';
let lastPeerHost = '';

/** The region of the read slab a client stream's next read lands in (its `onread.buffer`). */
function nextReadRegion(): Buffer {
  return reserveReadRegion(CLIENT_READ_SIZE);
}

/** Streams made by {@link StreamEngine.connect}: they read through `onread`, not 'data'. */
const slabReadStreams = new WeakSet<NetSocket>();

/**
 * Python semantics over a Node stream. Received bytes wait in a {@link ReceiveBuffer}; once it
 * holds `receiveLimit` bytes the stream is paused, so a program that does not read makes the
 * peer wait (TCP flow control) instead of making this process buffer without bound.
 *
 * The stream's listeners are functions shared by every engine, which find their engine on the
 * stream (`this` in a listener), rather than closures per engine: a server holding thousands of
 * idle connections pays for each closure thousands of times.
 */
export class StreamEngine {
  readonly stream: NetSocket;
  /**
   * Bytes received and not read yet. Take from it, then call {@link consumed}; put bytes back
   * with {@link unreceive}, never with its own `push()`/`unshift()` (see NOTHING_RECEIVED).
   */
  received: ReceiveBuffer = NOTHING_RECEIVED;
  /**
   * `eof`, `readShut`, `writeShut`, `destroyed` and whether the stream is paused, as bits of
   * one number rather than a field each, since an idle server holds thousands of engines.
   */
  #flags = 0;
  /**
   * The descriptor, read once: Node drops its handle when both directions have ended, but the
   * descriptor is the socket's until `close()`, as in Python.
   */
  readonly fd: number;
  /**
   * Our address, read once (see {@link localAddress}): its host (null until read) and port,
   * rather than the tuple, which is made for each call as Python makes a fresh tuple.
   */
  #localHost: string | null = null;
  #localPort = 0;
  /**
   * The peer's address, read once (see {@link remoteAddress}): its host (null until read) and
   * port, not the tuple, for the reason above; the host text is often shared (lastPeerHost).
   */
  #remoteHost: string | null = null;
  #remotePort = 0;
  readonly #owner: StreamOwner;
  /** Buffer limits set with `SO_SNDBUF`/`SO_RCVBUF`, an error: null while there is neither. */
  #extras: StreamExtras | null = null;

  /** The error to report from the next call (reported once, then the socket reads as at EOF). */
  get error(): SocketError | null {
    return this.#extras?.error ?? null;
  }
  set error(value: SocketError | null) {
    if (value === null && this.#extras === null) return;
    this.#extras ??= newExtras();
    this.#extras.error = value;
  }

  /** Bytes `send()` may leave queued in Node before it reports "would block". */
  get sendLimit(): number {
    return this.#extras?.send ?? DEFAULT_STREAM_BUFFER;
  }
  set sendLimit(value: number) {
    this.#extras ??= newExtras();
    this.#extras.send = value;
  }

  /** Received bytes held before the stream is paused. */
  get receiveLimit(): number {
    return this.#extras?.receive ?? DEFAULT_STREAM_BUFFER;
  }
  set receiveLimit(value: number) {
    this.#extras ??= newExtras();
    this.#extras.receive = value;
  }

  /** The peer sent FIN (or the stream ended). */
  get eof(): boolean {
    return (this.#flags & EOF) !== 0;
  }
  set eof(value: boolean) {
    this.#flags = withBit(this.#flags, EOF, value);
  }

  /** `shutdown(SHUT_RD)` was called: received bytes are dropped. */
  get readShut(): boolean {
    return (this.#flags & READ_SHUT) !== 0;
  }
  set readShut(value: boolean) {
    this.#flags = withBit(this.#flags, READ_SHUT, value);
  }

  /** `shutdown(SHUT_WR)` was called: our FIN is sent or queued. */
  get writeShut(): boolean {
    return (this.#flags & WRITE_SHUT) !== 0;
  }
  set writeShut(value: boolean) {
    this.#flags = withBit(this.#flags, WRITE_SHUT, value);
  }

  /** The stream is closed, by us or by Node. */
  get destroyed(): boolean {
    return (this.#flags & DESTROYED) !== 0;
  }
  set destroyed(value: boolean) {
    this.#flags = withBit(this.#flags, DESTROYED, value);
  }

  /**
   * @param stream Node's connected stream (net.Socket or tls.TLSSocket).
   * @param owner the socket: its family makes the address tuples; it is notified whenever
   *   readiness may have changed, and asked for the context of errors.
   * @param slabReads read through {@link attachSlabReads} when that accelerator is usable
   *   (accepted plain TCP streams only: the stream must not be reading yet).
   */
  constructor(stream: NetSocket, owner: StreamOwner, slabReads = false) {
    this.stream = stream;
    this.#owner = owner;
    (stream as EngineStream)[ENGINE] = this;
    if (
      !slabReadStreams.has(stream) &&
      (!slabReads || !attachSlabReads(stream, StreamEngine.#onData))
    ) {
      stream.on('data', StreamEngine.#onData);
    }
    StreamEngine.#listenForEnd(stream);
    stream.on('error', StreamEngine.#onError);
    stream.on('close', StreamEngine.#onClose);
    stream.on('drain', StreamEngine.#onDrain);
    StreamEngine.#readLocal(this);
    StreamEngine.#readRemote(this);
    this.fd = descriptorOf(handleOf(stream));
    if (stream.isPaused()) stream.resume();
  }

  /**
   * Starts connecting a client stream (TCP or AF_UNIX) that reads into the read slab, as
   * accepted connections do under the `slab_reads` accelerator, but through `net.connect()`'s
   * public `onread` option: each read lands in place in a region of the slab
   * (node/read-slab.ts), instead of Node allocating a fresh 64 KiB buffer per read; a read
   * takes up to {@link CLIENT_READ_SIZE}, as a client's transfers are few and large. A slab is
   * reused once every byte of it was released: copied out by `recvInto()`, or given back with
   * `releaseReceived()` (a download written to a file: 200 MB then take half the page faults).
   * The engine made for the stream once connected gets the chunks; 'end', 'error', 'close' and
   * pause()/resume() work as on the 'data' path.
   * @param options `net.connect()`'s options (not TLS: a TLS layer is put over the plain stream).
   * @example const conn = StreamEngine.connect({ host: '127.0.0.1', port: 80 });
   */
  static connect(options: NetConnectOpts): NetSocket {
    // The constructor takes `onread` as net.connect() does (net.connect() passes it on), though
    // Node's types list it for connect() only.
    const constructorOptions: SocketConstructorOpts & { onread: OnReadOpts } = {
      ...options,
      onread: {
        // A function: Node asks it for the buffer of each next read, so reads land in the slab
        // in place, with no copy (a 200 MB download copied 200 MB).
        buffer: nextReadRegion,
        // A closure per stream (clients are few), since Node does not document `this` here.
        callback: (nread: number, buf: Uint8Array): boolean => {
          StreamEngine.#onData.call(stream, takeReadRegion(buf as Buffer, nread));
          return true;
        },
      },
    };
    const net = loadBuiltin('node:net');
    const stream = new net.Socket(constructorOptions);
    try {
      stream.connect(options);
    } catch {
      // Node's onread machinery failed on this handle (seen only with Node's internals
      // tampered with, as the accelerator fault tests do): connect on the 'data' path. An
      // error of the options themselves is thrown again by that connect.
      stream.destroy();
      return net.connect(options);
    }
    slabReadStreams.add(stream);
    return stream;
  }

  // The stream's listeners, one set for every engine: `this` is the stream, which holds its engine.
  // What they call is static too, given the engine: an instance private method would cost
  // every engine a field (V8's brand of the class).
  static readonly #onData = function (this: EngineStream, chunk: Buffer): void {
    const engine = this[ENGINE];
    if (engine !== undefined) StreamEngine.#arrived(engine, chunk);
  };

  static readonly #onEnd = function (this: EngineStream): void {
    const engine = this[ENGINE];
    if (engine !== undefined) StreamEngine.#ended(engine);
  };

  /**
   * Adds our 'end' listener. A net.Socket has one of its own already, and a second listener
   * costs every stream an array (64 bytes a connection, for thousands of idle ones): where Node's
   * is a plain listener, both go in as one function that calls Node's first, as before.
   */
  static #listenForEnd(stream: EngineStream): void {
    const own = stream.rawListeners('end');
    const first = own[0];
    if (own.length === 1 && typeof first === 'function' && stream.listeners('end')[0] === first) {
      stream.removeListener('end', first as () => void);
      stream.on('end', StreamEngine.#endAlongside(first as EndListener));
    } else stream.on('end', StreamEngine.#onEnd);
  }

  /** Takes back what `#listenForEnd` added, giving Node's listener back alone. */
  static #stopListeningForEnd(stream: EngineStream): void {
    const listeners = stream.rawListeners('end');
    for (const [own, both] of StreamEngine.#mergedEnd) {
      if (listeners.includes(both)) {
        stream.off('end', both);
        stream.on('end', own);
        return;
      }
    }
    stream.off('end', StreamEngine.#onEnd);
  }

  /**
   * Each Node 'end' listener met, with the one function that calls it and then ours: made once
   * per Node listener, and every net.Socket has the same one. Looked up by both sides, so that
   * a stream detaches its own pair even if another kind of stream brought a second one.
   */
  static readonly #mergedEnd = new Map<EndListener, EndListener>();

  /** The one function calling `own` (Node's 'end' listener), then ours. */
  static #endAlongside(own: EndListener): EndListener {
    let both = StreamEngine.#mergedEnd.get(own);
    if (both === undefined) {
      both = function (this: EngineStream): void {
        own.call(this);
        StreamEngine.#onEnd.call(this);
      };
      StreamEngine.#mergedEnd.set(own, both);
    }
    return both;
  }

  static readonly #onError = function (this: EngineStream, err: Error): void {
    const engine = this[ENGINE];
    if (engine !== undefined) StreamEngine.#failed(engine, err);
  };

  static readonly #onClose = function (this: EngineStream): void {
    const engine = this[ENGINE];
    if (engine !== undefined) StreamEngine.#closed(engine);
  };

  static readonly #onDrain = function (this: EngineStream): void {
    const engine = this[ENGINE];
    if (engine !== undefined) engine.#owner.notify();
  };

  static #arrived(self: StreamEngine, chunk: Buffer): void {
    if (self.readShut) return;
    if (self.received === NOTHING_RECEIVED) self.received = new ReceiveBuffer(releaseSlabBytes);
    self.received.push(chunk);
    if ((self.#flags & PAUSED) === 0 && self.received.length >= self.receiveLimit) {
      self.#flags |= PAUSED;
      self.stream.pause();
    }
    self.#owner.notify();
  }

  static #ended(self: StreamEngine): void {
    // libuv reports a RST that came with the last bytes as EOF (see endedByReset): a reset must
    // not read as a clean end, or a cut upload looks complete. Probed only while we have not
    // sent our FIN, since a connection closed from both sides looks the same.
    if (self.error === null && !self.writeShut && !self.stream.writableEnded) {
      if (endedByReset(self.stream)) {
        const reset = Object.assign(new Error('connection reset by peer'), { code: 'ECONNRESET' });
        self.error = toSocketError(reset, { ...self.#owner.errorContext(), op: 'read' });
      }
    }
    self.eof = true;
    self.#owner.notify();
  }

  static #failed(self: StreamEngine, err: Error): void {
    if (self.error === null && !self.destroyed) {
      self.error = toSocketError(err, { ...self.#owner.errorContext(), op: 'read' });
    }
    self.#owner.notify();
  }

  static #closed(self: StreamEngine): void {
    self.eof = true;
    self.destroyed = true;
    self.#owner.notify();
  }

  /**
   * Called after bytes were taken from `received`: drops an emptied buffer, and resumes a
   * paused stream below the limit.
   */
  consumed(): void {
    if (this.received.length === 0) this.received = NOTHING_RECEIVED;
    if (this.#flags & PAUSED && this.received.length < this.receiveLimit / 2) {
      this.#flags &= ~PAUSED;
      this.stream.resume();
    }
  }

  /** Puts bytes taken from `received` back at its front (a call that took them failed). */
  unreceive(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.received === NOTHING_RECEIVED) this.received = new ReceiveBuffer(releaseSlabBytes);
    this.received.unshift(chunk);
  }

  /** Detaches from the stream (a TLS layer takes it over), giving back unread bytes. */
  detach(): Buffer {
    const stream = this.stream as EngineStream;
    stream.pause();
    stream.off('data', StreamEngine.#onData);
    StreamEngine.#stopListeningForEnd(stream);
    stream.off('error', StreamEngine.#onError);
    stream.off('close', StreamEngine.#onClose);
    stream.off('drain', StreamEngine.#onDrain);
    // Not `delete`: that would turn the stream's properties into a slow dictionary.
    stream[ENGINE] = undefined;
    return this.received.takeAll();
  }

  /** The readiness bits for select/poll. */
  get readiness(): number {
    if (this.destroyed && this.received.length === 0 && this.error === null) {
      return READY_READ | READY_HUP | (this.writeShut ? 0 : READY_WRITE);
    }
    let bits = 0;
    if (this.received.length > 0 || this.eof || this.error !== null || this.readShut)
      bits |= READY_READ;
    if (this.error !== null) bits |= READY_ERROR | READY_WRITE;
    else if (!this.writeShut && this.queued < this.sendLimit) bits |= READY_WRITE;
    if (this.eof && this.writeShut) bits |= READY_HUP;
    return bits;
  }

  /** Takes the pending error, if any. */
  takeError(): SocketError | null {
    const err = this.error;
    if (err !== null) {
      this.error = null;
      this.eof = true;
    }
    return err;
  }

  /** Bytes written but not yet taken by the kernel (those in Node's `Writable` buffer). */
  get queued(): number {
    return this.stream.writableLength;
  }

  /** Queues bytes in Node; the caller has checked there is room. Node keeps `data` until sent. */
  write(data: Buffer): void {
    // Node emits 'drain' only once its own high-water mark was crossed; with a smaller
    // SO_SNDBUF a writer waiting for room would never hear of it, so ask for each write's end.
    const limits = this.#extras;
    if (limits !== null && limits.send < this.stream.writableHighWaterMark) {
      limits.written ??= () => {
        if (this.queued < this.sendLimit) this.#owner.notify();
      };
      this.stream.write(data, limits.written);
    } else this.stream.write(data);
  }

  /**
   * Our address as a tuple (or path). Read once and kept, as Go keeps a conn's addresses: Node
   * forgets them when the handle closes, and error messages after a reset still need them. Each
   * call makes a fresh tuple, as Python's `getsockname()` does.
   */
  localAddress(): SocketAddress {
    if (this.#owner.family === AF_UNIX) return '';
    if (this.#localHost === null && !StreamEngine.#readLocal(this)) {
      return toAddressTuple(this.#owner.family, '', 0);
    }
    return toAddressTuple(this.#owner.family, this.#localHost ?? '', this.#localPort);
  }

  /** Reads and keeps our address (not for AF_UNIX); false when Node cannot tell it (yet). */
  static #readLocal(engine: StreamEngine): boolean {
    const read = StreamEngine.#readAddress(engine, false);
    if (read === null) return false;
    [engine.#localHost, engine.#localPort] = read;
    return true;
  }

  /**
   * One side's address from Node (not for AF_UNIX): the host, as the text the last read of that
   * side found when it is the same (see lastLocalHost), and the port; null when Node cannot tell.
   */
  static #readAddress(engine: StreamEngine, peer: boolean): [string, number] | null {
    if (engine.#owner.family === AF_UNIX) return null;
    // From the handle first: net.Socket would keep a second copy for the socket's life.
    const name = handleAddress(engine.stream, peer);
    const stream = engine.stream;
    let host = name?.address ?? (peer ? stream.remoteAddress : stream.localAddress);
    if (host === undefined) return null;
    if (peer) {
      if (host === lastPeerHost) host = lastPeerHost;
      else lastPeerHost = host;
    } else if (host === lastLocalHost) host = lastLocalHost;
    else lastLocalHost = host;
    return [host, name?.port ?? (peer ? stream.remotePort : stream.localPort) ?? 0];
  }

  /**
   * The peer's address (kept, as {@link localAddress} is: each call makes a fresh tuple), or
   * null when Node never knew it.
   */
  remoteAddress(): SocketAddress | null {
    if (this.#owner.family === AF_UNIX) return '';
    if (this.#remoteHost === null && !StreamEngine.#readRemote(this)) return null;
    return toAddressTuple(this.#owner.family, this.#remoteHost ?? '', this.#remotePort);
  }

  /** Reads and keeps the peer's address (not for AF_UNIX); false when Node cannot tell it. */
  static #readRemote(engine: StreamEngine): boolean {
    const read = StreamEngine.#readAddress(engine, true);
    if (read === null) return false;
    [engine.#remoteHost, engine.#remotePort] = read;
    return true;
  }

  /**
   * Closes for good. Pending output is still sent, as the kernel does after `close(2)`, unless
   * `reset` is set or received bytes were never read: then, as Linux does, the connection is
   * reset (RST) and pending output dropped, so the peer learns its data was not consumed.
   * @param reset reset the connection (`SO_LINGER` with a zero timeout).
   * @param lingerMs how long queued output may go without progress before the connection is
   *   dropped (`SO_LINGER` with a positive timeout; default 30 s).
   */
  close(reset = false, lingerMs = 30_000): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const stream = this.stream;
    if ((reset || this.received.length > 0) && !stream.destroyed) {
      try {
        // Only TCP handles can reset; a pipe or TLS stream throws, and is simply destroyed.
        // (Resetting the TCP stream under a live TLS one crashes Node: its TLSWrap keeps using
        // the closed handle.)
        stream.resetAndDestroy();
        return;
      } catch {
        stream.destroy();
        return;
      }
    }
    if (this.queued > 0 && !stream.writableFinished) {
      // Let queued bytes go out, then FIN; a peer that never reads is cut off after a while.
      // After shutdown(SHUT_WR) the stream has ended but may still hold bytes: keep them too.
      if (!stream.writableEnded) stream.end();
      stream.setTimeout(lingerMs, () => stream.destroy());
    } else {
      stream.destroy();
    }
  }
}
