/**
 * `chunkings()`: the ways a test feeds a codec its input. A network hands a parser its bytes in
 * pieces of any size, so a codec must give the same events whether a message arrives whole, one
 * byte at a time, or cut in two anywhere; ws, h11 and Twisted test parsers this way, and so does
 * every polyport codec test, through this one helper.
 */

/** One way of cutting an input into pieces. */
export interface Chunking<T> {
  /** What the cut is, for assertion messages: `whole`, `byte by byte` or `split at N`. */
  readonly label: string;
  /** The pieces in order; joined, they are the input. A split at 0 or at the end has an empty piece. */
  readonly chunks: T[];
  /** The offsets where the input is cut (none for `whole`), for harnesses that take offsets. */
  readonly cuts: number[];
}

/**
 * Yields every way the tests cut `input`: whole, byte by byte, then in two at each offset from
 * 0 to `input.length` (so the empty first and last pieces are tried too: a codec must take an
 * empty read).
 *
 * @param input the bytes (a `Buffer` yields `Buffer` pieces) or text (pieces are strings, cut
 *   between UTF-16 code units: use it for ASCII protocols).
 * @returns a generator of `input.length + 3` chunkings; the pieces are views, not copies.
 * @example
 * for (const { label, chunks } of chunkings(Buffer.from('QUIT\r\n'))) {
 *   const decoder = new CommandDecoder();
 *   for (const chunk of chunks) decoder.receiveData(chunk);
 *   assert.deepEqual(eventsOf(decoder), [{ type: 'command', verb: 'QUIT', arg: '' }], label);
 * }
 */
export function chunkings(input: string): Generator<Chunking<string>>;
export function chunkings<T extends Uint8Array>(input: T): Generator<Chunking<T>>;
export function* chunkings(input: string | Uint8Array): Generator<Chunking<string | Uint8Array>> {
  const cut = (cuts: number[]): Array<string | Uint8Array> => {
    const chunks: Array<string | Uint8Array> = [];
    let at = 0;
    for (const end of [...cuts, input.length]) {
      chunks.push(typeof input === 'string' ? input.slice(at, end) : input.subarray(at, end));
      at = end;
    }
    return chunks;
  };
  yield { label: 'whole', chunks: [input], cuts: [] };
  const everyByte = Array.from({ length: Math.max(0, input.length - 1) }, (_, i) => i + 1);
  yield { label: 'byte by byte', chunks: cut(everyByte), cuts: everyByte };
  for (let i = 0; i <= input.length; i++) {
    yield { label: `split at ${i}`, chunks: cut([i]), cuts: [i] };
  }
}
