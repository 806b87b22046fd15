/**
 * What an FTP service is configured with ({@link FtpServiceOptions}) and what its sessions share
 * once it runs ({@link FtpServiceContext}). A file of its own so the start function, the session
 * and its helpers can all name these types without importing each other.
 */

import type { SocketMap } from '../../../dispatch/index.js';
import type { Clock } from '../../../server/clock.js';
import type { ServerLimits } from '../../../server/limits.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import type { ProxyProtocolOptions } from '../../../server/tcp-listener.js';
import type { SSLContext } from '../../../socket/index.js';
import type { Permission } from '../codec/command-table.js';

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
  /** Behind a load balancer: connections start with a PROXY header (see `TcpListener`). */
  readonly proxyProtocol?: ProxyProtocolOptions | undefined;
  /** Share the port with other processes (SO_REUSEPORT): the workers of `serve --workers`. */
  readonly reusePort?: boolean | undefined;
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
