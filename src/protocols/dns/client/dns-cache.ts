/**
 * The cache of a forwarding resolver: answers by (name, type, class) for their TTL, NXDOMAIN and
 * NODATA for the SOA-derived negative TTL (RFC 2308), at most `maxEntries` entries evicted least
 * recently used first. Pure: the clock is injected.
 */
import { Rcode, RRType } from '../codec/constants.js';
import type { DnsMessage } from '../codec/message.js';
import { canonicalName, isSubdomain } from '../codec/name.js';
import type { DnsRecord } from '../codec/rdata.js';
import { scrubResponse } from '../codec/scrub-response.js';

/** Options for {@link DnsCache}. */
export interface DnsCacheOptions {
  /** Milliseconds since some epoch; the cache never reads a clock of its own. */
  readonly now: () => number;
  /** Most entries held (default 10000). */
  readonly maxEntries?: number;
  /** Longest a positive entry is kept, in seconds (default 86400). */
  readonly maxTtl?: number;
  /** Longest a negative entry is kept, in seconds (default 10800, RFC 2308 §5). */
  readonly maxNegativeTtl?: number;
}

/** What {@link DnsCache.get} found. TTLs are what is left of them, in whole seconds. */
export type CacheResult =
  | { readonly type: 'records'; readonly records: readonly DnsRecord[] }
  /** The name does not exist (for any type). */
  | { readonly type: 'nxdomain'; readonly soa: DnsRecord }
  /** The name exists but has no records of this type. */
  | { readonly type: 'nodata'; readonly soa: DnsRecord };

interface Entry {
  readonly kind: 'records' | 'nxdomain' | 'nodata';
  readonly records: readonly DnsRecord[];
  readonly stored: number;
  readonly expires: number;
}

/** Wildcard type in keys: an NXDOMAIN covers every type of its name. */
const ALL_TYPES = -1;

/**
 * A TTL-respecting LRU cache of DNS data.
 *
 * @example
 * const cache = new DnsCache({ now: () => clock.now() });
 * cache.storeResponse(response);
 * cache.get('www.example.test', RRType.A); // { type: 'records', records: [...] }
 */
export class DnsCache {
  readonly #now: () => number;
  readonly #max: number;
  readonly #maxTtl: number;
  readonly #maxNegativeTtl: number;
  /** Map iteration order is insertion order: re-inserting on use makes the first key the LRU. */
  readonly #entries = new Map<string, Entry>();

  /**
   * @param options the clock and limits.
   * @throws {RangeError} when `maxEntries` is not a positive integer.
   */
  constructor(options: DnsCacheOptions) {
    const max = options.maxEntries ?? 10000;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxEntries must be a positive integer, got ${max}`);
    this.#now = options.now;
    this.#max = max;
    this.#maxTtl = options.maxTtl ?? 86400;
    this.#maxNegativeTtl = options.maxNegativeTtl ?? 10800;
  }

  /** Entries held, expired ones included until they are looked up or pruned. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Caches an RRset (or a CNAME chain) for a question; it lives for the smallest TTL among the
   * records. Records with TTL 0 are not cached.
   *
   * @param name the question name.
   * @param type the question type.
   * @param records the records answering it.
   * @param klass the class (default IN).
   */
  set(name: string, type: number, records: readonly DnsRecord[], klass = 1): void {
    if (records.length === 0) return;
    const ttl = Math.min(this.#maxTtl, ...records.map((r) => r.ttl));
    this.#put(key(name, type, klass), 'records', records, ttl);
  }

  /**
   * Caches a negative answer. Its TTL is min(SOA TTL, SOA minimum) (RFC 2308 §5); without a
   * SOA nothing is cached, as RFC 2308 asks.
   *
   * @param name the question name.
   * @param type the question type (ignored for NXDOMAIN, which covers every type).
   * @param kind `nxdomain` or `nodata`.
   * @param soa the SOA from the authority section.
   * @param klass the class (default IN).
   */
  setNegative(
    name: string,
    type: number,
    kind: 'nxdomain' | 'nodata',
    soa: DnsRecord,
    klass = 1,
  ): void {
    if (soa.data.kind !== 'SOA') return;
    const ttl = Math.min(soa.ttl, soa.data.minimum, this.#maxNegativeTtl);
    this.#put(key(name, kind === 'nxdomain' ? ALL_TYPES : type, klass), kind, [soa], ttl);
  }

  /**
   * Caches what a forwarded response says about its question: the answer records, or an
   * NXDOMAIN / NODATA with its SOA. Only records relevant to the question are kept (see
   * {@link scrubResponse}): an upstream cannot plant data for other names. A negative answer
   * is cached only with an SOA owned by the question name or an ancestor — the zone that can
   * say the name or type does not exist — and an NXDOMAIN at the end of a CNAME chain not at
   * all (the question name exists; its target does not). Truncated responses and other rcodes
   * are not cached.
   *
   * @param response a decoded response with one question.
   * @returns whether anything was cached.
   * @example
   * cache.storeResponse(decodeMessage(upstreamReply));
   */
  storeResponse(upstream: DnsMessage): boolean {
    const q = upstream.questions[0];
    if (!upstream.qr || upstream.tc || q === undefined || upstream.questions.length !== 1)
      return false;
    const response = scrubResponse(upstream);
    const qname = canonicalName(q.name);
    const soa = response.authorities.find(
      (r) => r.type === RRType.SOA && isSubdomain(qname, canonicalName(r.name)),
    );
    if (response.rcode === Rcode.NXDOMAIN) {
      if (soa === undefined || response.answers.length > 0) return false;
      this.setNegative(q.name, q.type, 'nxdomain', soa, q.class);
      return true;
    }
    if (response.rcode !== Rcode.NOERROR) return false;
    if (response.answers.length > 0) {
      this.set(q.name, q.type, response.answers, q.class);
      return true;
    }
    if (soa === undefined) return false;
    this.setNegative(q.name, q.type, 'nodata', soa, q.class);
    return true;
  }

  /**
   * Looks up a question. Returned records carry their remaining TTL.
   *
   * @param name the name (any case).
   * @param type the type.
   * @param klass the class (default IN).
   * @returns what is cached, or `null`.
   */
  get(name: string, type: number, klass = 1): CacheResult | null {
    const now = this.#now();
    const exact = key(name, type, klass);
    const entry = this.#fresh(exact, now) ?? this.#fresh(key(name, ALL_TYPES, klass), now);
    if (entry === null) return null;
    const elapsed = Math.floor((now - entry.stored) / 1000);
    const records = entry.records.map((r) => ({ ...r, ttl: Math.max(0, r.ttl - elapsed) }));
    if (entry.kind === 'records') return { type: 'records', records };
    return { type: entry.kind, soa: records[0]! };
  }

  /**
   * Drops expired entries.
   *
   * @returns how many were dropped.
   */
  prune(): number {
    const now = this.#now();
    let n = 0;
    for (const [k, e] of this.#entries) {
      if (e.expires <= now) {
        this.#entries.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Empties the cache. */
  clear(): void {
    this.#entries.clear();
  }

  #fresh(k: string, now: number): Entry | null {
    const entry = this.#entries.get(k);
    if (entry === undefined) return null;
    this.#entries.delete(k);
    if (entry.expires <= now) return null;
    this.#entries.set(k, entry);
    return entry;
  }

  #put(k: string, kind: Entry['kind'], records: readonly DnsRecord[], ttl: number): void {
    if (ttl <= 0) return;
    const now = this.#now();
    // Each record keeps its own TTL, capped to the entry's, so decrementing stays consistent.
    const capped = records.map((r) => (r.ttl > ttl ? { ...r, ttl } : r));
    this.#entries.delete(k);
    this.#entries.set(k, { kind, records: capped, stored: now, expires: now + ttl * 1000 });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}

function key(name: string, type: number, klass: number): string {
  return `${canonicalName(name)}|${type}|${klass}`;
}
