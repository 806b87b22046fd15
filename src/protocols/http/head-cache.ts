/**
 * `HeadCache`: encoded response heads kept for answers a server repeats (the same status,
 * fields and length in the same second), so a repeated response is not rebuilt as text and
 * encoded again for every request.
 */

/** Heads kept per cache: a service answers most requests with a handful of distinct heads. */
export const HEAD_CACHE_ENTRIES = 8;
/** Longer heads are not kept, so the cache holds at most `8 * 1 KiB` of heads. */
export const HEAD_CACHE_MAX_BYTES = 1024;

interface Entry {
  status: number;
  length: number;
  prepared: string;
  fields: readonly string[];
  head: Buffer;
}

/**
 * A small, bounded cache of encoded heads keyed by everything a fast-path head is made of:
 * status (with the standard reason), the `Date`/`Server` text, the fields set one by one (names
 * and values in order), the prepared field lines and the `Content-Length`. Only heads of
 * keep-alive HTTP/1.1 responses framed by a length are stored (the caller decides), so the key
 * says everything about the bytes. A new second changes the `Date` text and thus every key:
 * the old heads miss and are dropped, so nothing stale is ever sent. Entries are replaced
 * round-robin; at most {@link HEAD_CACHE_ENTRIES} heads of at most
 * {@link HEAD_CACHE_MAX_BYTES} bytes each are held.
 *
 * @example
 * const heads = new HeadCache();
 * heads.store(200, common, [], '', 14, Buffer.from(text, 'latin1'));
 * heads.find(200, common, [], '', 14); // the same Buffer
 */
export class HeadCache {
  #entries: Entry[] = [];
  #next = 0;
  /**
   * The `Date`/`Server` text every held head was made with. Heads made with another text can
   * never match again once it changed (the clock moved on), so they are dropped together
   * rather than compared, entry by entry, on every look-up.
   */
  #common = '';

  /**
   * The head stored for this key, if any. The caller must not change the returned bytes.
   *
   * @param status The status code.
   * @param common The `Date` and `Server` lines.
   * @param fields Field names and values, alternating, in order.
   * @param prepared Prepared field lines sent after them.
   * @param length The `Content-Length`.
   * @returns The encoded head, or `undefined`.
   * @example heads.find(200, common, ['Content-Type', 'text/plain'], '', 14);
   */
  find(
    status: number,
    common: string,
    fields: readonly string[],
    prepared: string,
    length: number,
  ): Buffer | undefined {
    if (common !== this.#common) return undefined;
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (
        entry.status === status &&
        entry.length === length &&
        entry.prepared === prepared &&
        sameFields(entry.fields, fields)
      ) {
        return entry.head;
      }
    }
    return undefined;
  }

  /**
   * Keeps a head for its key, replacing the oldest entry once the cache is full; a head made
   * with another `Date`/`Server` text than the held ones replaces them all. Heads longer than
   * {@link HEAD_CACHE_MAX_BYTES} are not kept.
   *
   * @param status The status code.
   * @param common The `Date` and `Server` lines.
   * @param fields Field names and values (copied: the caller may change its array later).
   * @param prepared Prepared field lines.
   * @param length The `Content-Length`.
   * @param head The encoded head; it must not change afterwards.
   * @example heads.store(200, common, [], '', 14, head);
   */
  store(
    status: number,
    common: string,
    fields: readonly string[],
    prepared: string,
    length: number,
    head: Buffer,
  ): void {
    if (head.length > HEAD_CACHE_MAX_BYTES) return;
    if (common !== this.#common) {
      this.#entries = [];
      this.#next = 0;
      this.#common = common;
    }
    const entry: Entry = { status, length, prepared, fields: fields.slice(), head };
    if (this.#entries.length < HEAD_CACHE_ENTRIES) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % HEAD_CACHE_ENTRIES;
  }

  /** How many heads are held (for tests and status pages). */
  get size(): number {
    return this.#entries.length;
  }
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
