/**
 * asynchat's `async_chat`: a dispatcher that splits its input at a terminator (a string, a byte
 * count, or none) and sends its output from a queue of buffers and producers.
 */
import { MSG_ZEROCOPY } from '../socket/index.js';
import type { ChannelSocket } from './channel-socket.js';
import { Dispatcher } from './dispatcher.js';
import { driverOf, failChannel } from './driver.js';
import { findPrefixAtEnd } from './find-prefix.js';
import type { Producer } from './producer.js';
import type { SocketMap } from './socket-map.js';

/**
 * A terminator: a byte string that ends a unit (a string is UTF-8), a number of bytes to
 * collect, or `null` (all).
 * @example chat.setTerminator('\r\n'); chat.setTerminator(512); chat.setTerminator(null);
 */
export type Terminator = string | Uint8Array | number | null;

type Queued = Uint8Array | Producer | null;

const EMPTY = Buffer.alloc(0);

/**
 * A line- or length-framed channel. Subclasses implement `collectIncomingData` (store a piece of
 * the current unit) and `foundTerminator` (the unit is complete), and call `push` to reply.
 * Output is pulled from producers only when the socket can take it, so a slow reader never makes
 * the channel buffer more than one chunk per producer.
 *
 * @example
 * class LineEcho extends AsyncChat {
 *   constructor(sock: ChannelSocket) { super(sock); this.setTerminator('\r\n'); }
 *   override collectIncomingData(data: Buffer) { this.incoming.push(data); }
 *   override foundTerminator() { this.push(Buffer.concat([this.getData(), Buffer.from('\r\n')])); }
 * }
 */
export class AsyncChat extends Dispatcher {
  /** Bytes read from the socket per read event. */
  acInBufferSize = 65536;
  /** Bytes taken from a pushed buffer per send. */
  acOutBufferSize = 65536;
  /** Pieces of the current unit, for subclasses that use `getData()`. */
  incoming: Buffer[] = [];
  #terminator: Terminator = null;
  #terminatorBytes: Buffer | null = null;
  #inBuffer: Buffer = EMPTY;
  #fifo: Queued[] = [];
  /**
   * Queued buffers that are the channel's own (its copies, chunks handed over, fresh producer
   * chunks): they go to the socket uncopied. Anything else is still the caller's and is copied.
   */
  readonly #owned = new WeakSet<Uint8Array>();
  #awaitingProducer = false;

  constructor(sock?: ChannelSocket | null, map?: SocketMap) {
    super(sock, map);
  }

  /**
   * Sets how input is split: at a byte string (`'\r\n'`, a string is taken as UTF-8), after a
   * number of bytes, or not at all (`null` or `0`: everything goes to `collectIncomingData`).
   * @throws {RangeError} for a negative count or an empty string.
   */
  setTerminator(term: Terminator): void {
    if (typeof term === 'number') {
      if (!Number.isInteger(term) || term < 0) {
        throw new RangeError(
          `setTerminator(): a byte count must be a non-negative integer, got ${term}`,
        );
      }
      this.#terminatorBytes = null;
    } else if (term !== null) {
      // UTF-8, as push() encodes strings: a terminator must match what a peer would send.
      const bytes = typeof term === 'string' ? Buffer.from(term) : Buffer.from(term);
      if (bytes.length === 0)
        throw new RangeError('setTerminator(): the terminator must not be empty');
      this.#terminatorBytes = bytes;
    } else this.#terminatorBytes = null;
    this.#terminator = term;
  }

  /** The current terminator (a count decreases as bytes arrive). */
  getTerminator(): Terminator {
    return this.#terminator;
  }

  /** Stores a piece of the current unit; subclasses must override it. */
  collectIncomingData(data: Buffer): void {
    void data;
    throw new Error(`${this.constructor.name} must override collectIncomingData()`);
  }

  /** The current unit is complete; subclasses must override it. */
  foundTerminator(): void {
    throw new Error(`${this.constructor.name} must override foundTerminator()`);
  }

  /** Joins and clears `incoming`. */
  getData(): Buffer {
    const data = this.incoming.length === 1 ? this.incoming[0]! : Buffer.concat(this.incoming);
    this.incoming = [];
    return data;
  }

  /** Reads what arrived and splits it at the terminator, as asynchat's `handle_read`. */
  override handleRead(): void {
    const data = this.recv(this.acInBufferSize);
    if (data.length === 0) return;
    this.#inBuffer = this.#inBuffer.length === 0 ? data : Buffer.concat([this.#inBuffer, data]);
    this.#splitInput();
  }

  #splitInput(): void {
    // Stop once a handler closed the channel: a closed channel has no more units to handle.
    while (this.#inBuffer.length > 0 && this.socket !== null && !this.socket.closed) {
      const buffer = this.#inBuffer;
      const term = this.#terminator;
      if (term === null || term === 0) {
        // A count that has run out collects everything, as asynchat's `if not terminator`.
        this.#inBuffer = EMPTY;
        this.collectIncomingData(buffer);
      } else if (typeof term === 'number') {
        if (buffer.length < term) {
          this.#inBuffer = EMPTY;
          this.#terminator = term - buffer.length;
          this.collectIncomingData(buffer);
        } else {
          this.#inBuffer = buffer.subarray(term);
          this.#terminator = 0;
          if (term > 0) this.collectIncomingData(buffer.subarray(0, term));
          this.foundTerminator();
        }
      } else {
        const bytes = this.#terminatorBytes as Buffer;
        const index = buffer.indexOf(bytes);
        if (index !== -1) {
          this.#inBuffer = buffer.subarray(index + bytes.length);
          if (index > 0) this.collectIncomingData(buffer.subarray(0, index));
          this.foundTerminator();
        } else {
          // Keep a partial terminator at the end for the next read; hand over the rest.
          const partial = findPrefixAtEnd(buffer, bytes);
          if (partial > 0) {
            if (partial !== buffer.length) {
              this.#inBuffer = buffer.subarray(buffer.length - partial);
              this.collectIncomingData(buffer.subarray(0, buffer.length - partial));
            }
            return;
          }
          this.#inBuffer = EMPTY;
          this.collectIncomingData(buffer);
        }
      }
    }
  }

  override handleWrite(): void {
    this.initiateSend();
  }

  override handleClose(): void {
    this.close();
  }

  /**
   * Queues data to send and sends what the socket takes now.
   * @param data the bytes (a string is sent as UTF-8); the caller may reuse its buffer at once.
   * @param flags `MSG_ZEROCOPY` hands the buffer over instead: nothing is copied, and the caller
   *   must not change it afterwards.
   * @throws {TypeError} when `data` is not bytes or a string.
   */
  push(data: Uint8Array | string, flags = 0): void {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      throw new TypeError(`push(): data must be a Uint8Array or a string, got ${typeof data}`);
    }
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (bytes.length === 0) return;
    const handedOver = typeof data === 'string' || (flags & MSG_ZEROCOPY) !== 0;
    let rest = bytes;
    if (this.#fifo.length === 0 && this.connected) {
      // Nothing queued ahead: straight to the socket (which copies unless handed over), so a
      // reply that fits costs no queue bookkeeping; only what it does not take now is queued.
      const sent = this.send(bytes, handedOver ? MSG_ZEROCOPY : 0);
      if (sent >= bytes.length || this.socket === null) return;
      rest = bytes.subarray(sent);
    }
    // What waits in the queue must be the channel's own: the caller may reuse its buffer as
    // soon as push() returns, unless it handed the buffer over.
    this.#fifo.push(this.#own(handedOver ? rest : Buffer.from(rest)));
    this.initiateSend();
  }

  #own(bytes: Uint8Array): Uint8Array {
    this.#owned.add(bytes);
    return bytes;
  }

  /** Queues a producer; it is pulled from when the socket can take more. */
  pushWithProducer(producer: Producer): void {
    this.#fifo.push(producer);
    this.initiateSend();
  }

  /** Closes the channel once everything queued so far is sent. */
  closeWhenDone(): void {
    this.#fifo.push(null);
    this.initiateSend();
  }

  /** Drops unread input and unsent output. */
  discardBuffers(): void {
    this.#inBuffer = EMPTY;
    this.incoming = [];
    for (const item of this.#fifo.splice(0)) closeProducer(item);
  }

  override readable(): boolean {
    return true;
  }

  override writable(): boolean {
    return (this.#fifo.length > 0 && !this.#awaitingProducer) || !this.connected;
  }

  /** Whether output is still queued. */
  get outputPending(): boolean {
    return this.#fifo.length > 0;
  }

  override close(): void {
    for (const item of this.#fifo.splice(0)) closeProducer(item);
    super.close();
  }

  /**
   * Sends from the queue until it is empty or the socket is full, as asynchat's
   * `initiate_send` (which sends once per call; looping saves a round per chunk).
   */
  initiateSend(): void {
    while (this.#fifo.length > 0 && this.connected && !this.#awaitingProducer) {
      const first = this.#fifo[0];
      if (first === null) {
        this.#fifo.shift();
        this.handleClose();
        return;
      }
      if (first === undefined) return;
      if (!(first instanceof Uint8Array)) {
        const more = first.more();
        if (more instanceof Promise) {
          this.#awaitProducer(first, more);
          return;
        }
        if (more.length > 0)
          this.#fifo.unshift(first.freshChunks === true ? this.#own(more) : more);
        else this.#fifo.shift();
        continue;
      }
      if (first.length === 0) {
        this.#fifo.shift();
        continue;
      }
      const chunk =
        first.length > this.acOutBufferSize ? first.subarray(0, this.acOutBufferSize) : first;
      const owned = this.#owned.has(first);
      const sent = this.send(chunk, owned ? MSG_ZEROCOPY : 0);
      if (sent === 0) return;
      if (sent < first.length) {
        const rest = first.subarray(sent);
        this.#fifo[0] = owned ? this.#own(rest) : rest;
      } else this.#fifo.shift();
      if (sent < chunk.length) return;
    }
  }

  #awaitProducer(producer: Producer, pending: Promise<Uint8Array>): void {
    this.#awaitingProducer = true;
    pending.then(
      (data) => {
        this.#awaitingProducer = false;
        // Discarded or closed meanwhile: the chunk has nowhere to go.
        if (this.#fifo[0] !== producer) return;
        if (data.length > 0)
          this.#fifo.unshift(producer.freshChunks === true ? this.#own(data) : data);
        else this.#fifo.shift();
        // Outside any round: what the next producer or the socket throws is this channel's.
        this.#guarded(() => this.initiateSend());
        this.wake();
      },
      (err: unknown) => {
        this.#awaitingProducer = false;
        if (this.#fifo[0] !== producer) return;
        this.#guarded(() => {
          throw err;
        });
      },
    );
  }

  #guarded(action: () => void): void {
    try {
      action();
    } catch (err) {
      try {
        failChannel(this, err);
      } catch (exit) {
        // ExitNow from a producer: stop the loop, as it would from a hook.
        driverOf(this.map).fail(exit);
      }
    }
  }
}

function closeProducer(item: Queued): void {
  if (item !== null && !(item instanceof Uint8Array)) item.close?.();
}
