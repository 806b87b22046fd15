/**
 * The typed, effective configuration the host runtime reads: every default resolved, every port
 * final. Produced only by `effectiveConfig()` / `loadConfig()`, which validate against the schema,
 * so a value here is always in range.
 */
import type { FaultRuleSpec } from '../faults/fault-rule.js';
import type { PortRange } from './value-types.js';

/**
 * The FTP permissions a user may hold.
 *
 * @example
 * FTP_PERMISSIONS.includes('write'); // true
 */
export const FTP_PERMISSIONS = ['list', 'read', 'write', 'delete', 'rename', 'mkdir'] as const;

/** One FTP permission. */
export type FtpPermission = (typeof FTP_PERMISSIONS)[number];

/**
 * pino's level names, most verbose first.
 *
 * @example
 * LOG_LEVELS.indexOf('warn') > LOG_LEVELS.indexOf('info'); // true
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Limits every TCP service applies (see the reference for units and meaning). */
export interface ServiceLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  /** Seconds; 0 for never. */
  readonly idleTimeout: number;
  /** Seconds; 0 for never. */
  readonly readTimeout: number;
  /** Bytes. */
  readonly maxRequestSize: number;
  /** Seconds a TLS handshake may take; 0 for never. */
  readonly handshakeTimeout: number;
  /** Seconds queued output may wait for the client to read; 0 for never. */
  readonly writeTimeout: number;
  /** Bytes of queued output past which a connection's next request is not read. */
  readonly maxPendingOutput: number;
}

/** Limits of a service that also answers over UDP. */
export interface DatagramServiceLimits extends ServiceLimits {
  /** Datagrams per second per client address; 0 for no limit. */
  readonly udpRate: number;
  /** Datagrams a client address may send at once. */
  readonly udpBurst: number;
}

/** What every listener has. */
export interface ServiceConfig {
  readonly enabled: boolean;
  readonly address: string;
  /** Final port: the configured one, or the well-known port plus `portOffset`. */
  readonly port: number;
  /** Connections start with a PROXY protocol header from a load balancer. */
  readonly proxyProtocol: boolean;
  /** The balancers (addresses, CIDR ranges) allowed to send it. */
  readonly proxyProtocolFrom: readonly string[];
  readonly limits: ServiceLimits;
}

/** A service that listens on TCP and UDP on the same port number. */
export interface DatagramServiceConfig extends ServiceConfig {
  readonly tcp: boolean;
  readonly udp: boolean;
  readonly limits: DatagramServiceLimits;
}

/** `[http]` and `[https]`. */
export interface HttpServiceConfig extends ServiceConfig {
  readonly root: string;
}

/** `[ftp]`. */
export interface FtpServiceConfig extends ServiceConfig {
  readonly root: string;
  /** `null`: let the OS choose each passive port. */
  readonly passivePorts: PortRange | null;
  /** `''`: announce the control connection's local address. */
  readonly passiveAddress: string;
  readonly anonymous: boolean;
  readonly anonymousPermissions: readonly FtpPermission[];
  /** Every permission but `list` and `read` withheld, from every user. */
  readonly readOnly: boolean;
  readonly requireTls: boolean;
}

/** `[smtp]`. */
export interface SmtpServiceConfig extends ServiceConfig {
  readonly domains: readonly string[];
  readonly maxMessageSize: number;
  readonly maxRecipients: number;
  /** 0: no limit. */
  readonly maxMessagesPerMinute: number;
  /** Bytes; 0: no quota. */
  readonly mailboxQuota: number;
  /** `''`: refuse unknown recipients. */
  readonly catchAll: string;
  /** The mail catcher: every recipient, in any domain, into one mailbox. */
  readonly acceptAll: boolean;
  /** The mail catcher: every AUTH succeeds. */
  readonly acceptAnyAuth: boolean;
  /** Allow `acceptAll` and `acceptAnyAuth` on a non-loopback address. */
  readonly catcherOffLoopback: boolean;
}

/** `[pop3]`. */
export interface Pop3ServiceConfig extends ServiceConfig {
  readonly allowPlaintext: boolean;
}

/** `[dns]`. */
export interface DnsServiceConfig extends DatagramServiceConfig {
  readonly zones: readonly string[];
  readonly forwarders: readonly string[];
  /** Addresses and CIDR ranges that may have names outside the zones forwarded. */
  readonly allowRecursion: readonly string[];
  /** Whether each answered query gets a log line (dnsmasq's `log-queries`). */
  readonly logQueries: boolean;
}

/** `[finger]`. */
export interface FingerServiceConfig extends ServiceConfig {
  /** Empty: every configured user. */
  readonly users: readonly string[];
  readonly allowForwarding: boolean;
}

/** `[qotd]`. */
export interface QotdServiceConfig extends DatagramServiceConfig {
  /** `''`: the built-in quotes. */
  readonly file: string;
}

/** One `[[users]]` entry. */
export interface UserConfig {
  readonly name: string;
  /** scrypt hash string; check with `verifyPassword()`. */
  readonly password: string;
  readonly mail: readonly string[];
  readonly ftpHome: string;
  readonly ftpPermissions: readonly FtpPermission[];
  /** The real name finger shows; '' for the login name. */
  readonly realName: string;
  /** The plan finger shows; '' for none. */
  readonly plan: string;
}

/**
 * The whole effective configuration, as `loadConfig()` returns it.
 *
 * @example
 * const config = await loadConfig({ path: 'polyport.toml' });
 * if (config.ftp.enabled) startFtp(config.ftp.address, config.ftp.port, config.ftp.limits);
 */
export interface PolyportConfig {
  readonly dataDir: string;
  readonly portOffset: number;
  /** Processes serving (`serve --workers`): a count, or `'auto'` for one per core. */
  readonly workers: number | 'auto';
  readonly log: { readonly level: (typeof LOG_LEVELS)[number]; readonly format: 'pretty' | 'json' };
  /**
   * What the host keeps of each service's traffic: `events` per service (0: none), and the
   * first `bodyBytes` of each HTTP request body.
   */
  readonly capture: { readonly events: number; readonly bodyBytes: number };
  /**
   * Empty `cert`/`key`: make a self-signed certificate in `dataDir`. Empty `ciphers`: the
   * server contexts' AEAD-only TLS 1.2 suites.
   */
  readonly tls: { readonly cert: string; readonly key: string; readonly ciphers: string };
  readonly admin: ServiceConfig;
  readonly echo: DatagramServiceConfig;
  readonly discard: DatagramServiceConfig;
  readonly daytime: DatagramServiceConfig;
  readonly qotd: QotdServiceConfig;
  readonly chargen: DatagramServiceConfig;
  readonly ftp: FtpServiceConfig;
  readonly smtp: SmtpServiceConfig;
  readonly time: DatagramServiceConfig;
  readonly dns: DnsServiceConfig;
  readonly finger: FingerServiceConfig;
  readonly http: HttpServiceConfig;
  readonly pop3: Pop3ServiceConfig;
  readonly https: HttpServiceConfig;
  readonly users: readonly UserConfig[];
  /**
   * The `[[faults]]` rules, checked (`parseFaultRule`), in the order written: the host adds
   * them at start and replaces them on reload.
   */
  readonly faults: readonly FaultRuleSpec[];
  /**
   * `true` when the config defined no users and the sample user `demo` was added; such a config
   * may only listen on loopback (see `checkCredentialsPolicy()`).
   */
  readonly sampleUsers: boolean;
}

/** The name of a service table: `'http'`, `'dns'`, `'admin'`, … */
export type ServiceName = {
  [K in keyof PolyportConfig]: PolyportConfig[K] extends ServiceConfig ? K : never;
}[keyof PolyportConfig];
