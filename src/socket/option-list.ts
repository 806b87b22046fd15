/**
 * `OptionList`: the options one socket stored with `setsockopt()`, in one flat array.
 */
import type { OptionValues } from './socket-options.js';

/** A stored option's value: a number, or the bytes of a structure (`SO_LINGER`). */
type OptionValue = number | Buffer;

/**
 * The options a socket stored, in the order first stored: the first in two fields, any more as
 * key/value pairs side by side in one array. A socket sets a few at most (a server sets
 * `TCP_NODELAY` on each connection, and nothing else), and a `Map`, or even an array for that
 * one option, would cost an idle connection two or three times as much.
 * @example
 * const options = new OptionList(optKey(IPPROTO_TCP, TCP_NODELAY), 1);
 * options.get(optKey(IPPROTO_TCP, TCP_NODELAY)); // 1
 */
export class OptionList implements OptionValues {
  readonly #firstKey: string;
  #firstValue: OptionValue;
  /** Keys at even indexes, each followed by its value: the options after the first. */
  #more: (string | OptionValue)[] | null = null;

  /** Makes a list holding its first option (a socket makes one when it stores one). */
  constructor(key: string, value: OptionValue) {
    this.#firstKey = key;
    this.#firstValue = value;
  }

  /** The value stored for `key`, or undefined. */
  get(key: string): OptionValue | undefined {
    if (key === this.#firstKey) return this.#firstValue;
    const more = this.#more;
    if (more === null) return undefined;
    for (let i = 0; i < more.length; i += 2) {
      if (more[i] === key) return more[i + 1] as OptionValue;
    }
    return undefined;
  }

  /** Stores `value` for `key`, replacing what was there. */
  set(key: string, value: OptionValue): void {
    if (key === this.#firstKey) {
      this.#firstValue = value;
      return;
    }
    const more = this.#more;
    if (more === null) {
      this.#more = [key, value];
      return;
    }
    for (let i = 0; i < more.length; i += 2) {
      if (more[i] === key) {
        more[i + 1] = value;
        return;
      }
    }
    more.push(key, value);
  }

  /** The options as `[key, value]` pairs, in the order they were first stored. */
  *[Symbol.iterator](): IterableIterator<[string, OptionValue]> {
    yield [this.#firstKey, this.#firstValue];
    const more = this.#more;
    if (more === null) return;
    for (let i = 0; i < more.length; i += 2) {
      yield [more[i] as string, more[i + 1] as OptionValue];
    }
  }
}
