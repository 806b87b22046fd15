/**
 * `OptionList`: the options one socket stored with `setsockopt()`.
 */
import type { OptionValues } from './socket-options.js';

/** A stored option's value: a number, or the bytes of a structure (`SO_LINGER`). */
type OptionValue = number | Buffer;

/** Lists of one numeric option, by key then value, each shared by every socket holding it. */
const singles = new Map<string, Map<number, OptionList>>();
/** Bounds on {@link singles}: a program may store any numbers. */
const MAX_SINGLE_KEYS = 64;
const MAX_SINGLE_VALUES = 16;

/**
 * The options a socket stored, in the order first stored: the first in two fields, any more as
 * key/value pairs side by side in one array. A socket sets a few at most (a server sets
 * `TCP_NODELAY` on each connection, and nothing else), and a `Map`, or even an array for that
 * one option, would cost an idle connection two or three times as much; a list of one numeric
 * option is shared ({@link OptionList.of}), so those connections hold one list between them.
 * @example
 * let options = OptionList.of(optKey(IPPROTO_TCP, TCP_NODELAY), 1);
 * options = options.with(optKey(SOL_SOCKET, SO_KEEPALIVE), 1); // a copy: the first is shared
 * options.get(optKey(IPPROTO_TCP, TCP_NODELAY)); // 1
 */
export class OptionList implements OptionValues {
  readonly #firstKey: string;
  #firstValue: OptionValue;
  /** Keys at even indexes, each followed by its value: the options after the first. */
  #more: (string | OptionValue)[] | null = null;
  /** Handed to every socket that stores this one option: never changed, copied by `with()`. */
  #shared = false;

  /** Makes a list holding its first option, for one socket (see {@link OptionList.of}). */
  constructor(key: string, value: OptionValue) {
    this.#firstKey = key;
    this.#firstValue = value;
  }

  /**
   * A list holding one option, for a socket that stores its first: a shared one for a number.
   * Change it only through {@link with}.
   * @example const options = OptionList.of(optKey(IPPROTO_TCP, TCP_NODELAY), 1);
   */
  static of(key: string, value: OptionValue): OptionList {
    if (typeof value !== 'number') return new OptionList(key, value);
    let byValue = singles.get(key);
    if (byValue === undefined) {
      if (singles.size >= MAX_SINGLE_KEYS) return new OptionList(key, value);
      byValue = new Map();
      singles.set(key, byValue);
    }
    let list = byValue.get(value);
    if (list === undefined) {
      list = new OptionList(key, value);
      if (byValue.size >= MAX_SINGLE_VALUES) return list;
      list.#shared = true;
      byValue.set(value, list);
    }
    return list;
  }

  /**
   * These options with `key` stored as `value`: this list, changed, or a changed copy when
   * this one is shared. The socket keeps what it returns.
   * @example options = options.with(optKey(SOL_SOCKET, SO_KEEPALIVE), 1);
   */
  with(key: string, value: OptionValue): OptionList {
    if (!this.#shared) {
      this.set(key, value);
      return this;
    }
    if (key === this.#firstKey) return OptionList.of(key, value);
    const copy = new OptionList(this.#firstKey, this.#firstValue);
    copy.set(key, value);
    return copy;
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

  /**
   * Stores `value` for `key`, replacing what was there, in a list of one socket's own.
   * @throws {TypeError} on a shared list (use {@link with}).
   */
  set(key: string, value: OptionValue): void {
    if (this.#shared) throw new TypeError('OptionList: a shared list is changed through with()');
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
