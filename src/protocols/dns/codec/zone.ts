/**
 * One authoritative zone held in memory, indexed for answering: a Map from lower-cased owner
 * name to its RRsets, the set of names that exist (empty non-terminals included, RFC 4592 §2.2.2)
 * and the delegation points.
 */
import { RRClass, RRType, typeToString } from './constants.js';
import { canonicalName, isSubdomain, normalizeName, parentName } from './name.js';
import { type ParseZoneOptions, parseZone } from './parse-zone.js';
import type { DnsRecord, RData } from './rdata.js';

/** The RRsets at one name, by type. */
export type ZoneNode = ReadonlyMap<number, readonly DnsRecord[]>;

/** The SOA rdata, narrowed. */
export type SoaData = Extract<RData, { kind: 'SOA' }>;

/**
 * An immutable zone. Lookups take canonical (lower-case) keys, which the answering code computes
 * once per query.
 *
 * @example
 * const zone = Zone.fromText(SAMPLE_ZONE, { origin: 'example.test' });
 * zone.get('www.example.test', RRType.A); // [ { name: 'www.example.test', … } ]
 */
export class Zone {
  /** The apex, normalised, as given. */
  readonly origin: string;
  /** The apex's lookup key. */
  readonly key: string;
  readonly class: number;
  /** The apex SOA record. */
  readonly soa: DnsRecord & { readonly data: SoaData };
  /** The SOA as it goes into negative answers: TTL = min(SOA TTL, minimum) (RFC 2308 §3). */
  readonly negativeSoa: DnsRecord;
  readonly #nodes = new Map<string, Map<number, DnsRecord[]>>();
  readonly #existing = new Set<string>();
  readonly #cuts = new Set<string>();
  readonly #records: readonly DnsRecord[];

  /**
   * Builds a zone from records.
   *
   * @param origin the apex name.
   * @param records the zone's records; all must be at or below the apex and of one class.
   * @param klass the zone's class (default IN).
   * @throws {RangeError} when a record is outside the zone, of another class, when the apex
   * does not have exactly one SOA, or a name has a CNAME beside other data (RFC 1034 §3.6.2).
   * @example
   * new Zone('example.test', parseZone(text, { origin: 'example.test' }));
   */
  constructor(origin: string, records: readonly DnsRecord[], klass: number = RRClass.IN) {
    this.origin = normalizeName(origin);
    this.key = canonicalName(this.origin);
    this.class = klass;
    this.#records = records;
    for (const record of records) {
      const key = canonicalName(record.name);
      if (!isSubdomain(key, this.key)) {
        throw new RangeError(`${record.name} is outside the zone ${this.origin}`);
      }
      if (record.class !== klass) throw new RangeError(`${record.name} has another class`);
      let node = this.#nodes.get(key);
      if (node === undefined) this.#nodes.set(key, (node = new Map()));
      let rrset = node.get(record.type);
      if (rrset === undefined) node.set(record.type, (rrset = []));
      rrset.push(record);
      if (record.type === RRType.NS && key !== this.key) this.#cuts.add(key);
      // Every ancestor up to the apex exists, with or without data of its own.
      for (let k = key; !this.#existing.has(k); k = parentName(k)) {
        this.#existing.add(k);
        if (k === this.key || k === '.') break;
      }
    }
    for (const [key, node] of this.#nodes) {
      if (node.has(RRType.CNAME) && node.size > 1) {
        const others = [...node.keys()].filter((t) => t !== RRType.CNAME).map(typeToString);
        throw new RangeError(`${key} has a CNAME and other data (${others.join(', ')})`);
      }
    }
    const soas = this.#nodes.get(this.key)?.get(RRType.SOA) ?? [];
    const soa = soas[0];
    if (soas.length !== 1 || soa === undefined || soa.data.kind !== 'SOA') {
      throw new RangeError(`zone ${this.origin} needs exactly one SOA at its apex`);
    }
    this.soa = soa as DnsRecord & { readonly data: SoaData };
    this.negativeSoa = { ...soa, ttl: Math.min(soa.ttl, this.soa.data.minimum) };
  }

  /**
   * Parses master-file text into a zone.
   *
   * @param text the zone file.
   * @param options parser options; `origin` is the zone apex.
   * @returns the zone.
   * @throws {ZoneSyntaxError} when the text cannot be parsed.
   * @throws {RangeError} when the records do not make a valid zone (see the constructor).
   * @example
   * const zone = Zone.fromText(SAMPLE_ZONE, { origin: 'example.test' });
   */
  static fromText(text: string, options: ParseZoneOptions): Zone {
    return new Zone(options.origin, parseZone(text, options), options.class ?? RRClass.IN);
  }

  /**
   * The RRsets at a name.
   *
   * @param key a canonical name (see `canonicalName`).
   * @returns the node, or `undefined` when the name has no data.
   */
  node(key: string): ZoneNode | undefined {
    return this.#nodes.get(key);
  }

  /**
   * One RRset.
   *
   * @param key a canonical name.
   * @param type the type.
   * @returns its records, or `undefined`.
   */
  get(key: string, type: number): readonly DnsRecord[] | undefined {
    return this.#nodes.get(key)?.get(type);
  }

  /**
   * Whether a name exists in the zone: it has data, or is an empty non-terminal above a name
   * that has.
   *
   * @param key a canonical name.
   */
  has(key: string): boolean {
    return this.#existing.has(key);
  }

  /**
   * Whether a name is at or below the apex.
   *
   * @param key a canonical name.
   */
  contains(key: string): boolean {
    return isSubdomain(key, this.key);
  }

  /**
   * The highest delegation point (a non-apex name with NS records) at or above `key`, where
   * this zone's authority ends.
   *
   * @param key a canonical name inside the zone.
   * @returns the delegation point's key, or `undefined` when `key` is authoritative data.
   */
  findCut(key: string): string | undefined {
    if (this.#cuts.size === 0) return undefined;
    let found: string | undefined;
    // Few zones delegate much: testing each cut beats building every ancestor's string.
    if (this.#cuts.size <= 16) {
      for (const cut of this.#cuts) {
        if (isSubdomain(key, cut) && (found === undefined || cut.length < found.length))
          found = cut;
      }
      return found;
    }
    for (let k = key; k !== this.key && k !== '.'; k = parentName(k)) {
      if (this.#cuts.has(k)) found = k;
    }
    return found;
  }

  /** Every record, in the order given. */
  records(): readonly DnsRecord[] {
    return this.#records;
  }
}
