/**
 * `HeadCache`: a memo around {@link framedResponseHead} for the answers a server repeats (the
 * same status, fields and length in the same second), so a repeated response is not rebuilt as
 * text and encoded again for every request.
 */
import type { BodyKind } from '../codec/body-framing.js';
import { type AnsweredRequest, framedResponseHead } from '../codec/framed-head.js';

/** Heads kept per cache: a service answers most requests with a handful of distinct heads. */
export const HEAD_CACHE_ENTRIES = 8;
/** Longer heads are not kept, so the cache holds at most `8 * 1 KiB` of heads. */
export const HEAD_CACHE_MAX_BYTES = 1024;

/** An encoded head and what it commits the response to, as {@link HeadCache.head} gives it. */
export interface EncodedHead {
  /** The head's bytes; shared between responses, so never to be changed. */
  readonly bytes: Buffer;
  readonly kind: BodyKind;
  readonly keepAlive: boolean;
  readonly declared: number | null;
}

interface Entry extends EncodedHead {
  readonly status: number;
  readonly length: number;
  readonly prepared: string;
  readonly fields: readonly string[];
}

/**
 * The request every head in the cache answers: the caller asks only for responses that
 * `lengthFramed()` accepts (an HTTP/1.1 request, not HEAD, kept alive so far), and for those
 * the version and method change nothing else in the head.
 */
const PERSISTENT_GET: AnsweredRequest = { version: '1.1', method: 'GET' };

/**
 * A small, bounded memo of {@link framedResponseHead} for heads framed by a length on a
 * persistent HTTP/1.1 exchange, keyed by everything such a head is made of: status (with the
 * standard reason), the `Date`/`Server` text, the fields set one by one (names and values in
 * order), the prepared field lines and the `Content-Length`. A hit gives exactly the bytes the
 * encoder would make. A new second changes the `Date` text and thus every key: the old heads
 * miss and are dropped, so nothing stale is ever sent. Entries are replaced round-robin; at
 * most {@link HEAD_CACHE_ENTRIES} heads of at most {@link HEAD_CACHE_MAX_BYTES} bytes each
 * are held.
 *
 * @example
 * const heads = new HeadCache();
 * heads.head(200, common, ['Content-Type', 'text/plain'], '', 14).bytes; // encoded
 * heads.head(200, common, ['Content-Type', 'text/plain'], '', 14).bytes; // the same Buffer
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
   * The head of a final response framed by `length`, from the memo or made and kept. Call it
   * only for a response `lengthFramed()` accepts with the standard reason phrase.
   *
   * @param status A final status code (200-999, not 204 or 304).
   * @param common The `Date` and `Server` lines.
   * @param fields Field names and values, alternating, in order (copied when kept).
   * @param prepared Prepared field lines sent after them.
   * @param length The `Content-Length`.
   * @returns The encoded head and its framing; the caller must not change the bytes.
   * @throws {RangeError} For a status that is not a final one.
   * @example heads.head(200, common, ['Content-Type', 'text/plain'], '', 14);
   */
  head(
    status: number,
    common: string,
    fields: readonly string[],
    prepared: string,
    length: number,
  ): EncodedHead {
    if (common === this.#common) {
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (
          entry.status === status &&
          entry.length === length &&
          entry.prepared === prepared &&
          sameFields(entry.fields, fields)
        ) {
          return entry;
        }
      }
    }
    const framed = framedResponseHead(
      PERSISTENT_GET,
      status,
      undefined,
      common,
      fields,
      prepared,
      true,
      length,
    );
    const entry: Entry = {
      bytes: Buffer.from(framed.text, 'latin1'),
      kind: framed.kind,
      keepAlive: framed.keepAlive,
      declared: framed.declared,
      status,
      length,
      prepared,
      fields: fields.slice(),
    };
    this.#keep(entry, common);
    return entry;
  }

  /** How many heads are held (for tests and status pages). */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Keeps an entry, replacing the oldest once the cache is full; one made with another
   * `Date`/`Server` text than the held ones replaces them all.
   */
  #keep(entry: Entry, common: string): void {
    if (entry.bytes.length > HEAD_CACHE_MAX_BYTES) return;
    if (common !== this.#common) {
      this.#entries = [];
      this.#next = 0;
      this.#common = common;
    }
    if (this.#entries.length < HEAD_CACHE_ENTRIES) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % HEAD_CACHE_ENTRIES;
  }
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
