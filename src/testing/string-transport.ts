/**
 * Twisted's `StringTransport` for polyport: a connection with no one behind it that keeps
 * everything written to it, so a test can drive a channel or a session and read back its output.
 * It serves both floors a server is built on: as a socket (a `MemorySocket`) under a dispatch
 * channel, and as the server kit's `Transport` under a `Connection`, where it also records what
 * the connection asked of it (producers, pauses, shutdown, TLS, close) instead of doing it.
 */
import type { Producer } from '../dispatch/index.js';
import type { TimeoutPhase, Transport, TransportHandler, WriteOptions } from '../server/index.js';
import {
  type BytesLike,
  ConnectionResetError,
  formatAddress,
  SHUT_WR,
  type SocketAddress,
  type SSLContext,
} from '../socket/index.js';
import { MemorySocket } from './memory-socket.js';

/** Options for {@link StringTransport}. */
export interface StringTransportOptions {
  /**
   * Bytes written and not yet `drain()`ed before writes report a full buffer (as a socket) or
   * queue (as a `Transport`). Default: unlimited, as Twisted's `StringTransport`; set it to test
   * backpressure.
   */
  readonly sendBufferSize?: number;
  /** What `getsockname()` returns. */
  readonly localAddress?: SocketAddress;
  /** What `getpeername()` returns, and `peer` shows. */
  readonly peerAddress?: SocketAddress;
  /** The connection is TLS from the start (`secure`). Default false. */
  readonly secure?: boolean;
  /**
   * How a `startTls()` ends: `succeed` (default) or `fail` at once, or `manual`, where it waits
   * for the test's {@link StringTransport.finishTls}.
   */
  readonly tlsHandshake?: 'succeed' | 'fail' | 'manual';
}

/** A producer handed to {@link StringTransport.writeProducer}, as recorded. */
export interface RecordedProducer {
  readonly producer: Producer;
  /** The size declared with it, if any. */
  readonly size: number | undefined;
}

/** A producer in the output queue, and how much of its declared size is still to come. */
interface QueuedProducer extends RecordedProducer {
  remaining: number;
}

/** What a `Transport` was asked to do besides writing, in {@link StringTransport.calls}. */
export type TransportCall =
  | 'pauseReading'
  | 'resumeReading'
  | 'requestStarted'
  | 'requestProgress'
  | 'requestFinished'
  | 'touch'
  | 'shutdownWrite'
  | 'startTls'
  | 'closeWhenDone'
  | 'close'
  | 'abort';

/**
 * A connection whose output is captured: `value()` is everything written so far, `clear()`
 * forgets it. The test plays the peer with `feed()`, `feedEof()` and `resetByPeer()`.
 *
 * Under a dispatch channel it is a socket (`recvNowait`, `sendNowait`, readiness). Once a
 * `Connection` attaches to it as its `Transport`, what is fed goes to the connection (held while
 * the connection has paused reading, as the kernel would hold it), writes queue behind a full
 * send buffer until `drain()` and producers until `runProducers()`, and every other request is
 * recorded in `calls` and in state a test can assert on (`readingPaused`, `writeShutdown`,
 * `tlsContexts`, `closed`). `timeOut(phase)` plays a phase timeout.
 *
 * @example
 * // A session under the kit, no socket: the greeting, a command, the reply.
 * const transport = new StringTransport();
 * new Connection({ transport, session: new SmtpServerSession({ hostname: 'mx' }), handler });
 * transport.text(); // '220 mx ESMTP …\r\n'
 * transport.clear();
 * transport.feed('NOOP\r\n');
 * transport.text(); // '250 2.0.0 Ok\r\n'
 * transport.calls; // what the connection asked for besides writing, in order
 */
export class StringTransport extends MemorySocket implements Transport {
  /** Every producer handed over, in order (also those already run). */
  readonly producers: RecordedProducer[] = [];
  /** The context of every `startTls()` call, in order. */
  readonly tlsContexts: SSLContext[] = [];
  /** Every `write()`, in order, with whether its buffer was handed over (`owned`). */
  readonly writes: Array<{ readonly data: Buffer; readonly owned: boolean }> = [];
  /** What was asked besides writing, in order. */
  readonly calls: TransportCall[] = [];
  readonly #peerAddress: SocketAddress;
  readonly #tlsHandshake: 'succeed' | 'fail' | 'manual';
  #handler: TransportHandler | null = null;
  #secure: boolean;
  #readingPaused = false;
  #held: Buffer[] = [];
  #eofHeld = false;
  #delivering = false;
  #inputEnded = false;
  #queue: Array<Buffer | QueuedProducer> = [];
  #queuedBytes = 0;
  #shutdownWanted = false;
  #writeShutdown = false;
  #closeWanted = false;
  #aborting = false;
  #lost = false;
  #tlsPending: ((ok: boolean) => void) | null = null;

  /** @param options the send buffer limit, the addresses and TLS behaviour. */
  constructor(options: StringTransportOptions = {}) {
    super({ sendBufferSize: Number.POSITIVE_INFINITY, ...options });
    this.#peerAddress = this.getpeername();
    this.#secure = options.secure ?? false;
    this.#tlsHandshake = options.tlsHandshake ?? 'succeed';
  }

  /** Everything written so far (since the last `clear()`). */
  value(): Buffer {
    return this.sentData();
  }

  /** Everything written so far, decoded (UTF-8 by default). */
  text(encoding: BufferEncoding = 'utf8'): string {
    return this.sentData().toString(encoding);
  }

  /** Forgets what was written, so the next `value()` shows only what follows. */
  clear(): void {
    this.clearSent();
  }

  // --- Transport: what the kit's Connection sees ---

  /**
   * Makes this the transport of `handler` (a `Connection` calls it itself): from now on what
   * the test feeds goes to the handler.
   */
  attach(handler: TransportHandler): void {
    this.#handler = handler;
  }

  /** The peer, formatted: `127.0.0.1:5000`, `[::1]:5000`. */
  get peer(): string {
    return formatAddress(this.#peerAddress);
  }

  /** The peer's address as `getpeername()` gave it before any close. */
  get peerAddress(): SocketAddress {
    return this.#peerAddress;
  }

  /** Whether the connection speaks TLS (from the start, or after a successful `startTls()`). */
  get secure(): boolean {
    return this.#secure;
  }

  /** Bytes written but not yet taken by the send buffer, plus producers' declared sizes. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Whether output waits for `drain()` or `runProducers()`. */
  get outputPending(): boolean {
    return this.#queue.length > 0;
  }

  /** Whether the connection paused reading (fed input is held until it resumes). */
  get readingPaused(): boolean {
    return this.#readingPaused;
  }

  /** Whether the peer's end of stream reached the handler (`feedEof()`); nothing more is fed. */
  get inputEnded(): boolean {
    return this.#inputEnded;
  }

  /** Whether our end of the stream was sent (`shutdownWrite()` with nothing left queued). */
  get writeShutdown(): boolean {
    return this.#writeShutdown;
  }

  /** Queues bytes (copied, as a socket copies what must wait) and sends what the buffer takes. */
  write(data: Uint8Array | string, options: WriteOptions = {}): void {
    if (this.#lost || this.#shutdownWanted || this.closed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    this.writes.push({ data: bytes, owned: options.owned === true });
    if (bytes.length === 0) return;
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    this.#flush();
  }

  /** Records the producer and queues it; its bytes come out at `runProducers()`. */
  writeProducer(producer: Producer, size?: number): void {
    this.producers.push({ producer, size });
    if (this.#lost || this.closed) {
      producer.close?.();
      return;
    }
    this.#queue.push({ producer, size, remaining: size ?? 0 });
    this.#queuedBytes += size ?? 0;
  }

  /** Sends the end of the stream once the queue is out. */
  shutdownWrite(): void {
    this.calls.push('shutdownWrite');
    this.#shutdownWanted = true;
    this.#flush();
  }

  /** Holds what the test feeds from now on (`calls` records the change, not repeats). */
  pauseReading(): void {
    if (this.#readingPaused) return;
    this.calls.push('pauseReading');
    this.#readingPaused = true;
  }

  /** Delivers what was held, then reads on (`calls` records the change, not repeats). */
  resumeReading(): void {
    if (!this.#readingPaused) return;
    this.calls.push('resumeReading');
    this.#readingPaused = false;
    this.#deliverHeld();
  }

  /** Recorded in `calls`. */
  requestStarted(): void {
    this.calls.push('requestStarted');
  }

  /** Recorded in `calls`. */
  requestProgress(): void {
    this.calls.push('requestProgress');
  }

  /** Recorded in `calls`. */
  requestFinished(): void {
    this.calls.push('requestFinished');
  }

  /** Recorded in `calls`. */
  touch(): void {
    this.calls.push('touch');
  }

  /**
   * Records the context; the handshake succeeds or fails at once, or waits for
   * {@link finishTls}, as the `tlsHandshake` option says.
   */
  startTls(context: SSLContext): Promise<boolean> {
    this.calls.push('startTls');
    this.tlsContexts.push(context);
    return new Promise((resolve) => {
      this.#tlsPending = resolve;
      if (this.#tlsHandshake !== 'manual') this.finishTls(this.#tlsHandshake === 'succeed');
    });
  }

  /**
   * Ends the handshake `startTls()` began: on success the connection is `secure`; on failure it
   * is closed, as a failed upgrade closes a real one.
   * @throws {Error} when no handshake is waiting.
   */
  finishTls(ok: boolean): void {
    const resolve = this.#tlsPending;
    if (resolve === null) throw new Error('finishTls(): no startTls() is waiting');
    this.#tlsPending = null;
    if (ok) this.#secure = true;
    else this.close();
    resolve(ok && !this.#lost);
  }

  /** Closes once the queue is out (at once when nothing is queued). */
  closeWhenDone(): void {
    this.calls.push('closeWhenDone');
    this.#closeWanted = true;
    this.#flush();
  }

  /** Closes now, dropping what is queued; the attached handler hears `connectionLost(null)`. */
  override close(): void {
    if (this.closed) return;
    if (!this.#aborting) this.calls.push('close');
    this.#dropQueue();
    super.close();
    this.#connectionLost(null);
  }

  /** Closes with a reset, dropping what is queued. */
  override abort(): void {
    if (this.closed) return;
    this.calls.push('abort');
    this.#aborting = true;
    super.abort();
  }

  // --- The test's side ---

  /**
   * Bytes arrive from the peer: to the attached handler (held while reading is paused), or,
   * without one, into the socket for `recv`.
   * @param data bytes, or a string taken as UTF-8.
   */
  override feed(data: BytesLike): void {
    if (this.#handler === null) {
      super.feed(data);
      return;
    }
    if (this.#lost || this.closed || this.#inputEnded || this.#eofHeld) return;
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    if (bytes.length === 0) return;
    this.#held.push(bytes);
    this.#deliverHeld();
  }

  /**
   * The peer ends its stream (a FIN): after what is held, the attached handler is asked whether
   * it keeps the connection half-open for its replies (`inputEnded()`, when it has one); if not,
   * the connection closes and the handler hears `connectionLost(null)`.
   */
  override feedEof(): void {
    if (this.#handler === null) {
      super.feedEof();
      return;
    }
    this.#eofHeld = true;
    this.#deliverHeld();
  }

  /** The peer resets the connection: the attached handler hears `connectionLost(ECONNRESET)`. */
  override resetByPeer(): void {
    if (this.#handler === null) {
      super.resetByPeer();
      return;
    }
    if (this.#lost) return;
    this.#held = [];
    this.#dropQueue();
    super.close();
    this.#connectionLost(new ConnectionResetError('ECONNRESET', { op: 'read' }));
  }

  /** The peer reads what was sent (default all); queued writes move into the room made. */
  override drain(count?: number): void {
    super.drain(count);
    if (this.#flush() && !this.#lost) this.#handler?.writeProgress();
  }

  /**
   * Pulls every queued producer to its end, in order with the writes around it (a full send
   * buffer stops it until `drain()`).
   * @returns once the queue is empty or waits for room.
   */
  async runProducers(): Promise<void> {
    let progressed = false;
    for (;;) {
      progressed = this.#flush() || progressed;
      const head = this.#queue[0];
      if (head === undefined || Buffer.isBuffer(head)) break;
      const chunk = await head.producer.more();
      if (this.#queue[0] !== head) break; // closed meanwhile
      if (chunk.length === 0) {
        this.#queue.shift();
        this.#queuedBytes -= head.remaining;
        head.producer.close?.();
        progressed = true;
        continue;
      }
      const bytes = Buffer.from(chunk);
      const counted = Math.min(head.remaining, bytes.length);
      head.remaining -= counted;
      this.#queue.unshift(bytes);
      this.#queuedBytes += bytes.length - counted;
    }
    if (progressed && !this.#lost) this.#handler?.writeProgress();
  }

  /**
   * Plays a phase timeout: the handler says goodbye its own way, or the transport does the
   * default (close; for `write`, reset).
   * @returns what the handler returned.
   */
  timeOut(phase: TimeoutPhase): boolean {
    const handled = this.#handler?.timedOut(phase) ?? false;
    if (!handled) {
      if (phase === 'write') this.abort();
      else this.close();
    }
    return handled;
  }

  #deliverHeld(): void {
    // A handler that resumes reading from inside dataReceived() gets the next bytes after it
    // returns, as from a real socket's next read, never nested inside the call.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (!this.#readingPaused && !this.#lost && this.#held.length > 0) {
        const bytes = this.#held.shift() as Buffer;
        this.#handler?.dataReceived(bytes);
      }
    } finally {
      this.#delivering = false;
    }
    if (this.#eofHeld && this.#held.length === 0 && !this.#readingPaused && !this.#lost) {
      this.#eofHeld = false;
      this.#inputEnded = true;
      const handler = this.#handler as Partial<{ inputEnded(): boolean }> | null;
      if (handler?.inputEnded?.() === true) return;
      this.#dropQueue();
      // The peer closed: not a close() the connection asked for, so not in `calls`.
      super.close();
      this.#connectionLost(null);
    }
  }

  /** Moves queued bytes into the send buffer; true when any moved or a producer ended. */
  #flush(): boolean {
    let moved = false;
    while (!this.closed) {
      const head = this.#queue[0];
      if (head === undefined || !Buffer.isBuffer(head)) break;
      const taken = this.sendNowait(head);
      if (taken <= 0) break;
      moved = true;
      this.#queuedBytes -= taken;
      if (taken < head.length) {
        this.#queue[0] = head.subarray(taken);
        break;
      }
      this.#queue.shift();
    }
    if (this.#queue.length === 0 && !this.closed) {
      if (this.#shutdownWanted && !this.#writeShutdown) {
        this.#writeShutdown = true;
        this.shutdown(SHUT_WR);
      }
      if (this.#closeWanted) this.close();
    }
    return moved;
  }

  #dropQueue(): void {
    for (const item of this.#queue) if (!Buffer.isBuffer(item)) item.producer.close?.();
    this.#queue = [];
    this.#queuedBytes = 0;
  }

  #connectionLost(error: Error | null): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#tlsPending?.(false);
    this.#tlsPending = null;
    this.#handler?.connectionLost(error);
  }
}
