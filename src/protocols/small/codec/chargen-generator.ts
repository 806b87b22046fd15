/**
 * The Character Generator Protocol (RFC 864): an endless stream of printable ASCII lines.
 */

/** Characters on each chargen line, before its CRLF (RFC 864). */
export const CHARGEN_LINE_LENGTH = 72;
/** Bytes on each chargen line with its CRLF. */
export const CHARGEN_LINE_BYTES = CHARGEN_LINE_LENGTH + 2;
/** Printable ASCII characters, and so lines, in one turn of the pattern. */
export const CHARGEN_LINES = 95;
/** Bytes after which the stream repeats: 95 lines of 74 bytes. */
export const CHARGEN_CYCLE_BYTES = CHARGEN_LINES * CHARGEN_LINE_BYTES;
/** The largest UDP answer, in characters (RFC 864: "between 0 and 512"). */
export const CHARGEN_MAX_DATAGRAM = 512;

/**
 * The ring of RFC 864: the 95 printable characters in the order its example shows, `!` first
 * and the space last, so that line 0 is `!"#$%&'()*+,-./0123456789:;<=>?@ABC…abcdefgh`.
 */
const RING = `${String.fromCharCode(...Array.from({ length: 94 }, (_, i) => 0x21 + i))} `;

/**
 * Two turns of the pattern back to back, built once: any run of up to one turn, starting
 * anywhere, is then one contiguous slice, so the TCP stream is served without copying.
 */
const PATTERN: Buffer = (() => {
  const turn = Buffer.alloc(CHARGEN_CYCLE_BYTES);
  for (let line = 0; line < CHARGEN_LINES; line++) {
    const text = (RING + RING).slice(line, line + CHARGEN_LINE_LENGTH);
    turn.write(`${text}\r\n`, line * CHARGEN_LINE_BYTES, 'latin1');
  }
  return Buffer.concat([turn, turn]);
})();

/**
 * Gives line `n` of the RFC 864 pattern (line `n` starts with ring character `n mod 95`).
 *
 * @param n A line number, 0 or more.
 * @returns The 72 characters, without the CRLF.
 * @throws {RangeError} If `n` is not a non-negative safe integer.
 * @example
 * chargenLine(1); // '"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghi'
 */
export function chargenLine(n: number): string {
  checkOffset(n, 'line');
  const start = (n % CHARGEN_LINES) * CHARGEN_LINE_BYTES;
  return PATTERN.toString('latin1', start, start + CHARGEN_LINE_LENGTH);
}

function checkOffset(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

/**
 * The chargen byte stream from any offset. `nextChunk()` hands out slices of one shared,
 * precomputed pattern, so a server can write chunk after chunk without allocating; the slices
 * must not be modified. Iterating the generator gives full-turn chunks forever.
 *
 * @example
 * const gen = new ChargenGenerator();
 * gen.nextChunk(4).toString(); // '!"#$'
 * gen.position; // 4
 * for (const chunk of gen) if (!socket.write(chunk)) break; // wait for 'drain', go on later
 */
export class ChargenGenerator implements Iterable<Buffer> {
  #position: number;

  /**
   * @param offset Where in the stream to start, in bytes (0 is the start of line 0).
   * @throws {RangeError} If `offset` is not a non-negative safe integer.
   */
  constructor(offset = 0) {
    checkOffset(offset, 'offset');
    this.#position = offset;
  }

  /** Bytes of the stream before the next one to be given (the starting offset included). */
  get position(): number {
    return this.#position;
  }

  /**
   * Gives the next `size` bytes of the stream as a view of the shared pattern (do not modify).
   *
   * @param size Bytes wanted, 1 to {@link CHARGEN_CYCLE_BYTES} (the default, one full turn).
   * @returns Exactly `size` bytes.
   * @throws {RangeError} If `size` is out of range.
   * @example
   * new ChargenGenerator(72).nextChunk(3); // <Buffer 0d 0a 22>: CRLF, then line 1
   */
  nextChunk(size: number = CHARGEN_CYCLE_BYTES): Buffer {
    if (!Number.isInteger(size) || size < 1 || size > CHARGEN_CYCLE_BYTES) {
      throw new RangeError(`size must be 1..${CHARGEN_CYCLE_BYTES}, got ${size}`);
    }
    const start = this.#position % CHARGEN_CYCLE_BYTES;
    this.#position += size;
    return PATTERN.subarray(start, start + size);
  }

  /**
   * Gives the next `length` bytes of the stream in a new buffer of its own, of any length.
   *
   * @param length Bytes wanted, 0 or more.
   * @returns A fresh buffer of exactly `length` bytes.
   * @throws {RangeError} If `length` is not a non-negative safe integer.
   * @example
   * new ChargenGenerator().read(20_000).length; // 20000, across turns of the pattern
   */
  read(length: number): Buffer {
    checkOffset(length, 'length');
    const out = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.nextChunk(Math.min(length - filled, CHARGEN_CYCLE_BYTES));
      chunk.copy(out, filled);
      filled += chunk.length;
    }
    return out;
  }

  /** Yields full-turn chunks of the stream without end. */
  *[Symbol.iterator](): Iterator<Buffer> {
    for (;;) yield this.nextChunk();
  }
}

/** Options for {@link chargenDatagram}. */
export interface ChargenDatagramOptions {
  /** Largest answer in characters (default and RFC maximum 512). */
  readonly maxLength?: number;
  /** Where in the stream the answer starts (default 0: RFC 864 keeps no state between datagrams). */
  readonly offset?: number;
}

/**
 * Builds the UDP chargen answer: a random number, 0 to 512, of pattern characters (RFC 864).
 *
 * @param random A source of uniform numbers in [0, 1), such as `Math.random`; injected so that
 *   tests and replays are reproducible.
 * @param options The largest length and the stream offset.
 * @returns A fresh buffer of `floor(random() * (maxLength + 1))` bytes.
 * @throws {RangeError} If `random()` returns a number outside [0, 1), `maxLength` is not 0 to
 *   512, or `offset` is not a non-negative safe integer.
 * @example
 * chargenDatagram(() => 0.01).toString(); // '!"#$%' (5 characters)
 */
export function chargenDatagram(
  random: () => number,
  options: ChargenDatagramOptions = {},
): Buffer {
  const max = options.maxLength ?? CHARGEN_MAX_DATAGRAM;
  if (!Number.isInteger(max) || max < 0 || max > CHARGEN_MAX_DATAGRAM) {
    throw new RangeError(`maxLength must be 0..${CHARGEN_MAX_DATAGRAM}, got ${max}`);
  }
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return [0, 1), got ${r}`);
  return new ChargenGenerator(options.offset ?? 0).read(Math.floor(r * (max + 1)));
}
