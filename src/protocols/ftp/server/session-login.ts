/**
 * The password side of an FTP login (RFC 959 PASS, RFC 2577 limits): virtual users with scrypt
 * hashes, anonymous access, a delay after each failure and a cap on attempts.
 */

import type { Clock } from '../../../server/clock.js';
import { LoginThrottle } from '../../../server/login-throttle.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import { unmatchablePasswordHash } from '../../common/index.js';
import type { Permission } from '../codec/command-table.js';
import { type Reply, reply } from '../codec/reply.js';
import { virtualToRealPath } from '../codec/virtual-path.js';
import { FtpJail } from './ftp-jail.js';
import type { FtpServiceContext, FtpServiceOptions } from './ftp-service-context.js';

/** The dummy hash for an unknown name: at a configured user's cost (see unmatchablePasswordHash). */
function unknownUserHash(users: ReadonlyMap<string, { readonly password: string }>): string {
  return unmatchablePasswordHash(users.values().next().value?.password);
}

/** What a successful login gives the session. */
export interface LoginGrant {
  readonly user: string;
  readonly jail: FtpJail;
  readonly permissions: ReadonlySet<Permission>;
}

/** The service settings login reads: users, root, password check, throttle and TLS policy. */
export type LoginSettings = Pick<
  FtpServiceContext,
  'root' | 'users' | 'verify' | 'failedLoginDelay' | 'maxLoginAttempts'
> & {
  readonly options: Pick<FtpServiceOptions, 'anonymousPermissions'>;
};

/** The session facts login needs. */
export interface LoginHost {
  readonly service: LoginSettings;
  readonly clock: Clock;
  readonly observer: ServerObserver;
  readonly peer: string;
  /** AUTH TLS is in force. */
  readonly secure: boolean;
}

/** The outcome of PASS: a reply, a grant with its reply, or the order to close. */
export type PassOutcome =
  | { readonly type: 'reply'; readonly reply: Reply }
  | { readonly type: 'granted'; readonly grant: LoginGrant; readonly reply: Reply }
  | { readonly type: 'close'; readonly reply: Reply };

/**
 * The password check of one connection; failures are counted across logins, so a client cannot
 * reset its count by starting over. Which command may come when (USER before PASS, AUTH TLS
 * before USER) is the control session's to decide.
 *
 * @example
 * const login = new SessionLogin(session);
 * await login.pass('demo', 'demo'); // { type: 'granted', … }
 */
export class SessionLogin {
  readonly #host: LoginHost;
  readonly #throttle: LoginThrottle;

  /**
   * @param host The session.
   */
  constructor(host: LoginHost) {
    this.#host = host;
    this.#throttle = new LoginThrottle({
      clock: host.clock,
      delay: host.service.failedLoginDelay,
      maxAttempts: host.service.maxLoginAttempts,
    });
  }

  /**
   * Checks a password (anonymous takes any) and opens the user's jail.
   *
   * @param name The name USER gave (`anonymous` for either anonymous name).
   * @param password The password.
   * @returns The outcome.
   */
  async pass(name: string, password: string): Promise<PassOutcome> {
    const host = this.#host;
    const service = host.service;
    let home = '/';
    let permissions: readonly Permission[] = service.options.anonymousPermissions ?? [
      'list',
      'read',
    ];
    if (name !== 'anonymous') {
      const user = service.users.get(name);
      // An unknown user costs one password check too, so timing does not tell which names exist.
      const good = await service
        .verify(password, user?.password ?? unknownUserHash(service.users))
        .catch(() => false);
      if (!good || user === undefined) return this.#failed(name);
      home = user.home;
      permissions = user.permissions;
    }
    let jail: FtpJail;
    try {
      jail = await FtpJail.open(virtualToRealPath(service.root, home));
    } catch (err) {
      host.observer.error?.(err, host.peer);
      return { type: 'reply', reply: reply(530, 'Login incorrect: home directory unavailable.') };
    }
    host.observer.log?.('info', 'FTP login', { peer: host.peer, user: name, tls: host.secure });
    return {
      type: 'granted',
      grant: { user: name, jail, permissions: new Set(permissions) },
      reply: reply(230, 'Login successful.'),
    };
  }

  async #failed(name: string): Promise<PassOutcome> {
    const host = this.#host;
    host.observer.log?.('warn', 'FTP login failed', { peer: host.peer, user: name });
    if (await this.#throttle.failed()) {
      return {
        type: 'close',
        reply: reply(421, 'Too many failed logins; closing the connection.'),
      };
    }
    return { type: 'reply', reply: reply(530, 'Login incorrect.') };
  }
}
