/**
 * An ordered, case-insensitive list of header (or trailer) fields as they arrived.
 */

/** Anything with a case-insensitive `get`, so helpers accept `HttpHeaders` or a test double. */
export interface HeaderLookup {
  /** The combined value of the named field, or `undefined` when absent. */
  get(name: string): string | undefined;
}

/**
 * Header fields in wire order with their original spelling, and case-insensitive lookup.
 *
 * Fields are kept in one flat array (`name, value, name, value, ...`) so parsing a request makes
 * no object per field; `[name, value]` pairs are only built when iterated. Lookup is a linear scan,
 * which beats building a map for the dozen fields a real request carries.
 *
 * @example
 * const headers = HttpHeaders.from([['Host', 'example.com'], ['Accept', 'a'], ['accept', 'b']]);
 * headers.get('ACCEPT'); // 'a, b'
 * headers.getAll('accept'); // ['a', 'b']
 * [...headers]; // [['Host', 'example.com'], ['Accept', 'a'], ['accept', 'b']]
 */
export class HttpHeaders implements HeaderLookup, Iterable<readonly [string, string]> {
  readonly #flat: readonly string[];

  /**
   * Wraps a flat `name, value, ...` array without copying it; the parser hands over its own.
   *
   * @param flat Alternating names and values; the array must not be changed afterwards.
   * @throws {TypeError} When the array has an odd length.
   */
  constructor(flat: readonly string[] = []) {
    if (flat.length % 2 !== 0) throw new TypeError('HttpHeaders needs name/value pairs');
    this.#flat = flat;
  }

  /**
   * The fields as `[name, value]` pairs in order, for `JSON.stringify` (a name may repeat).
   * @example JSON.stringify(headers); // [["Host","a.test"],["Accept","*\/*"]]
   */
  toJSON(): [string, string][] {
    const pairs: [string, string][] = [];
    for (let i = 0; i < this.#flat.length; i += 2) pairs.push([this.#flat[i]!, this.#flat[i + 1]!]);
    return pairs;
  }

  /**
   * Builds headers from `[name, value]` pairs.
   *
   * @param entries The fields in order.
   * @returns The headers.
   * @example
   * HttpHeaders.from([['Host', 'a']]).get('host'); // 'a'
   */
  static from(entries: Iterable<readonly [string, string]>): HttpHeaders {
    const flat: string[] = [];
    for (const [name, value] of entries) flat.push(name, value);
    return new HttpHeaders(flat);
  }

  /** How many field lines there are. */
  get size(): number {
    return this.#flat.length >> 1;
  }

  /**
   * The name of field line `index`, as spelled on the wire.
   *
   * @param index 0-based position.
   * @returns The name.
   * @throws {RangeError} When `index` is out of range.
   */
  nameAt(index: number): string {
    const name = this.#flat[index * 2];
    if (name === undefined || !Number.isInteger(index)) throw new RangeError(`no field ${index}`);
    return name;
  }

  /**
   * The value of field line `index`.
   *
   * @param index 0-based position.
   * @returns The value, without leading or trailing whitespace.
   * @throws {RangeError} When `index` is out of range.
   */
  valueAt(index: number): string {
    const value = this.#flat[index * 2 + 1];
    if (value === undefined || !Number.isInteger(index)) throw new RangeError(`no field ${index}`);
    return value;
  }

  /**
   * The named field's value; repeated lines are joined with `", "` as RFC 9110 5.3 allows
   * (do not use this for `Set-Cookie`, use {@link getAll}).
   *
   * @param name Field name, any case.
   * @returns The combined value, or `undefined` when absent.
   */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    let found: string | undefined;
    for (let i = 0; i < this.#flat.length; i += 2) {
      if (sameName(this.#flat[i]!, wanted)) {
        const value = this.#flat[i + 1]!;
        found = found === undefined ? value : `${found}, ${value}`;
      }
    }
    return found;
  }

  /**
   * Every value of the named field, one per field line, in order.
   *
   * @param name Field name, any case.
   * @returns The values (empty when absent).
   */
  getAll(name: string): string[] {
    const wanted = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.#flat.length; i += 2) {
      if (sameName(this.#flat[i]!, wanted)) out.push(this.#flat[i + 1]!);
    }
    return out;
  }

  /**
   * Tells whether the named field is present.
   *
   * @param name Field name, any case.
   * @returns `true` when at least one line has that name.
   */
  has(name: string): boolean {
    const wanted = name.toLowerCase();
    for (let i = 0; i < this.#flat.length; i += 2) {
      if (sameName(this.#flat[i]!, wanted)) return true;
    }
    return false;
  }

  /**
   * The fields as `[name, value]` pairs in wire order.
   *
   * @returns A new array of pairs.
   */
  toArray(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 0; i < this.#flat.length; i += 2) out.push([this.#flat[i]!, this.#flat[i + 1]!]);
    return out;
  }

  /** Iterates `[name, value]` pairs in wire order. */
  *[Symbol.iterator](): Iterator<readonly [string, string]> {
    for (let i = 0; i < this.#flat.length; i += 2) yield [this.#flat[i]!, this.#flat[i + 1]!];
  }
}

/** Compares a field name with an already lower-cased one; the length test skips most work. */
function sameName(name: string, lower: string): boolean {
  return name.length === lower.length && (name === lower || name.toLowerCase() === lower);
}
