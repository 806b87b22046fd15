/**
 * `OptionList`: the options one socket stored with `setsockopt()`, in one flat array.
 */
import type { OptionValues } from './socket-options.js';

/** A stored option's value: a number, or the bytes of a structure (`SO_LINGER`). */
type OptionValue = number | Buffer;

/**
 * The options a socket stored, as key/value pairs side by side in one array: a socket sets a
 * few at most (a server sets `TCP_NODELAY` on each connection), and a `Map` would cost an idle
 * connection about twice as much.
 * @example
 * const options = new OptionList(optKey(IPPROTO_TCP, TCP_NODELAY), 1);
 * options.get(optKey(IPPROTO_TCP, TCP_NODELAY)); // 1
 */
export class OptionList implements OptionValues {
  /** Keys at even indexes, each followed by its value. */
  readonly #entries: (string | OptionValue)[];

  /** Makes a list holding its first option (a socket makes one when it stores one). */
  constructor(key: string, value: OptionValue) {
    // An array literal gets room for exactly two; pushing into an empty one reserves seventeen.
    this.#entries = [key, value];
  }

  /** The value stored for `key`, or undefined. */
  get(key: string): OptionValue | undefined {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i += 2) {
      if (entries[i] === key) return entries[i + 1] as OptionValue;
    }
    return undefined;
  }

  /** Stores `value` for `key`, replacing what was there. */
  set(key: string, value: OptionValue): void {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i += 2) {
      if (entries[i] === key) {
        entries[i + 1] = value;
        return;
      }
    }
    entries.push(key, value);
  }

  /** The options as `[key, value]` pairs, in the order they were first stored. */
  *[Symbol.iterator](): IterableIterator<[string, OptionValue]> {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i += 2) {
      yield [entries[i] as string, entries[i + 1] as OptionValue];
    }
  }
}
