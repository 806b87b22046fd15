/** `startPop3Service`: polyport's POP3 server over the users' Maildirs. */
import type { SocketMap } from '../../../../dispatch/index.js';
import { type Clock, systemClock } from '../../../../server/clock.js';
import type { ServerLimits } from '../../../../server/limits.js';
import { loginThrottleSettings } from '../../../../server/login-throttle.js';
import type { ServerObserver } from '../../../../server/server-observer.js';
import type { ProxyProtocolOptions } from '../../../../server/tcp-listener.js';
import type { SSLContext } from '../../../../socket/index.js';
import { type MailService, openMailListener } from '../mail-listener.js';
import type { MailUser, PasswordCheck } from '../mail-users.js';
import type { MaildirStore } from '../maildir/maildir-store.js';
import { Pop3Handler } from './pop3-handler.js';

/** Options for {@link startPop3Service}. */
export interface Pop3ServiceOptions {
  /** `[host, port]` to listen on (port 0: any free port). */
  readonly address: readonly [string, number];
  /** The accounts; a user logs in with the name or one of the addresses. */
  readonly users: readonly MailUser[];
  /** Where each user's Maildir lives (`store.maildir(user.name)`). */
  readonly store: MaildirStore;
  /** A server context: offers STLS, or with `implicitTls` speaks TLS from the first byte. */
  readonly tls?: SSLContext;
  /** POP3S (RFC 8314): the handshake comes first; needs `tls`. Default false. */
  readonly implicitTls?: boolean;
  /**
   * Allow USER/PASS and AUTH PLAIN without TLS. The host sets it when listening on loopback,
   * as Dovecot's `disable_plaintext_auth = no` for local clients.
   */
  readonly allowPlaintext: boolean;
  /**
   * APOP is never offered: it needs each user's clear-text password on the server (RFC 1939
   * §7), and polyport stores only scrypt hashes. Only `false` is accepted.
   */
  readonly apop?: false;
  /** `limits.idleTimeout` is the autologout timer (RFC 1939 asks for at least 10 minutes). */
  readonly limits?: ServerLimits;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
  /** Milliseconds before answering a failed login. Default 1000. */
  readonly failedLoginDelay?: number;
  /** Failed logins on one connection before it is closed. Default 3. */
  readonly maxLoginAttempts?: number;
  /** The password check (default scrypt `verifyPassword`); tests may inject a cheap one. */
  readonly checkPassword?: PasswordCheck;
}

/** A running POP3 service: `close()` also ends every session (no deletion is committed). */
export type Pop3Service = MailService;

/**
 * Starts a POP3 server (RFC 1939 with CAPA, RESP-CODES, PIPELINING, STLS and SASL PLAIN):
 * plain with optional STLS, or POP3S with `implicitTls`. Logins are checked with scrypt, each
 * mailbox is locked by one session at a time, messages stream from disk and deletions happen
 * only at QUIT. Over the connection limits a client gets `-ERR [SYS/TEMP]`.
 *
 * @param options Address, users, store, TLS and limits.
 * @returns The running service.
 * @throws {SocketError} When the port is in use or not permitted.
 * @throws {TypeError} When `implicitTls` is set without `tls`.
 * @throws {RangeError} When `failedLoginDelay` is negative or `maxLoginAttempts` below 1.
 * @example
 * const pop3 = await startPop3Service({
 *   address: ['127.0.0.1', 10110],
 *   users,
 *   store: new MaildirStore('/tmp/polyport-mail'),
 *   allowPlaintext: true,
 * });
 */
export async function startPop3Service(options: Pop3ServiceOptions): Promise<Pop3Service> {
  const implicit = options.implicitTls ?? false;
  if (implicit && options.tls === undefined) {
    throw new TypeError('startPop3Service(): implicitTls needs a tls context');
  }
  const login = loginThrottleSettings(options.failedLoginDelay, options.maxLoginAttempts);
  const clock = options.clock ?? systemClock;
  const context = {
    users: options.users,
    store: options.store,
    session: {
      stls: options.tls !== undefined && !implicit,
      tls: implicit,
      allowPlaintextAuth: options.allowPlaintext,
      // The service's request-size limit bounds a command line (RFC 2449 asks for 255 at least).
      ...(options.limits ? { maxLineLength: Math.max(255, options.limits.maxRequestSize) } : {}),
    },
    tls: implicit ? undefined : options.tls,
    failedLoginDelay: login.delay,
    maxLoginAttempts: login.maxAttempts,
    checkPassword: options.checkPassword,
  };
  return openMailListener(
    {
      address: options.address,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.proxyProtocol ? { proxyProtocol: options.proxyProtocol } : {}),
      ...(options.reusePort ? { reusePort: true } : {}),
      ...(options.observer ? { observer: options.observer } : {}),
      ...(options.map ? { map: options.map } : {}),
      ...(implicit && options.tls ? { tls: options.tls } : {}),
      busyReply: '-ERR [SYS/TEMP] Too many connections, try again later.\r\n',
      clock,
    },
    (transport, settings) => new Pop3Handler(transport, settings, context),
  );
}
