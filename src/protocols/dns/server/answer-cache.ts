/**
 * `AnswerCache`: encoded authoritative responses by the query bytes that decide them, so a
 * repeated question skips decoding, the zone walk and encoding (issue 8). A DNS server sees the
 * same few questions again and again; answering one from here is a map lookup and a copy.
 */
import type { ZoneSet } from '../codec/zone-set.js';

/** Options for {@link AnswerCache}. */
export interface AnswerCacheOptions {
  /** Most responses held (default 1024). */
  readonly maxEntries?: number;
  /** Most bytes held, keys and responses together (default 1 MiB). */
  readonly maxBytes?: number;
  /** Longest query cached, in bytes; longer ones are answered afresh each time (default 512). */
  readonly maxQueryLength?: number;
}

/** What the query log needs about a cached response, besides the bytes. */
export interface CachedAnswerFields {
  /** The question's name as asked (the key holds its case, so this matches). */
  readonly name: string;
  /** The question's type, as text. */
  readonly type: string;
  /** The response code, as text. */
  readonly rcode: string;
}

/** One cached response. */
export interface CachedAnswer extends CachedAnswerFields {
  /** The encoded response with the ID of the query that filled the entry: never sent as is. */
  readonly bytes: Buffer;
}

/** Which cache a query belongs to: the transport decides the size limit, hence the bytes. */
export type AnswerCacheTransport = 'udp' | 'tcp';

/**
 * The response for a query is a pure function of the zones, the handler's options and the
 * query's bytes after the 2-byte ID (flags, question, EDNS OPT and anything else it carries),
 * plus the transport, which sets the size limit. So those bytes, as a string, are the key, and
 * the response differs from a cached one only in its ID. The zones are checked by generation on
 * every call: any `ZoneSet.add()` or `remove()` empties the cache before it can answer again.
 * Bounded by entries and bytes; the oldest entry goes first (insertion order: no bookkeeping on
 * a hit, and a hot entry evicted is refilled by its next query).
 *
 * @example
 * const cache = new AnswerCache(zones);
 * const hit = cache.get(query, 'udp');
 * const out = hit === undefined ? answerAfresh(query) : AnswerCache.reply(hit, query);
 */
export class AnswerCache {
  readonly #zones: ZoneSet;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #maxQuery: number;
  readonly #udp = new Map<string, CachedAnswer>();
  readonly #tcp = new Map<string, CachedAnswer>();
  #bytes = 0;
  #generation: number;
  /** Queries answered from the cache. */
  hits = 0;
  /** Queries looked up and not found. */
  misses = 0;

  /**
   * @param zones the zones the cached answers come from; their generation guards every lookup.
   * @param options bounds.
   * @throws {RangeError} when a bound is not a positive integer.
   */
  constructor(zones: ZoneSet, options: AnswerCacheOptions = {}) {
    this.#zones = zones;
    this.#maxEntries = positive(options.maxEntries ?? 1024, 'maxEntries');
    this.#maxBytes = positive(options.maxBytes ?? 1024 * 1024, 'maxBytes');
    this.#maxQuery = positive(options.maxQueryLength ?? 512, 'maxQueryLength');
    this.#generation = zones.generation;
  }

  /** Responses held. */
  get size(): number {
    return this.#udp.size + this.#tcp.size;
  }

  /** Bytes held (keys and responses). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The cached response for a query, if any.
   *
   * @param query the query's bytes as received (for TCP without the length prefix).
   * @param transport how it came.
   * @returns the entry (send it through {@link AnswerCache.reply}), or `undefined`.
   * @example
   * const hit = cache.get(datagram, 'udp');
   */
  get(query: Uint8Array, transport: AnswerCacheTransport): CachedAnswer | undefined {
    if (this.#zones.generation !== this.#generation) this.#reset();
    if (query.length > this.#maxQuery || this.size === 0) return undefined;
    const hit = (transport === 'udp' ? this.#udp : this.#tcp).get(keyOf(query));
    if (hit === undefined) this.misses++;
    else this.hits++;
    return hit;
  }

  /**
   * Stores the response to a query. Only authoritative answers belong here: a forwarded one
   * has a TTL of its own, which the forwarder's cache keeps.
   *
   * @param query the query's bytes.
   * @param transport how it came.
   * @param response the encoded response to exactly these bytes; the cache keeps a copy, so
   *   the caller may still send (hand over) this buffer.
   * @param fields what the query log needs.
   * @returns whether the response was stored.
   * @example
   * cache.set(datagram, 'udp', response, { name: 'www.example.test', type: 'A', rcode: 'NOERROR' });
   */
  set(
    query: Uint8Array,
    transport: AnswerCacheTransport,
    response: Buffer,
    fields: CachedAnswerFields,
  ): boolean {
    if (this.#zones.generation !== this.#generation) this.#reset();
    if (query.length > this.#maxQuery || query.length < 2) return false;
    const cost = query.length - 2 + response.length;
    if (cost > this.#maxBytes) return false;
    const map = transport === 'udp' ? this.#udp : this.#tcp;
    const key = keyOf(query);
    if (map.has(key)) return false;
    while (this.size >= this.#maxEntries || this.#bytes + cost > this.#maxBytes) this.#evict();
    // A copy in memory of its own: `response` is likely a slice of Node's shared 8 KiB pool,
    // which a long-lived entry would otherwise keep alive whole.
    const bytes = Buffer.alloc(response.length);
    response.copy(bytes);
    map.set(key, { bytes, name: fields.name, type: fields.type, rcode: fields.rcode });
    this.#bytes += cost;
    return true;
  }

  /** Drops every entry (the counters stay). */
  clear(): void {
    this.#udp.clear();
    this.#tcp.clear();
    this.#bytes = 0;
  }

  /**
   * The response to send for a query answered from the cache: a fresh copy (the socket may
   * still hold it queued when the next hit patches another) with the query's ID.
   *
   * @param hit the entry found for `query`.
   * @param query the query's bytes.
   * @returns a buffer the caller owns.
   * @example
   * socket.sendtoOwnedNowait(AnswerCache.reply(hit, datagram), from);
   */
  static reply(hit: CachedAnswer, query: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(hit.bytes.length);
    hit.bytes.copy(out);
    out[0] = query[0]!;
    out[1] = query[1]!;
    return out;
  }

  #reset(): void {
    this.clear();
    this.#generation = this.#zones.generation;
  }

  /** Drops the oldest entry of the fuller map (a Map iterates in insertion order). */
  #evict(): void {
    const map = this.#udp.size >= this.#tcp.size ? this.#udp : this.#tcp;
    const first = map.entries().next();
    if (first.done === true) return;
    const [key, entry] = first.value;
    map.delete(key);
    this.#bytes -= key.length + entry.bytes.length;
  }
}

/**
 * The key: the bytes after the ID as a one-byte-per-char string (latin1 maps every byte to one
 * char, so distinct byte strings give distinct keys, and V8 hashes it without a copy to UTF-16).
 */
function keyOf(query: Uint8Array): string {
  const buffer = Buffer.isBuffer(query)
    ? query
    : Buffer.from(query.buffer, query.byteOffset, query.byteLength);
  return buffer.toString('latin1', 2);
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`AnswerCache: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
