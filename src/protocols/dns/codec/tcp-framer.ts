/**
 * DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by its length
 * as a two-byte big-endian integer.
 */

/** One result of {@link DnsTcpFramer.nextEvent}. */
export type DnsTcpEvent =
  /** A complete message, without its length prefix. */
  | { readonly type: 'message'; readonly message: Buffer }
  /**
   * A message longer than `maxMessageSize`: its bytes are skipped as they arrive and framing
   * goes on with the next one. `length` is the announced length.
   */
  | { readonly type: 'too-large'; readonly length: number };

/** Options for {@link DnsTcpFramer}. */
export interface DnsTcpFramerOptions {
  /** Largest message accepted, in bytes (default 65535, the most the prefix can say). */
  readonly maxMessageSize?: number;
}

/**
 * Splits a TCP byte stream into DNS messages. Pull-style: `receiveData()` then `nextEvent()`
 * until it returns `null`. It never holds more than one message's worth of bytes beyond the
 * limit, and gives the same events however the stream is cut.
 *
 * @example
 * const framer = new DnsTcpFramer();
 * framer.receiveData(chunk);
 * for (let ev; (ev = framer.nextEvent()) !== null; ) if (ev.type === 'message') handle(ev.message);
 */
export class DnsTcpFramer {
  readonly #max: number;
  #buffer: Buffer = Buffer.alloc(0);
  /** Bytes still to drop from an over-long message. */
  #skipping = 0;

  /**
   * @param options the size limit.
   * @throws {RangeError} when `maxMessageSize` is not an integer in 12..65535.
   */
  constructor(options: DnsTcpFramerOptions = {}) {
    const max = options.maxMessageSize ?? 65535;
    if (!Number.isInteger(max) || max < 12 || max > 65535) {
      throw new RangeError(`maxMessageSize must be an integer in 12..65535, got ${max}`);
    }
    this.#max = max;
  }

  /**
   * Adds received bytes.
   *
   * @param chunk bytes from the stream (not copied unless they must be joined to earlier ones).
   */
  receiveData(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.#skipping > 0) {
      const drop = Math.min(this.#skipping, bytes.length);
      this.#skipping -= drop;
      bytes = bytes.subarray(drop);
      if (bytes.length === 0) return;
    }
    this.#buffer = this.#buffer.length === 0 ? bytes : Buffer.concat([this.#buffer, bytes]);
  }

  /**
   * Returns the next event, or `null` when more bytes are needed.
   *
   * @returns a message, a too-large report, or `null`.
   */
  nextEvent(): DnsTcpEvent | null {
    if (this.#skipping > 0 || this.#buffer.length < 2) return null;
    const length = (this.#buffer[0]! << 8) | this.#buffer[1]!;
    if (length > this.#max) {
      const available = this.#buffer.length - 2;
      const drop = Math.min(length, available);
      this.#skipping = length - drop;
      this.#buffer = this.#buffer.subarray(2 + drop);
      return { type: 'too-large', length };
    }
    if (this.#buffer.length < 2 + length) return null;
    const message = this.#buffer.subarray(2, 2 + length);
    this.#buffer = this.#buffer.subarray(2 + length);
    return { type: 'message', message };
  }

  /**
   * Whether the bytes buffered are part of a message still on its way (or of an over-long one
   * being skipped): whole messages waiting to be taken do not count, so a server can hold those
   * back without starting its slow-client clock.
   */
  get partialMessage(): boolean {
    if (this.#skipping > 0) return true;
    const buffered = this.#buffer.length;
    if (buffered === 0) return false;
    if (buffered < 2) return true;
    const length = (this.#buffer[0]! << 8) | this.#buffer[1]!;
    return length <= this.#max && buffered < 2 + length;
  }

  /** Bytes received but not yet returned in an event. */
  get bufferedLength(): number {
    return this.#buffer.length;
  }

  /**
   * Removes and returns the bytes not yet returned in an event (to hand the stream to something
   * else without losing or repeating a byte).
   *
   * @returns the unparsed bytes.
   */
  takeBuffered(): Buffer {
    const rest = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return rest;
  }
}

/**
 * Prefixes a message with its two-byte length for sending over TCP.
 *
 * @param message an encoded DNS message.
 * @returns the framed bytes.
 * @throws {RangeError} when the message is longer than 65535 bytes.
 * @example
 * socket.sendall(frame(encodeMessage(response)));
 */
export function frame(message: Uint8Array): Buffer {
  if (message.length > 0xffff)
    throw new RangeError(`DNS message of ${message.length} bytes is too long for TCP`);
  const out = Buffer.allocUnsafe(message.length + 2);
  out.writeUInt16BE(message.length, 0);
  out.set(message, 2);
  return out;
}
