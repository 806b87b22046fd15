/**
 * The FTP server: `startFtpService()` opens the listener and makes an {@link FtpSession} for
 * each control connection.
 */

import * as nodePath from 'node:path';
import type { SocketMap } from '../../dispatch/index.js';
import { type Clock, systemClock } from '../../server/clock.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../server/limits.js';
import { loginThrottleSettings } from '../../server/login-throttle.js';
import type { ServerObserver } from '../../server/server-observer.js';
import { TcpListener } from '../../server/tcp-listener.js';
import type { SSLContext } from '../../socket/index.js';
import { verifyPassword } from '../common/password.js';
import type { Permission } from './command-table.js';
import { FtpSession } from './ftp-session.js';

/** One virtual user. */
export interface FtpUser {
  /** The login name. */
  readonly name: string;
  /** The scrypt hash of the password (`scrypt$N=…`, from `polyport hash-password`). */
  readonly password: string;
  /** The user's root, a path inside the service root (`/`: the whole root). */
  readonly home: string;
  /** What the user may do. */
  readonly permissions: readonly Permission[];
}

/** Options for {@link startFtpService}. */
export interface FtpServiceOptions {
  /** `[host, port]` to listen on (port 0: any free port). */
  readonly address: readonly [string, number];
  /** The directory served; users' homes are inside it. */
  readonly root: string;
  /** The virtual users. */
  readonly users: readonly FtpUser[];
  /** Allow `anonymous`/`ftp` logins, jailed at `root` (default false). */
  readonly anonymous?: boolean;
  /** What anonymous users may do (default list and read). */
  readonly anonymousPermissions?: readonly Permission[];
  /** The certificate for AUTH TLS and PROT P; without it TLS is not offered. */
  readonly tls?: SSLContext;
  /** Refuse USER (for named users) until AUTH TLS, and data transfers without PROT P. */
  readonly requireTls?: boolean;
  /** The passive port range, or null/omitted for any free port. */
  readonly passivePorts?: readonly [number, number] | null;
  /** The IPv4 address PASV announces (behind NAT); default the control connection's own. */
  readonly passiveAddress?: string;
  /** Entries a LIST or NLST with wildcards (`NLST *.txt`) shows at most (default 10,000). */
  readonly maxListMatches?: number;
  /** Keep a cut upload under its final name so the client can resume it (default false). */
  readonly keepPartialUploads?: boolean;
  readonly limits?: ServerLimits;
  readonly observer?: ServerObserver;
  readonly map?: SocketMap;
  readonly clock?: Clock;
  /** Milliseconds to wait before answering a failed login (default 1000). */
  readonly failedLoginDelay?: number;
  /** Failed logins before the connection is closed (default 3). */
  readonly maxLoginAttempts?: number;
  /** Seconds to wait for a data connection, and without progress on one (default 30). */
  readonly dataTimeout?: number;
  /** Commands a client may send per second, on average (default 200; 0: no limit). */
  readonly maxCommandsPerSecond?: number;
  /** The greeting after `220 ` (default `polyport FTP server ready.`). */
  readonly banner?: string;
  /** Checks a password against a stored hash (default: polyport's scrypt `verifyPassword`). */
  readonly verifyPassword?: (password: string, stored: string) => Promise<boolean>;
}

/** The resolved settings every session of one service shares. */
export interface FtpServiceContext {
  readonly options: FtpServiceOptions;
  readonly root: string;
  readonly users: ReadonlyMap<string, FtpUser>;
  readonly limits: ServerLimits;
  readonly clock: Clock;
  readonly observer: ServerObserver;
  readonly failedLoginDelay: number;
  readonly maxLoginAttempts: number;
  readonly dataTimeout: number;
  readonly maxCommandsPerSecond: number;
  readonly verify: (password: string, stored: string) => Promise<boolean>;
}

/** A running FTP service. */
export interface FtpService {
  readonly listener: TcpListener;
  /** Stops accepting; sessions in progress finish on their own. */
  close(): void;
}

function checkRange(range: readonly [number, number] | null | undefined): void {
  if (range === null || range === undefined) return;
  const [low, high] = range;
  if (
    !Number.isInteger(low) ||
    !Number.isInteger(high) ||
    low < 1024 ||
    high > 65535 ||
    low > high
  ) {
    throw new RangeError(
      `passivePorts must be [low, high] within 1024-65535, got [${low}, ${high}]`,
    );
  }
}

/**
 * Starts an FTP service (RFC 959 and its extensions, FTPS per RFC 4217).
 *
 * @param options Address, root, users, TLS and limits.
 * @returns The running service.
 * @throws {RangeError} For a bad passive port range, a duplicate user name, a negative
 *   `failedLoginDelay` or a `maxLoginAttempts` below 1.
 * @throws {SocketError} When the port is in use or not permitted.
 * @example
 * const ftp = await startFtpService({
 *   address: ['127.0.0.1', 10021],
 *   root: '/srv/ftp',
 *   users: [{ name: 'demo', password: hash, home: '/', permissions: ['list', 'read'] }],
 * });
 * // … later
 * ftp.close();
 */
export async function startFtpService(options: FtpServiceOptions): Promise<FtpService> {
  checkRange(options.passivePorts);
  const users = new Map<string, FtpUser>();
  for (const user of options.users) {
    if (users.has(user.name)) throw new RangeError(`duplicate FTP user ${user.name}`);
    users.set(user.name, user);
  }
  const limits = options.limits ?? DEFAULT_LIMITS;
  const login = loginThrottleSettings(options.failedLoginDelay, options.maxLoginAttempts);
  const context: FtpServiceContext = {
    options,
    root: nodePath.resolve(options.root),
    users,
    limits,
    clock: options.clock ?? systemClock,
    observer: options.observer ?? {},
    failedLoginDelay: login.delay,
    maxLoginAttempts: login.maxAttempts,
    dataTimeout: options.dataTimeout ?? 30,
    maxCommandsPerSecond: options.maxCommandsPerSecond ?? 200,
    verify: options.verifyPassword ?? ((password, stored) => verifyPassword(password, stored)),
  };
  const listener = await TcpListener.open({
    address: options.address,
    limits,
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.map ? { map: options.map } : {}),
    busyReply: '421 Too many connections; try again later.\r\n',
    createChannel: ({ socket, release }) =>
      new FtpSession(
        socket,
        {
          release,
          limits,
          clock: context.clock,
          observer: context.observer,
          ...(options.map ? { map: options.map } : {}),
        },
        context,
      ),
  });
  return { listener, close: () => listener.close() };
}
