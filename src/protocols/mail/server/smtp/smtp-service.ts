/** `startSmtpService`: polyport's SMTP receiver, delivering local mail into Maildirs. */
import type { SocketMap } from '../../../../dispatch/index.js';
import { type Clock, systemClock } from '../../../../server/clock.js';
import type { ServerLimits } from '../../../../server/limits.js';
import { loginThrottleSettings } from '../../../../server/login-throttle.js';
import { RateLimiter } from '../../../../server/rate-limiter.js';
import type { ServerObserver } from '../../../../server/server-observer.js';
import type { ProxyProtocolOptions } from '../../../../server/tcp-listener.js';
import type { SSLContext } from '../../../../socket/index.js';
import { formatSmtpReply } from '../../codec/smtp/smtp-reply.js';
import { type MailService, openMailListener } from '../mail-listener.js';
import type { MailUser, PasswordCheck } from '../mail-users.js';
import { MailboxQuota } from '../maildir/mailbox-quota.js';
import type { MaildirStore } from '../maildir/maildir-store.js';
import { SmtpHandler } from './smtp-handler.js';

/** Messages per client and minute when `maxMessagesPerMinute` is not given. */
export const DEFAULT_MAX_MESSAGES_PER_MINUTE = 60;

/** Options for {@link startSmtpService}. */
export interface SmtpServiceOptions {
  /** `[host, port]` to listen on (port 0: any free port). */
  readonly address: readonly [string, number];
  /** This server's name in the banner, EHLO and `Received:`. Default `localhost`. */
  readonly hostname?: string;
  /** Domains delivered locally. Default `['localhost', 'example.test']`. */
  readonly domains?: readonly string[];
  /** The accounts: their addresses decide where mail goes; their passwords, SMTP AUTH. */
  readonly users: readonly MailUser[];
  /** Where each user's Maildir lives (`store.maildir(user.name)`). */
  readonly store: MaildirStore;
  /** A user name that receives mail for unknown addresses in the local domains. */
  readonly catchAll?: string;
  /**
   * The mail catcher, for labs: accept every recipient in any domain and deliver it to the
   * `catchAll` user (the first user when `catchAll` is unset). Default false.
   */
  readonly acceptAll?: boolean;
  /**
   * The mail catcher's AUTH, for labs: every AUTH (PLAIN or LOGIN) succeeds, its user name
   * logged at info (the password is not). Default false.
   */
  readonly acceptAnyAuth?: boolean;
  /** Largest message in octets, advertised as SIZE and enforced as it arrives. Default 32 MiB. */
  readonly maxMessageSize?: number;
  /** Recipients per message. Default 100. */
  readonly maxRecipients?: number;
  /** A server context: enables STARTTLS (and AUTH PLAIN and LOGIN over it). */
  readonly tls?: SSLContext;
  /** Offer AUTH PLAIN and LOGIN once TLS is up. Default: true when `tls` is given. */
  readonly auth?: boolean;
  readonly limits?: ServerLimits;
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
  /** The password check (default scrypt `verifyPassword`); tests may inject a cheap one. */
  readonly checkPassword?: PasswordCheck;
  /** Milliseconds before answering a failed AUTH (`535 5.7.8`). Default 1000. */
  readonly failedLoginDelay?: number;
  /** Failed AUTH attempts on one connection before `421 4.7.0` and the close. Default 3. */
  readonly maxLoginAttempts?: number;
  /**
   * Messages one client address (an IPv6 /64) may send per minute, across its connections; over
   * it, recipients get `452 4.7.0 Error: too much mail from …` (Postfix's anvil limit). Default
   * 60; 0: no limit.
   */
  readonly maxMessagesPerMinute?: number;
  /**
   * Let loopback clients send without the message rate, as Postfix exempts `$mynetworks` by
   * default (local test suites and benchmarks send fast). Default true.
   */
  readonly messageRateExemptsLoopback?: boolean;
  /**
   * The most bytes one user's Maildir may hold; over it, RCPT gets `552 5.2.2` and a message
   * that would not fit gets `552 5.2.2 Error: mailbox full` at the final dot. Default 0: none.
   */
  readonly mailboxQuota?: number;
}

/** A running SMTP service: `close()` also ends every open connection (messages in transfer are discarded). */
export type SmtpService = MailService;

/**
 * Starts the SMTP receiver (RFC 5321 with SIZE, PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES,
 * STARTTLS and AUTH PLAIN and LOGIN). It accepts mail for the users' addresses in the local
 * domains (or the catch-all user), refuses other local addresses with `550 5.1.1` and every
 * other domain with `554 5.7.1`: it never relays. With `acceptAll` it is a mail catcher instead:
 * every recipient is accepted into one mailbox; with `acceptAnyAuth` every AUTH succeeds. Each message is streamed into the recipients' Maildirs
 * with a `Received:` header and becomes visible only when complete. Over the connection limits
 * a client gets `421 4.7.0`; after `limits.idleTimeout` without input, `421 4.4.2`. A failed
 * AUTH is answered after `failedLoginDelay` and the `maxLoginAttempts`-th closes the connection
 * (`421 4.7.0`); a client over `maxMessagesPerMinute` gets `452 4.7.0` at RCPT; with a
 * `mailboxQuota`, mail that does not fit gets `552 5.2.2`.
 *
 * @param options Address, users, store and limits.
 * @returns The running service.
 * @throws {SocketError} When the port is in use or not permitted.
 * @throws {RangeError} When a size or count limit is not a positive integer, `catchAll`
 *   names no user, `acceptAll` is set without any user, `failedLoginDelay` is negative, `maxLoginAttempts` below 1, or
 *   `maxMessagesPerMinute` or `mailboxQuota` is negative or not an integer.
 * @example
 * const smtp = await startSmtpService({
 *   address: ['127.0.0.1', 10025],
 *   users: [{ name: 'demo', password: await hashPassword('demo'), mail: ['demo@example.test'] }],
 *   store: new MaildirStore('/tmp/polyport-mail'),
 * });
 */
export async function startSmtpService(options: SmtpServiceOptions): Promise<SmtpService> {
  const hostname = options.hostname ?? 'localhost';
  const clock = options.clock ?? systemClock;
  if (
    options.catchAll !== undefined &&
    options.catchAll !== '' &&
    !options.users.some((u) => u.name === options.catchAll)
  ) {
    throw new RangeError(`catchAll names no user: ${options.catchAll}`);
  }
  if (options.acceptAll === true && options.users.length === 0) {
    throw new RangeError('acceptAll needs a user whose mailbox receives the mail');
  }
  const session = {
    hostname,
    ...(options.maxMessageSize !== undefined ? { maxMessageSize: options.maxMessageSize } : {}),
    ...(options.maxRecipients !== undefined ? { maxRecipients: options.maxRecipients } : {}),
    startTls: options.tls !== undefined,
    auth: options.auth ?? options.tls !== undefined,
    // The service's request-size limit bounds a command line (RFC 5321 asks for 512 at least).
    ...(options.limits
      ? { maxCommandLineLength: Math.max(512, options.limits.maxRequestSize) }
      : {}),
  };
  for (const key of ['maxMessageSize', 'maxRecipients'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw new RangeError(`${key} must be a positive integer, got ${value}`);
    }
  }
  for (const key of ['maxMessagesPerMinute', 'mailboxQuota'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new RangeError(`${key} must be an integer >= 0, got ${value}`);
    }
  }
  const perMinute = options.maxMessagesPerMinute ?? DEFAULT_MAX_MESSAGES_PER_MINUTE;
  const quota = options.mailboxQuota ?? 0;
  const login = loginThrottleSettings(options.failedLoginDelay, options.maxLoginAttempts);
  let counter = 0;
  const context = {
    hostname,
    domains: options.domains ?? ['localhost', 'example.test'],
    users: options.users,
    catchAll: options.catchAll,
    acceptAll: options.acceptAll ?? false,
    acceptAnyAuth: options.acceptAnyAuth ?? false,
    store: options.store,
    session,
    tls: options.tls,
    checkPassword: options.checkPassword,
    failedLoginDelay: login.delay,
    maxLoginAttempts: login.maxAttempts,
    messageRate:
      perMinute === 0
        ? null
        : new RateLimiter({
            perSecond: perMinute / 60,
            burst: perMinute,
            exemptLoopback: options.messageRateExemptsLoopback ?? true,
          }),
    quota: quota === 0 ? null : new MailboxQuota(options.store, quota),
    // Postfix-style queue ids: unique within this process, sortable by time.
    nextId: () =>
      `${clock.now().toString(16).toUpperCase()}${(++counter).toString(16).toUpperCase().padStart(4, '0')}`,
  };
  return openMailListener(
    {
      address: options.address,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.proxyProtocol ? { proxyProtocol: options.proxyProtocol } : {}),
      ...(options.reusePort ? { reusePort: true } : {}),
      ...(options.observer ? { observer: options.observer } : {}),
      ...(options.map ? { map: options.map } : {}),
      busyReply: formatSmtpReply({
        code: 421,
        enhanced: '4.7.0',
        text: `${hostname} Error: too many connections, try again later`,
      }),
      clock,
    },
    (transport, settings) => new SmtpHandler(transport, settings, context),
  );
}
