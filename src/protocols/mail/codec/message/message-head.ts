/**
 * `MessageHead`: the header block of a message that arrives in chunks (SMTP DATA), kept up to
 * a bound, so a server can say what it accepted (its Subject) without reading the stored file
 * back. Pure, no I/O.
 */
import { headerField } from './header-field.js';

/** The header block's usual bound: more than any real head, little enough to hold per message. */
export const DEFAULT_HEAD_BOUND = 65_536;

/**
 * Collects the bytes of a message up to the blank line that ends its header block, or up to
 * `bound` bytes when the head is longer (the fields in those bytes are still found).
 *
 * @example
 * const head = new MessageHead();
 * head.push(Buffer.from('Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nTo: a@b.test\r\n'));
 * head.push(Buffer.from('\r\nbody\r\n'));
 * head.field('Subject'); // 'Grüße'
 */
export class MessageHead {
  readonly #bound: number;
  #bytes: Buffer = Buffer.alloc(0);
  #complete = false;

  /** @param bound the most bytes kept (default 64 KiB). */
  constructor(bound = DEFAULT_HEAD_BOUND) {
    this.#bound = bound;
  }

  /** Whether the blank line was seen or the bound reached: later chunks are not looked at. */
  get complete(): boolean {
    return this.#complete;
  }

  /**
   * Takes the next bytes of the message (after dot-unstuffing).
   * @param chunk the bytes, in order.
   */
  push(chunk: Uint8Array): void {
    if (this.#complete) return;
    const before = this.#bytes.length;
    const room = this.#bound - before;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#bytes = Buffer.concat([this.#bytes, part]);
    // A message without fields starts with its blank line.
    if (this.#bytes[0] === 0x0d || this.#bytes[0] === 0x0a) {
      this.#bytes = this.#bytes.subarray(0, 0);
      this.#complete = true;
      return;
    }
    // The blank line may straddle two chunks: look from a few bytes before this one.
    const from = Math.max(0, before - 3);
    const crlf = this.#bytes.indexOf('\r\n\r\n', from);
    const lf = this.#bytes.indexOf('\n\n', from);
    const end = crlf === -1 ? lf : lf === -1 ? crlf : Math.min(crlf, lf);
    if (end !== -1) {
      this.#bytes = this.#bytes.subarray(0, end === crlf ? end + 2 : end + 1);
      this.#complete = true;
    } else if (this.#bytes.length >= this.#bound) this.#complete = true;
  }

  /** The header block as text (UTF-8, as SMTPUTF8 clients send raw header text). */
  get text(): string {
    return this.#bytes.toString('utf8');
  }

  /**
   * A field's decoded value, `''` when absent (see `headerField`).
   * @param name the field name, any case.
   */
  field(name: string): string {
    return headerField(this.text, name);
  }
}
