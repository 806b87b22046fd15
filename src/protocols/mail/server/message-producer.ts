/**
 * A message streamed from storage onto a POP3 connection, dot-stuffed, pulled only as fast as
 * the client reads.
 */
import type { Readable } from 'node:stream';
import type { Producer } from '../../../dispatch/index.js';
import { DotStuffer } from '../codec/dot-stuffer.js';

/** Options for {@link MessageProducer}. */
export interface MessageProducerOptions {
  /** For TOP: the body lines to send after the header. */
  readonly bodyLines?: number | undefined;
  /** Called on every chunk produced, so a long transfer counts as activity. */
  readonly onProgress?: () => void;
  /** Called once: `true` after the terminating dot was produced, `false` if cut short. */
  readonly onDone?: (complete: boolean) => void;
}

const EMPTY = new Uint8Array(0);

/**
 * A `Producer` for `AsyncChat.pushWithProducer`: reads the message stream one chunk per
 * `more()` (so a slow client leaves the rest on disk — never the whole message in memory),
 * dot-stuffs it, and ends with `.` CRLF. For TOP it stops reading once the cut is reached.
 *
 * @example
 * const producer = new MessageProducer(await maildir.open(id), { onDone: () => session.retrieveDone() });
 * channel.pushWithProducer(producer);
 */
export class MessageProducer implements Producer {
  readonly #stream: Readable;
  readonly #iterator: AsyncIterator<unknown>;
  readonly #stuffer: DotStuffer;
  readonly #options: MessageProducerOptions;
  #state: 'reading' | 'ended' | 'closed' = 'reading';

  /**
   * @param stream The message's bytes.
   * @param options TOP's body line count and progress and completion callbacks.
   * @throws {RangeError} If `bodyLines` is not a non-negative integer.
   */
  constructor(stream: Readable, options: MessageProducerOptions = {}) {
    this.#stream = stream;
    this.#iterator = stream[Symbol.asyncIterator]();
    this.#stuffer = new DotStuffer(
      options.bodyLines === undefined ? {} : { bodyLines: options.bodyLines },
    );
    this.#options = options;
  }

  /**
   * The next stuffed bytes; an empty array once the terminator was produced.
   * @returns The bytes, or a promise of them while the file is read.
   * @throws {Error} (as a rejected promise) If reading the message fails; the channel then
   *   closes, which a POP3 client sees as an aborted transfer, never as a complete message.
   */
  async more(): Promise<Uint8Array> {
    while (this.#state === 'reading') {
      if (this.#stuffer.done) return this.#finish();
      let next: IteratorResult<unknown>;
      try {
        next = await this.#iterator.next();
      } catch (err) {
        this.close();
        throw err;
      }
      if (this.#state !== 'reading') break;
      if (next.done === true) return this.#finish();
      const out = this.#stuffer.push(next.value as Uint8Array);
      this.#options.onProgress?.();
      if (out.length > 0) return out;
    }
    return EMPTY;
  }

  /** Stops reading and releases the file (the channel closed early). */
  close(): void {
    if (this.#state === 'closed') return;
    const complete = this.#state === 'ended';
    this.#state = 'closed';
    this.#stream.destroy();
    this.#options.onDone?.(complete);
  }

  #finish(): Uint8Array {
    const tail = this.#stuffer.end();
    this.#state = 'ended';
    this.close();
    return tail;
  }
}
