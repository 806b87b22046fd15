/**
 * `DnsQueryHandler`: query bytes in, response bytes out, for both transports of the server —
 * authoritative answers from the zones, forwarding for the rest when a forwarder is set, the
 * UDP size limit, one query log line per answered query, and the faults the host's rules ask
 * for.
 */
import { type Clock, type ClockTimer, systemClock } from '../../../server/clock.js';
import type { FaultAction, FaultHook } from '../../../server/fault-hook.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import { AddressList, DEFAULT_RECURSION_CLIENTS } from '../codec/address-list.js';
import { type AnswerOptions, answerQuery, type QueryAnswer } from '../codec/answer-query.js';
import { Rcode, rcodeToString, typeToString } from '../codec/constants.js';
import { type DnsMessage, responseTo } from '../codec/message.js';
import { encodeReply, udpResponseLimit } from '../codec/respond.js';
import type { ZoneSet } from '../codec/zone-set.js';
import { AnswerCache, type AnswerCacheOptions, type CachedAnswerFields } from './answer-cache.js';
import type { Forwarder, ForwardSource } from './forwarder.js';

/** Options for {@link DnsQueryHandler}. */
export interface DnsQueryHandlerOptions {
  /** The zones answered authoritatively. */
  readonly zones: ZoneSet;
  /** Where names outside the zones go; without one they are REFUSED. */
  readonly forwarder?: Forwarder | null;
  /**
   * Clients the forwarder serves (default {@link DEFAULT_RECURSION_CLIENTS}: loopback and the
   * private ranges). Others get REFUSED, without RA, for names outside the zones: a server
   * that forwards for anyone is an open resolver, an amplifier and a cache anyone can try to
   * poison. The zones answer everyone.
   */
  readonly allowRecursion?: AddressList;
  /** Receives the query log (`request`) and errors. */
  readonly observer?: ServerObserver;
  /** EDNS size we advertise, CNAME chain bound, ANY policy. */
  readonly answer?: AnswerOptions;
  /** Our own ceiling for UDP responses, whatever the client advertises (default 4096). */
  readonly maxUdpSize?: number;
  /** Bounds of the cache of encoded zone answers, or `false` for none (default: cached). */
  readonly answerCache?: AnswerCacheOptions | false;
  /**
   * Times forwarded queries (their log line's `duration`) and faults' delays (default: the
   * system clock).
   */
  readonly clock?: Clock;
}

/** The transport a query came over. */
export type DnsTransport = 'udp' | 'tcp';

/**
 * Answers queries for a server loop. The result is immediate for authoritative answers and a
 * promise for forwarded ones, so the common case costs no microtask.
 *
 * @example
 * const handler = new DnsQueryHandler({ zones: new ZoneSet([sampleZone()]) });
 * const out = handler.handle(datagram, 'udp', '127.0.0.1:5353', '127.0.0.1'); // Buffer | null
 */
export class DnsQueryHandler {
  readonly #zones: ZoneSet;
  readonly #forwarder: Forwarder | null;
  readonly #allowRecursion: AddressList;
  readonly #observer: ServerObserver;
  readonly #answer: AnswerOptions;
  readonly #maxUdp: number;
  readonly #cache: AnswerCache | null;
  readonly #clock: Clock;
  /** Faults' delays still running: cancelled by {@link close}. */
  readonly #delays = new Set<ClockTimer>();

  /**
   * @param options zones, forwarder, observer, size limits and cache bounds.
   * @throws {RangeError} when a cache bound is not a positive integer.
   */
  constructor(options: DnsQueryHandlerOptions) {
    this.#zones = options.zones;
    this.#forwarder = options.forwarder ?? null;
    this.#allowRecursion = options.allowRecursion ?? new AddressList(DEFAULT_RECURSION_CLIENTS);
    this.#observer = options.observer ?? {};
    this.#answer = { ...options.answer, recursionAvailable: this.#forwarder !== null };
    this.#maxUdp = options.maxUdpSize ?? 4096;
    this.#clock = options.clock ?? systemClock;
    this.#cache =
      options.answerCache === false ? null : new AnswerCache(options.zones, options.answerCache);
  }

  /** Cancels the faults' delays still running: their queries get no answer (the server is closing). */
  close(): void {
    for (const timer of this.#delays) timer.cancel();
    this.#delays.clear();
  }

  /** The cache of zone answers (its `hits`, `misses`, `size`), or `null` when disabled. */
  get cache(): AnswerCache | null {
    return this.#cache;
  }

  /**
   * Answers one query.
   *
   * @param bytes the query (for TCP without its length prefix).
   * @param transport how it came: UDP answers are cut to what the client can take (TC=1).
   * @param peer the client, for the log.
   * @param client the client's IP, checked against the recursion allow list; `''` (unknown)
   *   is never forwarded for.
   * @returns the response bytes, `null` for silence (not DNS), or a promise of either.
   * @example
   * const reply = await handler.handle(message, 'tcp', '[::1]:5353', '::1');
   */
  handle(
    bytes: Uint8Array,
    transport: DnsTransport,
    peer: string,
    client = '',
  ): Buffer | null | Promise<Buffer | null> {
    return this.#handle(bytes, transport, peer, client, this.#observer.fault);
  }

  /** {@link handle}, asking `fault` (the host's rules) at the step where the question is known. */
  #handle(
    bytes: Uint8Array,
    transport: DnsTransport,
    peer: string,
    client: string,
    fault: FaultHook | undefined,
  ): Buffer | null | Promise<Buffer | null> {
    const cache = this.#cache;
    if (cache !== null) {
      const hit = cache.get(bytes, transport);
      if (hit !== undefined) {
        if (fault !== undefined) {
          const action = fault({ peer, name: hit.name, type: hit.type });
          if (action !== undefined) return this.#faulted(action, bytes, transport, peer, client);
        }
        // The fast path: the same bytes a fresh answer would give (see AnswerCache), and the
        // same log line, without decoding, walking the zone or encoding.
        const out = AnswerCache.reply(hit, bytes);
        this.#log(peer, hit, transport, 'zone', out);
        return this.#withoutRecursion(out, client);
      }
    }
    let result: ReturnType<typeof answerQuery>;
    try {
      result = answerQuery(this.#zones, bytes, this.#answer);
    } catch (err) {
      // A bug must cost one query, not the server.
      this.#observer.error?.(err, peer);
      return null;
    }
    if (result === null) return null;
    const query = result.query;
    if (fault !== undefined) {
      // Before forwarding: a faulted query costs the upstream nothing.
      const question = query?.questions[0];
      const action = fault(
        question === undefined
          ? { peer }
          : { peer, name: question.name, type: typeToString(question.type) },
      );
      if (action !== undefined)
        return this.#faulted(action, bytes, transport, peer, client, result);
    }
    if (result.kind === 'out-of-zone' && this.#forwarder !== null && query !== null) {
      // Neither refusal goes into the answer cache: it depends on the client, not the bytes
      // alone (the allow list), or is rare enough not to be worth a slot (RD=0).
      if (!this.#allowRecursion.includes(client)) {
        const refused = { ...result.response, ra: false };
        return this.#finish(refused, query, transport, peer, 'refused', bytes, false);
      }
      // RD=0 asks us not to recurse (RFC 1034 §4.3.1); answering from the cache instead would
      // let anyone snoop what our clients looked up.
      if (!query.rd)
        return this.#finish(result.response, query, transport, peer, 'refused', bytes, false);
      // Only a forwarded query is timed: a zone answer is ready in the same turn (well under
      // the clock's millisecond), and reading the clock would cost every query on the hot path.
      const started = this.#clock.now();
      return this.#forwarder.forward(query).then(
        ({ response, source }) => {
          const duration = this.#clock.now() - started;
          return this.#finish(response, query, transport, peer, source, bytes, false, duration);
        },
        (err: unknown) => {
          this.#observer.error?.(err, peer);
          return this.#servfail(query, transport, peer, bytes, this.#clock.now() - started);
        },
      );
    }
    const out = this.#finish(result.response, query, transport, peer, 'zone', bytes, true);
    return out === null ? null : this.#withoutRecursion(out, client);
  }

  /**
   * Answers a query the way a fault rule says: `drop` is silence; `rcode` answers that code
   * with no records; `truncate` over UDP answers TC=1 with no records (over TCP, where no size
   * limit exists to signal, the normal answer goes out, so a client's fall-back to TCP gets
   * what it asked for); `wrongId` sends the answer (normal or faulted) with another ID; `delay`
   * waits first, on the clock, without holding up other queries.
   * @param result the zone's answer when it was already made (not on the cached path).
   */
  #faulted(
    action: FaultAction,
    bytes: Uint8Array,
    transport: DnsTransport,
    peer: string,
    client: string,
    result?: QueryAnswer,
  ): Buffer | null | Promise<Buffer | null> {
    if (action.drop === true) return null;
    const delay = action.delay ?? 0;
    if (delay === 0) return this.#faultedAnswer(action, bytes, transport, peer, client, result);
    // The query outlives this call: a copy of its own, not a view of a read buffer reused.
    const query = Buffer.from(bytes);
    return new Promise((resolve) => {
      const timer = this.#clock.setTimer(delay, () => {
        this.#delays.delete(timer);
        resolve(this.#faultedAnswer(action, query, transport, peer, client, result));
      });
      this.#delays.add(timer);
    });
  }

  #faultedAnswer(
    action: FaultAction,
    bytes: Uint8Array,
    transport: DnsTransport,
    peer: string,
    client: string,
    result?: QueryAnswer,
  ): Buffer | null | Promise<Buffer | null> {
    const truncate = action.truncate === true && transport === 'udp';
    let out: Buffer | null | Promise<Buffer | null>;
    if (action.rcode !== undefined || truncate) {
      const answer = result ?? answerQuery(this.#zones, bytes, this.#answer);
      if (answer === null) return null;
      const query = answer.query;
      const code = action.rcode === undefined ? Rcode.NOERROR : faultRcode(action.rcode);
      const base = query === null ? answer.response : responseTo(query);
      const response = { ...base, rcode: code, tc: truncate, ra: this.#forwarder !== null };
      out = this.#finish(response, query, transport, peer, 'fault', bytes, false);
    } else {
      out = this.#handle(bytes, transport, peer, client, undefined);
    }
    if (action.wrongId !== true) return out;
    return out instanceof Promise ? out.then(otherId) : otherId(out);
  }

  /**
   * Clears RA in a zone answer for a client we do not forward for, as BIND does, so its tools
   * say recursion is not available. The answer cache holds answers with RA as the handler's
   * own setting; `out` is always a buffer of this reply's own, so patching it is safe.
   */
  #withoutRecursion(out: Buffer, client: string): Buffer {
    if (this.#forwarder !== null && !this.#allowRecursion.includes(client)) out[3]! &= 0x7f;
    return out;
  }

  #finish(
    response: DnsMessage,
    query: DnsMessage | null,
    transport: DnsTransport,
    peer: string,
    source: QuerySource,
    bytes: Uint8Array,
    cacheable: boolean,
    duration?: number,
  ): Buffer | null {
    const maxSize = transport === 'tcp' ? 65535 : udpResponseLimit(query, this.#maxUdp);
    let out: Buffer;
    try {
      out = encodeReply(response, maxSize, bytes.length);
    } catch (err) {
      // Forwarded data we cannot re-encode (or a zone bug): SERVFAIL beats silence.
      this.#observer.error?.(err, peer);
      return query === null ? null : this.#servfail(query, transport, peer, bytes, duration);
    }
    const question = query?.questions[0];
    const name = question?.name ?? '';
    const type = question === undefined ? '' : typeToString(question.type);
    const rcode = rcodeToString(response.rcode);
    // Zone answers to decoded queries only: an undecodable one (FORMERR) is rare, and keeping
    // it out stops random traffic from evicting the real questions.
    if (cacheable && query !== null) {
      this.#cache?.set(bytes, transport, out, { name, type, rcode });
    }
    this.#log(peer, { name, type, rcode }, transport, source, out, duration);
    return out;
  }

  /**
   * The query log line, the same for a cached answer and a fresh one; a forwarded query's has
   * its `duration` in milliseconds too.
   */
  #log(
    peer: string,
    question: CachedAnswerFields,
    transport: DnsTransport,
    source: QuerySource,
    out: Buffer,
    duration?: number,
  ): void {
    const request = this.#observer.request;
    if (request === undefined) return;
    const fields = {
      msg: 'query',
      peer,
      name: question.name,
      type: question.type,
      rcode: question.rcode,
      transport,
      source,
      bytesOut: out.length,
      truncated: (out[2]! & 0x02) !== 0,
    };
    request(duration === undefined ? fields : { ...fields, duration });
  }

  #servfail(
    query: DnsMessage,
    transport: DnsTransport,
    peer: string,
    bytes: Uint8Array,
    duration?: number,
  ): Buffer | null {
    const response = { ...responseTo(query, Rcode.SERVFAIL), ra: this.#forwarder !== null };
    return this.#finish(response, query, transport, peer, 'failed', bytes, false, duration);
  }
}

/**
 * Where an answer came from, for the query log: the zones, the forwarder (`cache`, `upstream`,
 * `failed`), `refused` — a name outside the zones that was not forwarded (a client outside
 * the allow list, or RD=0) — or `fault`, a host's fault rule (`rcode`, `truncate`).
 */
export type QuerySource = ForwardSource | 'zone' | 'refused' | 'fault';

/** A rule's rcode (checked as one of the names of `Rcode` when the rule was added). */
function faultRcode(name: string): number {
  return (Rcode as Readonly<Record<string, number>>)[name.toUpperCase()] ?? Rcode.SERVFAIL;
}

/** The answer with another message ID than its query's (the answer is a buffer of its own). */
function otherId(out: Buffer | null): Buffer | null {
  if (out !== null && out.length >= 2) out[0]! ^= 0xff;
  return out;
}
