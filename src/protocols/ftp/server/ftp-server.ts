/**
 * The FTP server: `startFtpService()` opens the listener and makes an {@link FtpHandler} on the
 * kit (a `ChannelTransport` driven by a `Connection`) for each control connection.
 */

import * as nodePath from 'node:path';
import type { ChannelSocket } from '../../../dispatch/index.js';
import { ChannelTransport } from '../../../server/channel-transport.js';
import { systemClock } from '../../../server/clock.js';
import { DEFAULT_LIMITS } from '../../../server/limits.js';
import { loginThrottleSettings } from '../../../server/login-throttle.js';
import { TcpListener } from '../../../server/tcp-listener.js';
import { verifyPassword } from '../../common/password.js';
import { FtpHandler } from './ftp-handler.js';
import type { FtpServiceContext, FtpServiceOptions, FtpUser } from './ftp-service-context.js';

export type { FtpServiceContext, FtpServiceOptions, FtpUser } from './ftp-service-context.js';

/** A running FTP service. */
export interface FtpService {
  readonly listener: TcpListener;
  /** Stops accepting; sessions in progress finish on their own. */
  close(): void;
}

/** The connection's own address (what passive listeners bind to), or `''`. */
function localHostOf(sock: ChannelSocket): string {
  try {
    return String((sock.getsockname() as [string, number] | undefined)?.[0] ?? '');
  } catch {
    return '';
  }
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
    ...(options.proxyProtocol ? { proxyProtocol: options.proxyProtocol } : {}),
    ...(options.reusePort ? { reusePort: true } : {}),
    clock: context.clock,
    busyReply: '421 Too many connections; try again later.\r\n',
    createChannel: ({ socket, channelOptions, proxiedBy }) =>
      new FtpHandler(
        new ChannelTransport(socket, channelOptions),
        {
          ...channelOptions,
          localHost: localHostOf(socket),
          ...(Array.isArray(proxiedBy) ? { balancerHost: String(proxiedBy[0]) } : {}),
        },
        context,
      ),
  });
  return { listener, close: () => listener.close() };
}
