/**
 * The ident server (RFC 1413): says which local user owns a TCP connection between this host
 * and the asking one, as oidentd does — the worked example of a protocol on the server kit: a
 * sans-I/O session (`IdentSession`), a handler of its events, and the kit's `Connection`.
 */
import type { SocketMap } from '../../../dispatch/index.js';
import type { Clock } from '../../../server/clock.js';
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../../server/connection.js';
import type { ServerLimits } from '../../../server/limits.js';
import { listenForConnections } from '../../../server/listen-for-connections.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import type { ProxyProtocolOptions, TcpListener } from '../../../server/tcp-listener.js';
import type { Transport } from '../../../server/transport.js';
import { unmapIpv4 } from '../../../socket/index.js';
import type { IdentQuery } from '../codec/ident-query.js';
import type { IdentAnswer } from '../codec/ident-reply.js';
import { IdentSession } from '../codec/ident-session.js';
import { connectionOwner } from './proc-net-tcp.js';
import { userName } from './user-names.js';

/** Finds who owns a connection: the uid's user name, or null for none. */
export type OwnerLookup = (
  localPort: number,
  remoteAddress: string,
  remotePort: number,
) => Promise<string | null>;

/** Options for {@link startIdentService}. */
export interface IdentServiceOptions {
  /** `[host, port]` to listen on (port 0: any free port). */
  readonly address: readonly [string, number];
  /** Answer `HIDDEN-USER` instead of the name (default false). */
  readonly hideUsers?: boolean;
  /** Who owns a connection (default: the kernel's TCP tables and `/etc/passwd`). */
  readonly lookup?: OwnerLookup;
  readonly limits?: ServerLimits;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
}

/** A running ident service. */
export interface IdentService {
  readonly listener: TcpListener;
  close(): void;
}

/** The default lookup: the kernel's tables, then the user's name. */
async function systemLookup(
  localPort: number,
  remoteAddress: string,
  remotePort: number,
): Promise<string | null> {
  const uid = await connectionOwner(localPort, remoteAddress, remotePort);
  return uid === null ? null : ((await userName(uid)) ?? String(uid));
}

/**
 * One ident connection: each query is looked up for the asking host only — the connection
 * must run between the asker's address and this host (RFC 1413 section 6: the server answers
 * for connections with the host that asks, never about third parties).
 */
class IdentHandler implements SessionHandler<IdentQuery> {
  readonly connection: Connection<IdentQuery>;
  readonly #session = new IdentSession();
  readonly #options: IdentServiceOptions;

  constructor(transport: Transport, settings: ConnectionSettings, options: IdentServiceOptions) {
    this.#options = options;
    this.connection = new Connection({
      ...settings,
      transport,
      session: this.#session,
      handler: this,
      clientSpeaksFirst: true,
    });
  }

  handleEvent(query: IdentQuery): void | Promise<void> {
    if (query.type === 'invalid') {
      this.#reply(query, { type: 'error', error: 'INVALID-PORT' });
      return;
    }
    const peer = this.connection.transport.peerAddress;
    const asker = Array.isArray(peer) ? unmapIpv4(String(peer[0])) : '';
    const lookup = this.#options.lookup ?? systemLookup;
    return lookup(query.serverPort, asker, query.clientPort).then(
      (name) => this.#reply(query, this.#answer(name)),
      (err: unknown) => {
        this.connection.observer.error?.(err, this.connection.peer);
        this.#reply(query, { type: 'error', error: 'UNKNOWN-ERROR' });
      },
    );
  }

  #answer(name: string | null): IdentAnswer {
    if (name === null) return { type: 'error', error: 'NO-USER' };
    if (this.#options.hideUsers) return { type: 'error', error: 'HIDDEN-USER' };
    return { type: 'user', opsys: 'UNIX', userId: name };
  }

  #reply(query: IdentQuery, answer: IdentAnswer): void {
    if (this.connection.isClosed) return;
    this.#session.answer(query, answer);
    this.connection.observer.request?.({
      msg: 'ident',
      peer: this.connection.peer,
      ports: `${query.serverPort},${query.clientPort}`,
      answer: answer.type === 'user' ? 'USERID' : answer.error,
    });
  }
}

/**
 * Starts an ident server.
 * @throws {SocketError} when the port is in use or not permitted.
 * @example
 * const ident = await startIdentService({ address: ['127.0.0.1', 0] });
 * // a client asks "<its connection's port here>, <its own port>" and reads "... : USERID : UNIX : alice"
 */
export async function startIdentService(options: IdentServiceOptions): Promise<IdentService> {
  const listener = await listenForConnections(
    { ...options, busyReply: '0, 0 : ERROR : UNKNOWN-ERROR\r\n' },
    (transport, settings) => new IdentHandler(transport, settings, options),
  );
  return { listener, close: () => listener.close() };
}
