/**
 * `iterableProducer()`: a dispatch `Producer` over an async iterable (a Node `Readable`, an
 * async generator), for response bodies pulled only as fast as the client reads.
 */
import type { Producer } from '../../../dispatch/index.js';

const EMPTY = Buffer.alloc(0);

/**
 * Wraps an async iterable as a producer: each `more()` pulls the next chunk (strings as UTF-8),
 * an exhausted source gives an empty chunk, and `close()` stops the source early.
 *
 * @param source The chunks.
 * @returns The producer, and a promise that settles once the source is exhausted or closed
 *   (or rejects with the source's error).
 * @example
 * const { producer, done } = iterableProducer(createReadStream(path));
 * response.produce(producer);
 * await done;
 */
export function iterableProducer(source: AsyncIterable<Uint8Array | string>): {
  producer: Producer;
  done: Promise<void>;
} {
  const iterator = source[Symbol.asyncIterator]();
  let settle!: { resolve: () => void; reject: (err: unknown) => void };
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const producer: Producer = {
    more: () =>
      iterator.next().then(
        (step) => {
          if (step.done === true) {
            settle.resolve();
            return EMPTY;
          }
          const value = step.value;
          return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
        },
        (err: unknown) => {
          settle.reject(err);
          throw err;
        },
      ),
    close: () => {
      void iterator.return?.();
      settle.resolve();
    },
  };
  return { producer, done };
}
