/**
 * Line-end conversion for TYPE A transfers (RFC 959 3.1.1.1): the network form of a text file
 * ends lines in CRLF, the Unix form in LF.
 */

const CR = 0x0d;
const LF = 0x0a;

/**
 * Which way a converter works: `to-network` turns LF into CRLF (server RETR, client STOR);
 * `from-network` turns CRLF into LF (server STOR, client RETR).
 */
export type AsciiDirection = 'to-network' | 'from-network';

/**
 * Streaming ASCII-mode converter. Output is the same however the input is cut into chunks: a
 * CRLF already in the file is not doubled (unlike pyftpdlib's plain replace), and a CR at the end
 * of one chunk is held until the next shows whether an LF follows. A lone CR passes unchanged.
 *
 * @example
 * const c = new AsciiConverter('from-network');
 * c.transform(Buffer.from('a\r')); // <Buffer 61>
 * c.transform(Buffer.from('\nb')); // <Buffer 0a 62>
 * c.flush(); // <Buffer >
 */
export class AsciiConverter {
  readonly #direction: AsciiDirection;
  /** to-network: the last byte emitted was CR. from-network: a CR is held back. */
  #cr = false;

  /**
   * @param direction Which way to convert.
   * @throws {TypeError} If `direction` is not one of the two directions.
   */
  constructor(direction: AsciiDirection) {
    if (direction !== 'to-network' && direction !== 'from-network') {
      throw new TypeError(
        `direction must be 'to-network' or 'from-network', got ${String(direction)}`,
      );
    }
    this.#direction = direction;
  }

  /**
   * Converts one chunk.
   *
   * @param chunk The next bytes of the stream.
   * @returns The converted bytes ready to send or store (possibly empty).
   */
  transform(chunk: Uint8Array): Buffer {
    return this.#direction === 'to-network' ? this.#toNetwork(chunk) : this.#fromNetwork(chunk);
  }

  /**
   * Ends the stream.
   *
   * @returns Any byte still held (a CR that ended the stream).
   */
  flush(): Buffer {
    const held = this.#direction === 'from-network' && this.#cr;
    this.#cr = false;
    return held ? Buffer.from([CR]) : Buffer.alloc(0);
  }

  #toNetwork(chunk: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let n = 0;
    let prevCr = this.#cr;
    for (const b of chunk) {
      if (b === LF && !prevCr) out[n++] = CR;
      out[n++] = b;
      prevCr = b === CR;
    }
    if (chunk.length > 0) this.#cr = prevCr;
    return out.subarray(0, n);
  }

  #fromNetwork(chunk: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let n = 0;
    let held = this.#cr;
    for (const b of chunk) {
      if (held) {
        // The held CR is dropped only when it is the CR of a CRLF.
        if (b !== LF) out[n++] = CR;
        held = false;
      }
      if (b === CR) held = true;
      else out[n++] = b;
    }
    this.#cr = held;
    return out.subarray(0, n);
  }
}
