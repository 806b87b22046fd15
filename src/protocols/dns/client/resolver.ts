/**
 * `Resolver`: polyport's stub resolver — asks one server, over UDP with EDNS, retries on
 * timeout, and asks again over TCP when the answer comes back truncated (RFC 7766 §5).
 */
import { RRType, typeFromString } from '../codec/constants.js';
import { createQuery, type DnsMessage } from '../codec/message.js';
import { normalizeName } from '../codec/name.js';
import type { DnsRecord, RData } from '../codec/rdata.js';
import { reverseName } from '../codec/reverse-name.js';
import type { SoaData } from '../codec/zone.js';
import { exchange } from './dns-exchange.js';
import { randomId } from './random-id.js';
import { DnsNoDataError, DnsTimeoutError, responseError } from './resolver-errors.js';

/** Settings of a {@link Resolver}; each can be overridden per query. */
export interface ResolverOptions {
  /** The server, `[host, port]` (default `['127.0.0.1', 53]`). */
  readonly server?: readonly [string, number];
  /** Seconds to wait for each attempt (default 5). */
  readonly timeout?: number;
  /** UDP attempts before giving up (default 2). */
  readonly tries?: number;
  /** Ask over TCP from the start (default false). */
  readonly tcp?: boolean;
  /** The EDNS UDP payload size to advertise, or `false` for no OPT record (default 1232). */
  readonly edns?: number | false;
  /** Set RD (default true). */
  readonly recursion?: boolean;
  /** The id source (default: cryptographically random, RFC 5452). */
  readonly randomId?: () => number;
}

/** Options of one {@link Resolver.query}. */
export interface QueryOptions extends Omit<ResolverOptions, 'randomId'> {
  /** Set the DO bit (implies EDNS). */
  readonly dnssecOk?: boolean;
}

/** An MX record's data. */
export interface MxAnswer {
  readonly preference: number;
  readonly exchange: string;
}

/** An SRV record's data (RFC 2782). */
export interface SrvAnswer {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
}

/** What {@link Resolver.queryWithSize} returns: the message and how it came. */
export interface QueryResult {
  readonly response: DnsMessage;
  /** Bytes of the answer on the wire. */
  readonly size: number;
  /** Whether the answer came over TCP (asked for, or after a truncated UDP answer). */
  readonly tcp: boolean;
}

/**
 * A DNS stub resolver.
 *
 * @example
 * const resolver = new Resolver({ server: ['127.0.0.1', 10053] });
 * await resolver.resolve4('www.example.test'); // ['127.0.0.1']
 * const message = await resolver.query('example.test', 'MX');
 */
export class Resolver {
  readonly #options: ResolverOptions;

  /**
   * @param options default server, timeout, retries, transport and EDNS size.
   * @throws {RangeError} when `timeout` or `tries` is out of range.
   */
  constructor(options: ResolverOptions = {}) {
    checkOptions(options);
    this.#options = options;
  }

  /**
   * Asks one question and returns the answer whatever its response code: NXDOMAIN, SERVFAIL
   * and the rest are for the caller to read (the `resolveX` helpers turn them into errors).
   *
   * @param name the name to ask about.
   * @param type a type number or mnemonic (default `A`).
   * @param options per-query overrides.
   * @returns the decoded response, its records typed.
   * @throws {DnsTimeoutError} when every attempt timed out.
   * @throws {DnsBadResponseError} when a TCP answer was unusable.
   * @throws {SocketError} when the server cannot be reached over TCP.
   * @throws {RangeError} for an unknown type mnemonic or a malformed name.
   * @example
   * const reply = await resolver.query('alias.example.test', RRType.A, { tcp: true });
   */
  async query(
    name: string,
    type: number | string = RRType.A,
    options: QueryOptions = {},
  ): Promise<DnsMessage> {
    return (await this.queryWithSize(name, type, options)).response;
  }

  /**
   * {@link Resolver.query}, also telling the answer's size and transport (for `polyport dig`).
   *
   * @param name the name to ask about.
   * @param type a type number or mnemonic.
   * @param options per-query overrides.
   * @returns the response, its size and whether TCP carried it.
   * @throws {DnsTimeoutError} when every attempt timed out.
   * @throws {RangeError} for an unknown type or a malformed name.
   * @example
   * const { response, size } = await resolver.queryWithSize('example.test', 'TXT');
   */
  async queryWithSize(
    name: string,
    type: number | string = RRType.A,
    options: QueryOptions = {},
  ): Promise<QueryResult> {
    checkOptions(options);
    const o = { ...this.#options, ...options };
    const qtype = typeof type === 'number' ? type : typeFromString(type);
    if (qtype === undefined || !Number.isInteger(qtype) || qtype < 0 || qtype > 0xffff) {
      throw new RangeError(`unknown record type: ${String(type)}`);
    }
    const qname = normalizeName(name);
    const server = o.server ?? ['127.0.0.1', 53];
    const edns = o.edns ?? 1232;
    const query = createQuery(qname, qtype, {
      id: (this.#options.randomId ?? randomId)(),
      rd: o.recursion ?? true,
      ...(edns === false ? {} : { ednsPayloadSize: edns }),
      ...(o.dnssecOk ? { dnssecOk: true } : {}),
    });
    const timeout = o.timeout ?? 5;
    if (o.tcp) {
      const result = await exchange(query, server, { tcp: true, timeout });
      return { ...result, tcp: true };
    }
    const tries = o.tries ?? 2;
    let last: unknown;
    for (let attempt = 0; attempt < tries; attempt++) {
      try {
        const result = await exchange(query, server, { timeout });
        if (!result.response.tc) return { ...result, tcp: false };
        // Truncated: the whole answer is only available over TCP (RFC 7766 §5).
        const full = await exchange(query, server, { tcp: true, timeout });
        return { ...full, tcp: true };
      } catch (err) {
        if (!(err instanceof DnsTimeoutError)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /**
   * The IPv4 addresses of a name (following CNAMEs the server followed).
   *
   * @param name the name.
   * @param options per-query overrides.
   * @returns the addresses.
   * @throws {DnsNxdomainError} when the name does not exist; {@link DnsNoDataError} when it has
   * no A records; the other {@link DnsResponseError}s and {@link DnsTimeoutError} as they come.
   * @example
   * await resolver.resolve4('www.example.test'); // ['127.0.0.1']
   */
  async resolve4(name: string, options?: QueryOptions): Promise<string[]> {
    return this.#data(name, RRType.A, options, (d) => (d.kind === 'A' ? d.address : null));
  }

  /**
   * The IPv6 addresses of a name.
   *
   * @param name the name.
   * @param options per-query overrides.
   * @returns the addresses.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * await resolver.resolve6('www.example.test'); // ['::1']
   */
  async resolve6(name: string, options?: QueryOptions): Promise<string[]> {
    return this.#data(name, RRType.AAAA, options, (d) => (d.kind === 'AAAA' ? d.address : null));
  }

  /**
   * The mail exchangers of a name, lowest preference first.
   *
   * @param name the name.
   * @param options per-query overrides.
   * @returns the MX data.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * await resolver.resolveMx('example.test'); // [{ preference: 10, exchange: 'mail.example.test' }]
   */
  async resolveMx(name: string, options?: QueryOptions): Promise<MxAnswer[]> {
    const mx = await this.#data(name, RRType.MX, options, (d) =>
      d.kind === 'MX' ? { preference: d.preference, exchange: d.exchange } : null,
    );
    return mx.sort((a, b) => a.preference - b.preference);
  }

  /**
   * The TXT records of a name, each as its list of strings (decoded as UTF-8), as Node's
   * `dns.resolveTxt` gives them.
   *
   * @param name the name.
   * @param options per-query overrides.
   * @returns one array of strings per record.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * await resolver.resolveTxt('example.test'); // [['v=spf1 -all']]
   */
  async resolveTxt(name: string, options?: QueryOptions): Promise<string[][]> {
    return this.#data(name, RRType.TXT, options, (d) =>
      d.kind === 'TXT' ? d.strings.map((s) => Buffer.from(s).toString('utf8')) : null,
    );
  }

  /**
   * The SRV records of a name (`_service._proto.domain`).
   *
   * @param name the name.
   * @param options per-query overrides.
   * @returns the SRV data, by priority, then highest weight first.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * await resolver.resolveSrv('_http._tcp.example.test'); // [{ priority: 0, weight: 5, port: 10080, target: 'www.example.test' }]
   */
  async resolveSrv(name: string, options?: QueryOptions): Promise<SrvAnswer[]> {
    const srv = await this.#data(name, RRType.SRV, options, (d) =>
      d.kind === 'SRV'
        ? { priority: d.priority, weight: d.weight, port: d.port, target: d.target }
        : null,
    );
    return srv.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  }

  /**
   * The name servers of a zone.
   *
   * @param name the zone apex.
   * @param options per-query overrides.
   * @returns the server names.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * await resolver.resolveNs('example.test'); // ['ns1.example.test']
   */
  async resolveNs(name: string, options?: QueryOptions): Promise<string[]> {
    return this.#data(name, RRType.NS, options, (d) => (d.kind === 'NS' ? d.target : null));
  }

  /**
   * The SOA record of a zone.
   *
   * @param name the zone apex.
   * @param options per-query overrides.
   * @returns the SOA data.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * (await resolver.resolveSoa('example.test')).serial; // 1
   */
  async resolveSoa(name: string, options?: QueryOptions): Promise<SoaData> {
    const soa = await this.#data(name, RRType.SOA, options, (d) => (d.kind === 'SOA' ? d : null));
    return soa[0]!;
  }

  /**
   * The CNAME target(s) of a name.
   *
   * @param name the alias.
   * @param options per-query overrides.
   * @returns the canonical names, in chain order.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * await resolver.resolveCname('alias.example.test'); // ['www.example.test']
   */
  async resolveCname(name: string, options?: QueryOptions): Promise<string[]> {
    return this.#data(name, RRType.CNAME, options, (d) => (d.kind === 'CNAME' ? d.target : null));
  }

  /**
   * The names of an address (PTR records under `in-addr.arpa` or `ip6.arpa`).
   *
   * @param address an IPv4 or IPv6 address.
   * @param options per-query overrides.
   * @returns the host names.
   * @throws {RangeError} when `address` is not an IP address.
   * @throws {DnsResponseError} as {@link Resolver.resolve4}; {@link DnsTimeoutError}.
   * @example
   * await resolver.reverse('127.0.0.1'); // ['localhost']
   */
  async reverse(address: string, options?: QueryOptions): Promise<string[]> {
    return this.#data(reverseName(address), RRType.PTR, options, (d) =>
      d.kind === 'PTR' ? d.target : null,
    );
  }

  async #data<T>(
    name: string,
    type: number,
    options: QueryOptions | undefined,
    pick: (data: RData, record: DnsRecord) => T | null,
  ): Promise<T[]> {
    const response = await this.query(name, type, options);
    const error = responseError(name, response);
    if (error !== null) throw error;
    const out: T[] = [];
    for (const record of response.answers) {
      if (record.type !== type) continue;
      const value = pick(record.data, record);
      if (value !== null) out.push(value);
    }
    if (out.length === 0) throw new DnsNoDataError(name, response);
    return out;
  }
}

function checkOptions(options: ResolverOptions): void {
  if (options.timeout !== undefined && !(options.timeout > 0)) {
    throw new RangeError(`timeout must be a positive number of seconds, got ${options.timeout}`);
  }
  if (options.tries !== undefined && !(Number.isInteger(options.tries) && options.tries >= 1)) {
    throw new RangeError(`tries must be a positive integer, got ${options.tries}`);
  }
  const edns = options.edns;
  if (
    edns !== undefined &&
    edns !== false &&
    !(Number.isInteger(edns) && edns >= 512 && edns <= 65535)
  ) {
    throw new RangeError(`edns must be false or a payload size in 512..65535, got ${edns}`);
  }
}
