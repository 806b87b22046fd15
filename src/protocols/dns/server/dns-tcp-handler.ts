/**
 * `DnsTcpHandler`: one DNS-over-TCP connection (RFC 1035 §4.2.2, RFC 7766) on the kit — a
 * {@link DnsTcpSession} driven by the kit's `Connection`, each query answered by the
 * {@link DnsQueryHandler}.
 */
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../../server/connection.js';
import { DEFAULT_LIMITS } from '../../../server/limits.js';
import type { Transport } from '../../../server/transport.js';
import { hostOf } from '../codec/address-list.js';
import { DnsTcpSession, type DnsTcpSessionEvent } from '../codec/dns-tcp-session.js';
import type { DnsQueryHandler } from './dns-query-handler.js';

/** What answers the queries: a {@link DnsQueryHandler}, or any object with its `handle()`. */
export type DnsQueries = Pick<DnsQueryHandler, 'handle'>;

/** Options of a {@link DnsTcpHandler}. */
export interface DnsTcpHandlerOptions {
  /** Queries taken but not yet answered before the next one waits (default 64). */
  readonly maxPipelined?: number;
}

/** A query's place in the answer order: its answer once known, `undefined` while pending. */
interface Slot {
  answer: Buffer | null | undefined;
}

/**
 * A server connection speaking DNS over TCP: many queries per connection, pipelined (RFC 7766
 * §6.2.1.1: forwarded queries are resolved side by side, up to `maxPipelined`), each answered
 * in the order it came (§7 allows any order; in order is simpler for clients and costs little,
 * since forwarded answers are the only slow ones). The kit takes one message at a time and
 * takes none while the answers queued are over `limits.maxPendingOutput`, so a client that
 * sends 1,000 queries and reads nothing fills its own socket buffer, not our memory. A client
 * that half-closes still gets the answers to the queries it sent whole; one that resets gets
 * nothing more and its connection ends at once (a late forwarded answer is dropped). A message
 * over the size limit ends the connection once the answers before it are out.
 *
 * @example
 * TcpListener.open({ address, createChannel: ({ socket, channelOptions }) =>
 *   new DnsTcpHandler(new ChannelTransport(socket, channelOptions), channelOptions, handler) });
 */
export class DnsTcpHandler implements SessionHandler<DnsTcpSessionEvent> {
  readonly connection: Connection<DnsTcpSessionEvent>;
  readonly #session: DnsTcpSession;
  readonly #queries: DnsQueries;
  readonly #maxPipelined: number;
  readonly #slots: Slot[] = [];
  /** Who waits for fewer unanswered queries: the next query, or the end of the stream. */
  #waiting: { readonly below: number; readonly resolve: () => void } | null = null;

  /**
   * @param transport the connection's bytes (a `ChannelTransport`, or `StringTransport` in tests).
   * @param settings limits, observer and clock from the listener.
   * @param queries answers the queries (a {@link DnsQueryHandler}).
   * @param options how many forwarded queries run side by side.
   */
  constructor(
    transport: Transport,
    settings: ConnectionSettings,
    queries: DnsQueries,
    options: DnsTcpHandlerOptions = {},
  ) {
    const limits = settings.limits ?? DEFAULT_LIMITS;
    this.#queries = queries;
    this.#maxPipelined = Math.max(1, options.maxPipelined ?? 64);
    this.#session = new DnsTcpSession({
      maxMessageSize: Math.max(12, Math.min(65535, limits.maxRequestSize)),
    });
    this.connection = new Connection({
      ...settings,
      transport,
      session: this.#session,
      handler: this,
      // RFC 7766 §6.2.3 asks for a short timeout before the first query.
      clientSpeaksFirst: true,
    });
  }

  handleEvent(event: DnsTcpSessionEvent): void | Promise<void> {
    const connection = this.connection;
    if (event.type === 'end') return this.#fewerPending(1);
    if (event.type === 'too-large') {
      // Nothing sensible can answer a message over our limit: finish the answers, close.
      connection.observer.log?.('info', 'DNS message over the size limit', {
        peer: connection.peer,
        length: event.length,
      });
      const done = this.#fewerPending(1);
      if (done === undefined) connection.closeWhenDone();
      else return done.then(() => connection.closeWhenDone());
      return;
    }
    const transport = connection.transport;
    const answer = this.#queries.handle(
      event.message,
      'tcp',
      transport.peer,
      hostOf(transport.peerAddress),
    );
    const slot: Slot = { answer: undefined };
    this.#slots.push(slot);
    if (!(answer instanceof Promise)) {
      slot.answer = answer;
      this.#sendReady();
    } else {
      this.#settle(slot, answer);
    }
    // The next query waits while the pipeline is full (answers ready behind a slow one count).
    return this.#fewerPending(this.#maxPipelined);
  }

  /** Puts a forwarded answer in its place once it comes. */
  #settle(slot: Slot, answer: Promise<Buffer | null>): void {
    const connection = this.connection;
    answer.then(
      (late) => {
        slot.answer = late;
        this.#sendReady();
      },
      (err: unknown) => {
        // One failed query gets no answer; the stream goes on.
        connection.observer.error?.(err, connection.peer);
        slot.answer = null;
        this.#sendReady();
      },
    );
  }

  /** @internal A reset or close: nobody waits for answers any more. */
  closed(): void {
    this.#slots.length = 0;
    this.#release();
  }

  /** Resolves once fewer than `below` queries are unanswered; undefined when already so. */
  #fewerPending(below: number): Promise<void> | undefined {
    if (this.#slots.length < below || this.connection.isClosed) return undefined;
    return new Promise((resolve) => {
      this.#waiting = { below, resolve };
    });
  }

  /**
   * Writes the answers at the head of the order that are ready and sends them; a query that
   * got silence (not DNS) gets none, and the stream goes on.
   */
  #sendReady(): void {
    const connection = this.connection;
    if (connection.isClosed) return;
    while (this.#slots.length > 0 && this.#slots[0]!.answer !== undefined) {
      const answer = this.#slots.shift()!.answer;
      if (answer !== null && answer !== undefined) this.#session.answer(answer);
    }
    // Out now, so the kit's bound check before the next query counts it: the queue stays
    // within the bound plus one answer.
    connection.flush();
    if (this.#waiting !== null && this.#slots.length < this.#waiting.below) this.#release();
  }

  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve();
  }
}
