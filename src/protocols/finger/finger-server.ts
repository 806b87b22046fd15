/**
 * The finger server (RFC 1288): one query per connection, answered from the configured user
 * records, then the connection is closed.
 */
import type { ChannelSocket, SocketMap } from '../../dispatch/index.js';
import { type Clock, systemClock } from '../../server/clock.js';
import type { ServerLimits } from '../../server/limits.js';
import { ServerChannel, type ServerChannelOptions } from '../../server/server-channel.js';
import type { ServerObserver } from '../../server/server-observer.js';
import { TcpListener } from '../../server/tcp-listener.js';
import { answerQuery, formatForwardingDenied } from './answer-query.js';
import { finger } from './finger-client.js';
import { FingerQueryReader } from './finger-query-reader.js';
import type { FingerUser } from './finger-user.js';
import type { FingerParseResult } from './parse-query.js';
import { DEFAULT_MAX_REPLY_BYTES, ReplyText } from './reply-text.js';

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
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
}

/** A running finger service. */
export interface FingerService {
  readonly listener: TcpListener;
  close(): void;
}

class FingerChannel extends ServerChannel {
  readonly #reader: FingerQueryReader;
  readonly #service: FingerServiceOptions;
  #answered = false;
  /** A forwarded query is waiting for the other server's reply. */
  #forwarding = false;
  /** The client has sent its end of stream: stop reading, or the loop would see EOF forever. */
  #inputEnded = false;
  /** Inside handleRead(), where a handleClose() means end of stream. */
  #reading = false;

  constructor(sock: ChannelSocket, options: ServerChannelOptions, service: FingerServiceOptions) {
    super(sock, options);
    this.#service = service;
    this.#reader = new FingerQueryReader({
      maxQueryLength: Math.min(this.limits.maxRequestSize, 4096),
    });
    this.requestStarted();
  }

  override collectIncomingData(data: Buffer): void {
    if (this.#answered) return;
    this.#reader.receiveData(data);
    const query = this.#reader.nextEvent();
    if (query !== null) this.#answer(query);
  }

  override readable(): boolean {
    return !this.#inputEnded;
  }

  override handleRead(): void {
    this.#reading = true;
    try {
      super.handleRead();
    } finally {
      this.#reading = false;
    }
  }

  override handleClose(): void {
    // Called while reading, this is the client's end of stream (or its disappearance); called
    // otherwise, our reply is out (closeWhenDone) or sending failed: then close.
    if (this.#reading && this.socket !== null) {
      this.#inputEnded = true;
      if (!this.#answered) {
        // A client may close its side instead of sending CRLF: take what it sent as the query.
        this.#reader.receiveEnd();
        const query = this.#reader.nextEvent();
        if (query !== null) {
          this.#answer(query);
          return;
        }
      } else if (this.#forwarding || this.outputPending) {
        // Half-closed after its query (nc -N, shutdown(SHUT_WR)): the reply still goes out.
        return;
      }
    }
    this.close();
  }

  #answer(query: FingerParseResult): void {
    this.#answered = true;
    this.requestFinished();
    const now = new Date(this.clock.now());
    const log = (reply: Uint8Array): void =>
      this.observer.request?.({
        msg: 'query',
        peer: this.peer,
        query: describe(query),
        bytes: reply.length,
      });
    if (query.type === 'forward' && this.#service.allowForwarding) {
      const target = query.hosts[query.hosts.length - 1] as string;
      const rest = [query.user, ...query.hosts.slice(0, -1)].join('@');
      this.#forwarding = true;
      forward(query.verbose ? `/W ${rest}` : rest, target, this.limits.readTimeout).then(
        (reply) => this.#send(reply, log),
        () => this.#send(Buffer.from(`finger: ${target}: cannot forward the query\r\n`), log),
      );
      return;
    }
    const reply =
      query.type === 'forward'
        ? formatForwardingDenied()
        : answerQuery(query, this.#service.users, {
            now,
            listAllUsers: this.#service.listAllUsers ?? true,
          });
    this.#send(reply, log);
  }

  #send(reply: Uint8Array, log: (reply: Uint8Array) => void): void {
    this.#forwarding = false;
    if (this.socket === null) return;
    this.push(reply);
    this.closeWhenDone();
    log(reply);
  }

  override onReadTimeout(): void {
    this.close();
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

/** Splits `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function splitHostPort(target: string, defaultPort: number): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracket)
    return { host: bracket[1] as string, port: bracket[2] ? Number(bracket[2]) : defaultPort };
  const colon = target.lastIndexOf(':');
  if (colon > 0 && target.indexOf(':') === colon && /^\d+$/.test(target.slice(colon + 1))) {
    return { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
  }
  return { host: target, port: defaultPort };
}

/**
 * Starts a finger server.
 * @throws {SocketError} when the port is in use or not permitted.
 * @example
 * const svc = await startFingerService({ address: ['127.0.0.1', 0], users: [{ login: 'demo', name: 'Demo User', home: '/home/demo', shell: '/bin/sh' }] });
 */
export async function startFingerService(options: FingerServiceOptions): Promise<FingerService> {
  const listener = await TcpListener.open({
    address: options.address,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.map ? { map: options.map } : {}),
    clock: options.clock ?? systemClock,
    busyReply: 'finger: too many connections, try again later\r\n',
    createChannel: ({ socket, channelOptions }) =>
      new FingerChannel(socket, channelOptions, options),
  });
  return { listener, close: () => listener.close() };
}
