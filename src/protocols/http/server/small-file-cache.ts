/**
 * `SmallFileCache`: what the static handler learned about small files — where a request path
 * led, the validators and type, and the bytes — kept so a hot file costs one `stat` per request
 * instead of path decoding, `realpath`, `open`, `read` and `close`.
 */
import type { Stats } from 'node:fs';
import type { PreparedFields } from '../codec/prepared-fields.js';

/** A small file as last seen. */
export interface CachedFile {
  /** The path to `stat` to revalidate: the root joined with the request's segments. */
  readonly statPath: string;
  /** The resolved path (for the content type, logs). */
  readonly realPath: string;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly etag: string;
  readonly lastModified: Date;
  readonly lastModifiedText: string;
  readonly type: string;
  /** The whole content. */
  readonly bytes: Buffer;
  /**
   * The field lines a plain GET of the file is answered with, made once when the file is cached
   * (by the static handler, which knows its own options).
   */
  readonly fields?: PreparedFields;
}

/**
 * A bounded LRU of {@link CachedFile}s keyed by request path. An entry is used only while a
 * fresh `stat` of its path shows the same device, inode, size and modification time, so an
 * edited, replaced or re-linked file is read again (and re-checked against the root). With
 * `validMs`, a `stat` that found the entry unchanged is trusted that long.
 *
 * @example
 * const cache = new SmallFileCache({ maxEntries: 256, maxBytes: 8 << 20 });
 * const hit = await cache.lookupAsync('/index.html', (path) => stat(path));
 */
export class SmallFileCache {
  readonly #entries = new Map<string, Slot>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #validMs: number;
  readonly #now: () => number;
  #bytes = 0;

  /**
   * @param limits The most entries and content bytes held; `validMs`, how long a `stat` that
   *   found a file unchanged is trusted (default 0: every lookup stats, so an edit is seen by
   *   the next request); `now`, the clock in milliseconds (default `Date.now`).
   * @throws {RangeError} For a negative limit.
   */
  constructor(limits: {
    maxEntries: number;
    maxBytes: number;
    validMs?: number;
    now?: () => number;
  }) {
    const validMs = limits.validMs ?? 0;
    if (!(limits.maxEntries >= 0) || !(limits.maxBytes >= 0) || !(validMs >= 0)) {
      throw new RangeError('cache limits must be non-negative');
    }
    this.#maxEntries = limits.maxEntries;
    this.#maxBytes = limits.maxBytes;
    this.#validMs = validMs;
    this.#now = limits.now ?? Date.now;
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The entry for a request path if the file is unchanged.
   *
   * @param key The request path, as received.
   * @param stat Stats a path, or returns undefined when it is gone (`statSync` with
   *   `throwIfNoEntry: false`).
   * @returns The entry, or `undefined` (absent or stale; a stale one is dropped).
   */
  lookup(key: string, stat: (path: string) => Stats | undefined): CachedFile | undefined {
    const slot = this.#entries.get(key);
    if (slot === undefined) return undefined;
    const at = this.#trustedAt(key, slot);
    if (at === true) return slot.entry;
    let now: Stats | undefined;
    try {
      now = stat(slot.entry.statPath);
    } catch {
      now = undefined;
    }
    return this.#checked(key, slot, now, at);
  }

  /**
   * {@link lookup} with an asynchronous `stat` (`fs.promises.stat`), so that a slow disk delays
   * only this request and never the event loop. Within `validMs` of a `stat` that found the
   * file unchanged it stats nothing.
   *
   * @param key The request path, as received.
   * @param stat Stats a path; resolves to undefined (or rejects) when it is gone.
   * @returns The entry, or `undefined` (absent or stale; a stale one is dropped).
   * @example const hit = await cache.lookupAsync('/index.html', (p) => stat(p));
   */
  async lookupAsync(
    key: string,
    stat: (path: string) => Promise<Stats | undefined>,
  ): Promise<CachedFile | undefined> {
    const slot = this.#entries.get(key);
    if (slot === undefined) return undefined;
    const at = this.#trustedAt(key, slot);
    if (at === true) return slot.entry;
    // Requests for one file that arrive while its stat runs share that stat: under load one
    // stat through the thread pool answers every request of that turn, not one stat each.
    if (slot.checking === undefined) {
      slot.checking = stat(slot.entry.statPath)
        .catch(() => undefined)
        .finally(() => {
          slot.checking = undefined;
        });
    }
    const now = await slot.checking;
    // Replaced or dropped while the stat ran: the newer knowledge wins.
    if (this.#entries.get(key) !== slot) return undefined;
    return this.#checked(key, slot, now, at);
  }

  /**
   * `true` when the slot is trusted without a `stat` (within `validMs` of the last one, as
   * nginx's open_file_cache_valid: a change is then seen up to validMs late), else the time to
   * record if the coming `stat` finds the file unchanged.
   */
  #trustedAt(key: string, slot: Slot): true | number {
    const validMs = this.#validMs;
    const at = validMs > 0 ? this.#now() : 0;
    if (validMs > 0 && at - slot.checkedAt < validMs) {
      this.#touch(key, slot);
      return true;
    }
    return at;
  }

  /** Keeps the slot if `now` shows the same file, else drops it. */
  #checked(key: string, slot: Slot, now: Stats | undefined, at: number): CachedFile | undefined {
    const entry = slot.entry;
    if (
      now === undefined ||
      now.ino !== entry.ino ||
      now.dev !== entry.dev ||
      now.size !== entry.size ||
      now.mtimeMs !== entry.mtimeMs
    ) {
      this.#drop(key, entry);
      return undefined;
    }
    slot.checkedAt = at;
    this.#touch(key, slot);
    return entry;
  }

  /**
   * Remembers a file, evicting the least recently used entries to stay within the limits.
   *
   * @param key The request path.
   * @param entry What was learned.
   */
  store(key: string, entry: CachedFile): void {
    const old = this.#entries.get(key);
    if (old !== undefined) this.#drop(key, old.entry);
    if (entry.bytes.length > this.#maxBytes || this.#maxEntries === 0) return;
    // What was just read was just stat'ed: it counts as checked now.
    this.#entries.set(key, { entry, checkedAt: this.#validMs > 0 ? this.#now() : 0 });
    this.#bytes += entry.bytes.length;
    for (const [oldest, value] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#drop(oldest, value.entry);
    }
  }

  /** Most recently used goes last: Map order is the LRU order. */
  #touch(key: string, slot: Slot): void {
    this.#entries.delete(key);
    this.#entries.set(key, slot);
  }

  #drop(key: string, entry: CachedFile): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes.length;
  }
}

/** An entry, when a `stat` last found it unchanged, and the `stat` running now, if any. */
interface Slot {
  readonly entry: CachedFile;
  checkedAt: number;
  checking?: Promise<Stats | undefined> | undefined;
}
