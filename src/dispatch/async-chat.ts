/**
 * asynchat's `async_chat`: a dispatcher that splits its input at a terminator (a string, a byte
 * count, or none) and sends its output from a queue of buffers and producers.
 */
import { ChunkRecycler } from '../socket/chunk-recycler.js';
import type { SendOptions } from '../socket/index.js';
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
const OWNED: SendOptions = { owned: true };
const COPIED: SendOptions = {};

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
  /**
   * Gives the buffers of fresh producer chunks back to their producer, to read a file's next
   * bytes into, once the socket is done with them: new memory per chunk cost a 200 MB download
   * a page fault per 4 KiB and most of its garbage collection. Made for the first chunk it can
   * reuse (a small file's one chunk is none), dropped when the queue runs empty, so an idle
   * connection keeps no spare buffers. Bytes sent before it was made are not counted, which only
   * makes a chunk come back later.
   */
  #recycler: ChunkRecycler | null = null;
  /**
   * Bytes queued: the buffers in the queue plus each queued producer's credit (what it said it
   * will still produce). Kept as a running sum so `queuedBytes` costs nothing per call.
   */
  #queuedBytes = 0;
  /** What each queued producer was counted for and has not produced yet. */
  readonly #credit = new Map<Producer, number>();

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
   * @param options `owned` hands the buffer over instead: nothing is copied, and the caller
   *   must not change it afterwards.
   * @throws {TypeError} when `data` is not bytes or a string.
   * @example chat.push(freshChunk, { owned: true });
   */
  push(data: Uint8Array | string, options: SendOptions = {}): void {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      throw new TypeError(`push(): data must be a Uint8Array or a string, got ${typeof data}`);
    }
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (bytes.length === 0) return;
    const handedOver = typeof data === 'string' || options.owned === true;
    let rest = bytes;
    if (this.#fifo.length === 0 && this.connected) {
      // Nothing queued ahead: straight to the socket (which copies unless handed over), so a
      // reply that fits costs no queue bookkeeping; only what it does not take now is queued.
      const sent = this.send(bytes, handedOver ? OWNED : COPIED);
      if (sent >= bytes.length || this.socket === null) return;
      rest = bytes.subarray(sent);
    }
    // What waits in the queue must be the channel's own: the caller may reuse its buffer as
    // soon as push() returns, unless it handed the buffer over.
    this.#fifo.push(this.#own(handedOver ? rest : Buffer.from(rest)));
    this.#queuedBytes += rest.length;
    this.initiateSend();
  }

  #own(bytes: Uint8Array): Uint8Array {
    this.#owned.add(bytes);
    return bytes;
  }

  /** A fresh producer chunk, queued first: the channel's own, and given back once sent. */
  #fresh(chunk: Uint8Array): Uint8Array {
    if (ChunkRecycler.reuses(chunk)) (this.#recycler ??= new ChunkRecycler()).reading(chunk);
    return this.#own(chunk);
  }

  /** A buffer of an earlier fresh chunk that the socket is done with, for the next chunk. */
  #spare(): Buffer | undefined {
    if (this.#recycler === null) return undefined;
    const socket = this.socket as { readonly pendingSendBytes?: number } | null;
    return this.#recycler.take(socket?.pendingSendBytes);
  }

  /**
   * Queues a producer; it is pulled from when the socket can take more.
   * @param producer the source.
   * @param size the bytes it will produce, when known (a file's length): they count in
   *   {@link queuedBytes} from now on, before they are read. Unknown (the default), it counts as
   *   one chunk (`acOutBufferSize`), what it holds once pulled, so a bound on queued bytes also
   *   bounds how many such producers wait.
   * @throws {RangeError} for a size that is not a non-negative integer.
   * @example chat.pushWithProducer(new FileProducer(path, { end: size }), size);
   */
  pushWithProducer(producer: Producer, size?: number): void {
    const credit = size ?? this.acOutBufferSize;
    if (!Number.isSafeInteger(credit) || credit < 0) {
      throw new RangeError(
        `pushWithProducer(): size must be a non-negative integer, got ${String(size)}`,
      );
    }
    if (credit > 0) {
      this.#credit.set(producer, (this.#credit.get(producer) ?? 0) + credit);
      this.#queuedBytes += credit;
    }
    this.#fifo.push(producer);
    this.initiateSend();
  }

  /**
   * Bytes queued and not yet sent: buffers, plus what queued producers will still produce (by
   * the size given to {@link pushWithProducer}). Servers stop reading requests while it is over
   * their bound (backpressure). O(1).
   */
  get queuedBytes(): number {
    return this.#queuedBytes;
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
    this.#dropQueue();
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
    this.#dropQueue();
    super.close();
  }

  #dropQueue(): void {
    this.#queuedBytes = 0;
    this.#recycler = null;
    this.#credit.clear();
    for (const item of this.#fifo.splice(0)) closeProducer(item);
  }

  /** A queued producer made `chunk`: it now counts as a buffer, not as the producer's credit. */
  #produced(producer: Producer, chunk: Uint8Array): void {
    this.#queuedBytes += chunk.length;
    const credit = this.#credit.get(producer);
    if (credit === undefined) return;
    const used = Math.min(credit, chunk.length);
    this.#queuedBytes -= used;
    if (used === credit) this.#credit.delete(producer);
    else this.#credit.set(producer, credit - used);
  }

  /** A producer left the queue: what it was counted for and did not produce goes. */
  #retired(producer: Producer): void {
    const credit = this.#credit.get(producer);
    if (credit === undefined) return;
    this.#queuedBytes -= credit;
    this.#credit.delete(producer);
  }

  /**
   * Sends from the queue until it is empty or the socket is full, as asynchat's
   * `initiate_send` (which sends once per call; looping saves a round per chunk).
   */
  initiateSend(): void {
    this.#sendQueued();
    if (this.#fifo.length === 0) this.#recycler = null;
  }

  #sendQueued(): void {
    while (this.#fifo.length > 0 && this.connected && !this.#awaitingProducer) {
      const first = this.#fifo[0];
      if (first === null) {
        this.#fifo.shift();
        this.handleClose();
        return;
      }
      if (first === undefined) return;
      if (!(first instanceof Uint8Array)) {
        const fresh = first.freshChunks === true;
        const more = fresh ? first.more(this.#spare()) : first.more();
        if (more instanceof Promise) {
          this.#awaitProducer(first, more);
          return;
        }
        if (more.length > 0) {
          this.#fifo.unshift(fresh ? this.#fresh(more) : more);
          this.#produced(first, more);
        } else {
          this.#fifo.shift();
          this.#retired(first);
        }
        continue;
      }
      if (first.length === 0) {
        this.#fifo.shift();
        continue;
      }
      const chunk =
        first.length > this.acOutBufferSize ? first.subarray(0, this.acOutBufferSize) : first;
      const owned = this.#owned.has(first);
      const sent = this.send(chunk, owned ? OWNED : COPIED);
      if (sent === 0) return;
      this.#recycler?.handed(sent);
      this.#queuedBytes -= sent;
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
        if (data.length > 0) {
          this.#fifo.unshift(producer.freshChunks === true ? this.#fresh(data) : data);
          this.#produced(producer, data);
        } else {
          this.#fifo.shift();
          this.#retired(producer);
        }
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
