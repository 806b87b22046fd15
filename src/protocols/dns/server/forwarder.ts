/**
 * `Forwarder`: the server's path for names outside its zones — ask the configured upstream
 * servers, keep what they said about the question (and nothing else: see `scrubResponse`) for
 * as long as they allow (RFC 2308 for negative answers), and answer the client from that.
 */

import { type Clock, systemClock } from '../../../server/clock.js';
import { SocketError } from '../../../socket/index.js';
import { DnsCache, type DnsCacheOptions } from '../client/dns-cache.js';
import { exchange } from '../client/dns-exchange.js';
import { randomId } from '../client/random-id.js';
import { DnsError } from '../client/resolver-errors.js';
import { Rcode } from '../codec/constants.js';
import {
  createQuery,
  type DnsMessage,
  type DnsQuestion,
  type Edns,
  responseTo,
} from '../codec/message.js';
import { canonicalName } from '../codec/name.js';
import { scrubResponse } from '../codec/scrub-response.js';

/** Options for {@link Forwarder}. */
export interface ForwarderOptions {
  /** The upstream servers, `[host, port]`, tried in order. */
  readonly upstreams: ReadonlyArray<readonly [string, number]>;
  /** Seconds to wait for one upstream attempt (default 2). */
  readonly timeout?: number;
  /** Rounds over the whole upstream list before giving up with SERVFAIL (default 2). */
  readonly rounds?: number;
  /** Questions forwarded at once; beyond it clients get SERVFAIL at once (default 1000). */
  readonly maxInflight?: number;
  /** The time source of the cache (default the system clock). */
  readonly clock?: Clock;
  /** Cache limits; `false` turns the cache off. */
  readonly cache?: Omit<DnsCacheOptions, 'now'> | false;
  /** The EDNS payload size we advertise to clients (default 1232). */
  readonly udpPayloadSize?: number;
  /** The id source for upstream queries (default cryptographically random, RFC 5452). */
  readonly randomId?: () => number;
  /**
   * Sends one query upstream (default {@link exchange}); replaceable so tests can count or
   * fail attempts.
   */
  readonly exchange?: typeof exchange;
}

/** Where an answer came from, for the query log. */
export type ForwardSource = 'cache' | 'upstream' | 'failed';

/** What {@link Forwarder.forward} returns. */
export interface ForwardResult {
  readonly response: DnsMessage;
  readonly source: ForwardSource;
}

/** What an upstream said about one question, before it is addressed to a client. */
interface Upstream {
  readonly rcode: number;
  readonly answers: DnsMessage['answers'];
  readonly authorities: DnsMessage['authorities'];
  readonly additionals: DnsMessage['additionals'];
}

/**
 * Forwards questions to upstream servers with a cache. Identical questions in flight share one
 * upstream query, which also denies a spoofer the many parallel tries a birthday attack needs
 * (RFC 5452 §5).
 *
 * @example
 * const forwarder = new Forwarder({ upstreams: [['127.0.0.1', 5353]] });
 * const { response } = await forwarder.forward(decodeMessage(datagram));
 */
export class Forwarder {
  readonly #options: ForwarderOptions;
  readonly #cache: DnsCache | null;
  readonly #inflight = new Map<string, Promise<Upstream | null>>();

  /**
   * @param options the upstreams, timeouts and cache settings.
   * @throws {RangeError} when there is no upstream or a setting is out of range.
   */
  constructor(options: ForwarderOptions) {
    if (options.upstreams.length === 0) throw new RangeError('a forwarder needs an upstream');
    if (options.timeout !== undefined && !(options.timeout > 0)) {
      throw new RangeError(`timeout must be positive, got ${options.timeout}`);
    }
    const rounds = options.rounds ?? 2;
    if (!Number.isInteger(rounds) || rounds < 1) {
      throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
    }
    this.#options = options;
    const clock = options.clock ?? systemClock;
    this.#cache =
      options.cache === false ? null : new DnsCache({ ...options.cache, now: () => clock.now() });
  }

  /** The cache, for statistics and tests (`null` when turned off). */
  get cache(): DnsCache | null {
    return this.#cache;
  }

  /** Questions being asked upstream now. */
  get inflight(): number {
    return this.#inflight.size;
  }

  /**
   * Answers a decoded query with one question: from the cache when it can, else from the
   * upstreams. Never rejects: when no upstream answers, the response is SERVFAIL.
   *
   * @param query the client's query.
   * @returns the response to send the client, and where it came from.
   * @example
   * const { response, source } = await forwarder.forward(query); // source: 'cache' | …
   */
  async forward(query: DnsMessage): Promise<ForwardResult> {
    const question = query.questions[0];
    if (question === undefined) {
      return { response: this.#reply(query, { ...EMPTY, rcode: Rcode.FORMERR }), source: 'failed' };
    }
    const cached = this.#fromCache(question);
    if (cached !== null) return { response: this.#reply(query, cached), source: 'cache' };
    const key = `${canonicalName(question.name)}|${question.type}|${question.class}`;
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      if (this.#inflight.size >= (this.#options.maxInflight ?? 1000)) {
        return {
          response: this.#reply(query, { ...EMPTY, rcode: Rcode.SERVFAIL }),
          source: 'failed',
        };
      }
      pending = this.#ask(question).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    const upstream = await pending;
    if (upstream === null) {
      return {
        response: this.#reply(query, { ...EMPTY, rcode: Rcode.SERVFAIL }),
        source: 'failed',
      };
    }
    return { response: this.#reply(query, upstream), source: 'upstream' };
  }

  #fromCache(q: DnsQuestion): Upstream | null {
    const hit = this.#cache?.get(q.name, q.type, q.class) ?? null;
    if (hit === null) return null;
    if (hit.type === 'records') return { ...EMPTY, answers: hit.records };
    const rcode = hit.type === 'nxdomain' ? Rcode.NXDOMAIN : Rcode.NOERROR;
    return { ...EMPTY, rcode, authorities: [hit.soa] };
  }

  /** Tries each upstream in turn, `rounds` times over; `null` when none gave a usable answer. */
  async #ask(q: DnsQuestion): Promise<Upstream | null> {
    const send = this.#options.exchange ?? exchange;
    const timeout = this.#options.timeout ?? 2;
    const rounds = this.#options.rounds ?? 2;
    for (let round = 0; round < rounds; round++) {
      for (const server of this.#options.upstreams) {
        // A fresh id (and, inside exchange, a fresh socket and port) for every attempt.
        const query = createQuery(q.name, q.type, {
          id: (this.#options.randomId ?? randomId)(),
          class: q.class,
          ednsPayloadSize: 1232,
        });
        try {
          let { response } = await send(query, server, { timeout });
          if (response.tc) ({ response } = await send(query, server, { tcp: true, timeout }));
          // SERVFAIL, REFUSED and the like say this upstream cannot help; another may.
          if (response.rcode !== Rcode.NOERROR && response.rcode !== Rcode.NXDOMAIN) continue;
          // Only what bears on the question is cached or relayed: an upstream (or a spoofer
          // that beat it) cannot slip in records for other names.
          const clean = scrubResponse(response);
          this.#cache?.storeResponse(clean);
          return clean;
        } catch (err) {
          // A timeout, a refused TCP connection, a garbled TCP answer: try the next one.
          if (err instanceof DnsError || err instanceof SocketError) continue;
          throw err;
        }
      }
    }
    return null;
  }

  #reply(query: DnsMessage, upstream: Upstream): DnsMessage {
    const edns: Edns | null =
      query.edns === null
        ? null
        : {
            udpPayloadSize: this.#options.udpPayloadSize ?? 1232,
            version: 0,
            dnssecOk: query.edns.dnssecOk,
            flags: 0,
            options: [],
          };
    return {
      ...responseTo(query, upstream.rcode),
      ra: true,
      answers: upstream.answers,
      authorities: upstream.authorities,
      additionals: upstream.additionals,
      edns,
    };
  }
}

const EMPTY: Upstream = { rcode: Rcode.NOERROR, answers: [], authorities: [], additionals: [] };
