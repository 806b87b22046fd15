/**
 * The finger server (RFC 1288): one query per connection, answered from the configured user
 * records, then the connection is closed.
 */
import type { SocketMap } from '../../../dispatch/index.js';
import type { Clock } from '../../../server/clock.js';
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../../server/connection.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../../server/limits.js';
import { listenForConnections } from '../../../server/listen-for-connections.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import type { ProxyProtocolOptions, TcpListener } from '../../../server/tcp-listener.js';
import type { Transport } from '../../../server/transport.js';
import { finger } from '../client/finger-client.js';
import { answerQuery, formatForwardingDenied } from '../codec/answer-query.js';
import { FingerSession } from '../codec/finger-session.js';
import type { FingerUser } from '../codec/finger-user.js';
import type { FingerParseResult } from '../codec/parse-query.js';
import { DEFAULT_MAX_REPLY_BYTES, ReplyText } from '../codec/reply-text.js';
import { splitHostPort } from '../codec/split-host-port.js';

/** Options for {@link startFingerService}. */
export interface FingerServiceOptions {
  /** `[host, port]` to listen on (port 0: any free port). */
  readonly address: readonly [string, number];
  /** The user records the server answers from. */
  readonly users: readonly FingerUser[];
  /** Forward `user@host` queries to that host (default false: refused, as RFC 1288 allows). */
  readonly allowForwarding?: boolean;
  /** An empty query lists every user, not only those logged in (default true). */
  readonly listAllUsers?: boolean;
  readonly limits?: ServerLimits;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
}

/** A running finger service. */
export interface FingerService {
  readonly listener: TcpListener;
  close(): void;
}

/**
 * One finger connection on the kit: the query answered from the user records (or forwarded,
 * when allowed), then the connection closed once the reply is out. A client that half-closes
 * after its query (nc -N) still gets the reply; one that closes instead of sending CRLF has
 * what it sent taken as the query (the session's `receiveEnd`).
 */
class FingerHandler implements SessionHandler<FingerParseResult> {
  readonly connection: Connection<FingerParseResult>;
  readonly #session: FingerSession;
  readonly #service: FingerServiceOptions;

  constructor(transport: Transport, settings: ConnectionSettings, service: FingerServiceOptions) {
    const limits = settings.limits ?? DEFAULT_LIMITS;
    this.#service = service;
    this.#session = new FingerSession({ maxQueryLength: Math.min(limits.maxRequestSize, 4096) });
    this.connection = new Connection({
      ...settings,
      transport,
      session: this.#session,
      handler: this,
      clientSpeaksFirst: true,
    });
  }

  handleEvent(query: FingerParseResult): void | Promise<void> {
    const connection = this.connection;
    connection.transport.requestFinished();
    if (query.type === 'forward' && this.#service.allowForwarding) {
      const target = query.hosts[query.hosts.length - 1] as string;
      const rest = [query.user, ...query.hosts.slice(0, -1)].join('@');
      return forward(
        query.verbose ? `/W ${rest}` : rest,
        target,
        connection.limits.readTimeout,
      ).then(
        (reply) => this.#send(query, reply),
        () => this.#send(query, Buffer.from(`finger: ${target}: cannot forward the query\r\n`)),
      );
    }
    const reply =
      query.type === 'forward'
        ? formatForwardingDenied()
        : answerQuery(query, this.#service.users, {
            now: new Date(connection.clock.now()),
            listAllUsers: this.#service.listAllUsers ?? true,
          });
    this.#send(query, reply);
  }

  #send(query: FingerParseResult, reply: Uint8Array): void {
    const connection = this.connection;
    if (connection.isClosed) return;
    this.#session.reply(reply);
    connection.flush();
    connection.closeWhenDone();
    connection.observer.request?.({
      msg: 'query',
      peer: connection.peer,
      query: describe(query),
      bytes: reply.length,
    });
  }
}

function describe(query: FingerParseResult): string {
  switch (query.type) {
    case 'list':
      return query.verbose ? '/W' : '';
    case 'user':
      return `${query.verbose ? '/W ' : ''}${query.user}`;
    case 'forward':
      return `${query.user}@${query.hosts.join('@')}`;
    default:
      return `refused: ${query.reason}`;
  }
}

/**
 * Asks the next server and passes its reply on as if it were our own: another server's text
 * is sanitized and bounded like ours (RFC 1288 section 3.3), or forwarding would let it put
 * escape sequences on our clients' terminals.
 */
async function forward(query: string, target: string, timeoutSeconds: number): Promise<Buffer> {
  const { host, port } = splitHostPort(target, 79);
  const text = await finger(query, host, {
    port,
    timeout: Math.max(1, timeoutSeconds),
    // One byte past the bound is enough for ReplyText to see the reply is too long.
    maxReplyBytes: DEFAULT_MAX_REPLY_BYTES + 1,
  });
  const reply = new ReplyText();
  // finger() gives the bytes as Latin-1; our replies are UTF-8, as the formatters write them.
  const decoded = Buffer.from(text, 'latin1').toString('utf8');
  if (decoded !== '') reply.line(decoded);
  return reply.toBuffer();
}

/**
 * Starts a finger server.
 * @throws {SocketError} when the port is in use or not permitted.
 * @example
 * const svc = await startFingerService({ address: ['127.0.0.1', 0], users: [{ login: 'demo', name: 'Demo User', home: '/home/demo', shell: '/bin/sh' }] });
 */
export async function startFingerService(options: FingerServiceOptions): Promise<FingerService> {
  const listener = await listenForConnections(
    { ...options, busyReply: 'finger: too many connections, try again later\r\n' },
    (transport, settings) => new FingerHandler(transport, settings, options),
  );
  return { listener, close: () => listener.close() };
}
