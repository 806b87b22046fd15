/**
 * `DnsTcpHandler`: one DNS-over-TCP connection (RFC 1035 §4.2.2, RFC 7766) on the kit — a
 * {@link DnsTcpSession} driven by the kit's `Connection`, each query answered by the
 * {@link DnsQueryHandler}.
 */
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../server/connection.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import type { Transport } from '../../server/transport.js';
import { hostOf } from './address-list.js';
import type { DnsQueryHandler } from './dns-query-handler.js';
import { DnsTcpSession } from './dns-tcp-session.js';
import type { DnsTcpEvent } from './tcp-framer.js';

/** What answers the queries: a {@link DnsQueryHandler}, or any object with its `handle()`. */
export type DnsQueries = Pick<DnsQueryHandler, 'handle'>;

/**
 * A server connection speaking DNS over TCP: many queries per connection, answered one
 * message at a time in the order they came (RFC 7766 §7 allows any order; in order is simpler
 * for clients). The kit holds the next query while an answer is being forwarded and while the
 * answers queued are over `limits.maxPendingOutput`, so a client that sends 1,000 queries and
 * reads nothing fills its own socket buffer, not our memory. A client that half-closes still
 * gets the answers to the queries it sent whole; one that resets gets nothing more, and its
 * connection ends at once (a late forwarded answer is dropped). A message over the size limit
 * ends the connection once the answers before it are out.
 *
 * @example
 * TcpListener.open({ address, createChannel: ({ socket, channelOptions }) =>
 *   new DnsTcpHandler(new ChannelTransport(socket, channelOptions), channelOptions, handler) });
 */
export class DnsTcpHandler implements SessionHandler<DnsTcpEvent> {
  readonly connection: Connection<DnsTcpEvent>;
  readonly #session: DnsTcpSession;
  readonly #queries: DnsQueries;

  /**
   * @param transport the connection's bytes (a `ChannelTransport`, or `StringTransport` in tests).
   * @param settings limits, observer and clock from the listener.
   * @param queries answers the queries (a {@link DnsQueryHandler}).
   */
  constructor(transport: Transport, settings: ConnectionSettings, queries: DnsQueries) {
    const limits = settings.limits ?? DEFAULT_LIMITS;
    this.#queries = queries;
    this.#session = new DnsTcpSession({
      maxMessageSize: Math.max(12, Math.min(65535, limits.maxRequestSize)),
    });
    this.connection = new Connection({
      ...settings,
      transport,
      session: this.#session,
      handler: this,
    });
    // The client speaks first: a connection that never sends its first query is held to
    // readTimeout, not idleTimeout (RFC 7766 §6.2.3 asks for a short idle timeout at the start).
    transport.requestStarted();
  }

  handleEvent(event: DnsTcpEvent): void | Promise<void> {
    const connection = this.connection;
    if (event.type === 'too-large') {
      // Nothing sensible can answer a message over our limit: finish the answers, close.
      connection.observer.log?.('info', 'DNS message over the size limit', {
        peer: connection.peer,
        length: event.length,
      });
      connection.closeWhenDone();
      return;
    }
    const transport = connection.transport;
    const answer = this.#queries.handle(
      event.message,
      'tcp',
      transport.peer,
      hostOf(transport.peerAddress),
    );
    if (!(answer instanceof Promise)) {
      this.#answer(answer);
      return;
    }
    // A forwarded query: the next one waits for this answer, so answers stay in order.
    return answer.then(
      (late) => this.#answer(late),
      (err: unknown) => {
        // One failed query gets no answer; the stream goes on.
        connection.observer.error?.(err, connection.peer);
      },
    );
  }

  /** Writes the answer; a query that got silence (not DNS) gets none, and the stream goes on. */
  #answer(answer: Buffer | null): void {
    const connection = this.connection;
    if (answer === null || connection.isClosed) return;
    this.#session.answer(answer);
    // Out now, so the kit's bound check before the next query counts it: the queue stays
    // within the bound plus one answer.
    connection.flush();
  }
}
