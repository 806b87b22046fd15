/**
 * `FramingProducer`: puts a handler's body producer into the response's transfer framing.
 */
import type { Producer } from '../../../dispatch/index.js';
import type { BodyKind } from '../codec/body-framing.js';
import { encodeChunk, encodeLastChunk } from '../codec/chunked-encoder.js';

/** Told once the body's last byte was produced, with the body bytes produced in all. */
export type BodySent = (bytes: number) => void;

const EMPTY = Buffer.alloc(0);

/**
 * Frames a handler's producer: chunk framing for `chunked`, an exact count for `length` (a body
 * that runs short breaks the connection, as it can no longer be framed). It says when the last
 * byte was produced, for the access log; it knows nothing of the response it carries.
 *
 * @example
 * // Made by HttpResponse.produce():
 * new FramingProducer(fileProducer, 'chunked', null, (bytes) => sink.sent(response, bytes));
 */
export class FramingProducer implements Producer {
  /**
   * Whether each chunk is a new buffer nobody touches again, so the channel sends it uncopied
   * rather than copying every chunk of a file: a `chunked` chunk always is (the framing copies
   * the handler's bytes into it); an unframed one is when the handler's producer says so.
   */
  readonly freshChunks: boolean;
  readonly #inner: Producer;
  readonly #kind: BodyKind;
  readonly #length: number | null;
  readonly #onSent: BodySent;
  #sent = 0;
  #ended = false;

  /**
   * @param inner The handler's producer.
   * @param kind The framing chosen for the response.
   * @param length The declared length, or null.
   * @param onSent Told once the last byte was produced.
   */
  constructor(inner: Producer, kind: BodyKind, length: number | null, onSent: BodySent) {
    this.#inner = inner;
    this.freshChunks = kind === 'chunked' || inner.freshChunks === true;
    this.#kind = kind;
    this.#length = length;
    this.#onSent = onSent;
  }

  /**
   * The next framed chunk. `spare` (an earlier chunk the socket is done with) goes to the
   * handler's producer when its chunks are sent as they are, not copied into chunk framing.
   */
  more(spare?: Buffer): Uint8Array | Promise<Uint8Array> {
    if (this.#ended) return EMPTY;
    const chunk = this.#inner.more(this.#kind === 'chunked' ? undefined : spare);
    return chunk instanceof Promise ? chunk.then((c) => this.#frame(c)) : this.#frame(chunk);
  }

  close(): void {
    this.#inner.close?.();
  }

  #frame(chunk: Uint8Array): Uint8Array {
    if (chunk.length === 0) return this.#end();
    if (this.#length !== null) {
      const room = this.#length - this.#sent;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.#sent += part.length;
      if (this.#sent === this.#length) {
        this.#inner.close?.();
        this.#ended = true;
        this.#onSent(this.#sent);
      }
      return part.length > 0 ? part : this.#end();
    }
    this.#sent += chunk.length;
    return this.#kind === 'chunked' ? encodeChunk(chunk) : chunk;
  }

  #end(): Uint8Array {
    if (this.#ended) return EMPTY;
    this.#ended = true;
    this.#onSent(this.#sent);
    if (this.#length !== null && this.#sent < this.#length) {
      throw new Error(`body ended after ${this.#sent} of ${this.#length} bytes`);
    }
    return this.#kind === 'chunked' ? encodeLastChunk() : EMPTY;
  }
}
