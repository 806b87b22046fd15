/**
 * The config schema, written once: every key of `polyport.toml` with its type, default, range
 * and documentation. The keys every service shares come from the template in `services.ts`, so
 * a new service is one line in `SERVICES`.
 */
import { DEFAULT_RECURSION_CLIENTS } from '../../protocols/dns/index.js';
import { isIPv4, isIPv6 } from '../../socket/inet.js';
import { isPasswordHash } from '../password.js';
import { isAddressRange, isForwarder, isLoopbackAddress, isMailbox } from './address-syntax.js';
import type { KeySpec } from './key-spec.js';
import { SERVICES, serviceKeys } from './services.js';
import {
  booleanType,
  type ConfigValue,
  enumType,
  integerType,
  listType,
  portRangeType,
  stringType,
} from './value-types.js';

/** The FTP permissions a user may hold. */
export const FTP_PERMISSIONS = ['list', 'read', 'write', 'delete', 'rename', 'mkdir'] as const;

/** One FTP permission. */
export type FtpPermission = (typeof FTP_PERMISSIONS)[number];

/** pino's level names, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const path = stringType({ name: 'path' });
const optionalPath = stringType({ name: 'path or ""' });
const str = (get: (key: string) => ConfigValue, key: string): string => String(get(key));
const under = (dir: string, name: string): string => `${dir.replace(/\/+$/, '')}/${name}`;

/** Top-level keys and the tables that are not services (`log`, `tls`). */
const GLOBAL_KEYS: readonly KeySpec[] = [
  {
    key: 'dataDir',
    type: path,
    default: './polyport-data',
    doc: 'Directory for sample content, generated TLS material and the default roots.',
  },
  {
    key: 'portOffset',
    type: integerType(0, 65000),
    default: 10000,
    doc: 'Added to each well-known port to give the default ports; 0 gives the real ones (which need privileges below 1024).',
  },
  {
    key: 'log.level',
    type: enumType(LOG_LEVELS),
    default: 'info',
    doc: 'Least severe message logged.',
  },
  {
    key: 'log.format',
    type: enumType(['pretty', 'json']),
    default: 'pretty',
    doc: 'Human-readable lines, or one JSON object per line.',
  },
  {
    key: 'tls.cert',
    type: optionalPath,
    default: '',
    doc: 'PEM certificate chain for https, FTP AUTH TLS, STARTTLS and STLS. Empty: a self-signed certificate is made in dataDir.',
  },
  {
    key: 'tls.key',
    type: optionalPath,
    default: '',
    doc: 'PEM private key for tls.cert; set both or neither.',
  },
  {
    key: 'tls.ciphers',
    type: stringType({ name: 'OpenSSL cipher string or ""' }),
    default: '',
    doc: 'TLS 1.2 cipher suites the TLS services offer, as an OpenSSL cipher string (e.g. "ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES" to admit CBC for old clients). Empty: ECDHE with AES-GCM or ChaCha20-Poly1305 only. TLS 1.3 suites are all AEAD and stay on.',
  },
];

const SPECIFIC_KEYS: readonly KeySpec[] = [
  {
    key: 'http.root',
    type: path,
    default: { describe: 'dataDir + "/www"', derive: (get) => under(str(get, 'dataDir'), 'www') },
    doc: 'Directory served over HTTP.',
  },
  {
    key: 'https.root',
    type: path,
    default: { describe: 'http.root', derive: (get) => get('http.root') },
    doc: 'Directory served over HTTPS.',
  },
  {
    key: 'ftp.root',
    type: path,
    default: { describe: 'dataDir + "/ftp"', derive: (get) => under(str(get, 'dataDir'), 'ftp') },
    doc: 'Directory that is "/" for FTP users; each user home is inside it.',
  },
  {
    key: 'ftp.passivePorts',
    type: portRangeType(),
    default: null,
    doc: 'Ports for passive-mode data connections, as "low-high"; "" lets the OS choose.',
  },
  {
    key: 'ftp.passiveAddress',
    type: stringType({
      name: 'IP address or ""',
      expected: 'an IP address, or "" for the control connection\'s address',
      check: (t) => t === '' || isIPv4(t) || isIPv6(t),
    }),
    default: '',
    doc: 'Address announced in PASV/EPSV replies (for NAT); "" announces the control connection\'s local address.',
  },
  {
    key: 'ftp.anonymous',
    type: booleanType(),
    default: false,
    doc: 'Allow USER anonymous: read-only access to all of ftp.root.',
  },
  {
    key: 'ftp.requireTls',
    type: booleanType(),
    default: false,
    doc: 'Refuse USER/PASS until AUTH TLS (RFC 4217) has been done.',
  },
  {
    key: 'smtp.domains',
    type: listType(
      stringType({ name: 'domain', expected: 'a domain name', check: (t) => isMailbox(`x@${t}`) }),
    ),
    default: ['localhost', 'example.test'],
    doc: 'Domains whose mail is accepted and delivered to local mailboxes; anything else is refused (no relaying).',
  },
  {
    key: 'smtp.maxMessageSize',
    type: integerType(1024, 2 ** 31 - 1),
    default: 32 * 1024 * 1024,
    doc: 'Largest message accepted, in bytes; announced with the SIZE extension (RFC 1870).',
  },
  {
    key: 'smtp.maxRecipients',
    type: integerType(1, 100_000),
    default: 100,
    doc: 'Most RCPT TO per message (RFC 5321 requires at least 100 be accepted).',
  },
  {
    key: 'smtp.maxMessagesPerMinute',
    type: integerType(0, 1_000_000),
    default: 60,
    doc: 'Messages one client address (an IPv6 /64) may send per minute; more get 452 4.7.0 at RCPT. Loopback is exempt; 0: no limit.',
  },
  {
    key: 'smtp.mailboxQuota',
    type: integerType(0, 2 ** 50),
    default: 0,
    doc: "Most bytes one user's mailbox may hold; mail that does not fit gets 552 5.2.2 (mailbox full). 0: no quota.",
  },
  {
    key: 'smtp.catchAll',
    type: stringType({ name: 'user name or ""' }),
    default: '',
    doc: 'User who receives mail for unknown local parts of smtp.domains; "" refuses them.',
  },
  {
    key: 'pop3.allowPlaintext',
    type: booleanType(),
    default: {
      describe: 'true when pop3.address is loopback',
      derive: (get) => isLoopbackAddress(str(get, 'pop3.address')),
    },
    doc: 'Allow USER/PASS without STLS first (RFC 2595 section 2.3).',
  },
  {
    key: 'dns.zones',
    type: listType(path),
    default: [],
    doc: 'Master files (RFC 1035 section 5) to serve authoritatively; empty serves a sample example.test zone.',
  },
  {
    key: 'dns.forwarders',
    type: listType(
      stringType({
        name: 'IP[:port]',
        expected: 'an IP address with an optional port',
        check: isForwarder,
      }),
    ),
    default: [],
    doc: 'Servers that names outside the zones are forwarded to; empty answers REFUSED for them.',
  },
  {
    key: 'dns.allowRecursion',
    type: listType(
      stringType({
        name: 'address or CIDR',
        expected: 'an IP address or CIDR range such as 10.0.0.0/8',
        check: isAddressRange,
      }),
    ),
    default: [...DEFAULT_RECURSION_CLIENTS],
    doc: 'Clients whose queries for names outside the zones are forwarded (when dns.forwarders is set); others get REFUSED for such names, while the zones answer everyone. The default is loopback and the private ranges (RFC 1918, unique-local and link-local IPv6), so a server listening on a public address is not an open resolver.',
  },
  {
    key: 'finger.users',
    type: listType(stringType({ name: 'user name' })),
    default: [],
    doc: 'Users finger will describe; empty means every user in [[users]].',
  },
  {
    key: 'finger.allowForwarding',
    type: booleanType(),
    default: false,
    doc: 'Honour user@host@host queries (RFC 1288 section 3.2.1 advises off).',
  },
  {
    key: 'qotd.file',
    type: optionalPath,
    default: '',
    doc: 'Text file of quotes in fortune(6) style, separated by lines holding only %; "" uses the built-in ones.',
  },
];

/**
 * The keys of one `[[users]]` entry (names are relative to the entry).
 *
 * @example
 * USER_KEYS.map((k) => k.key); // ['name', 'password', 'mail', 'ftpHome', 'ftpPermissions', 'realName', 'plan']
 */
export const USER_KEYS: readonly KeySpec[] = [
  {
    key: 'name',
    type: stringType({
      name: 'user name',
      expected: 'a user name of 1 to 64 letters, digits, ".", "_" or "-"',
      check: (t) => /^[A-Za-z0-9._-]{1,64}$/.test(t),
    }),
    doc: 'Login name for FTP, POP3 and SMTP AUTH; required.',
  },
  {
    key: 'password',
    type: stringType({
      name: 'scrypt hash',
      expected:
        'an scrypt hash string "scrypt$N=…,r=…,p=…$salt$hash" (make one with `polyport hash-password`)',
      check: isPasswordHash,
    }),
    doc: 'The password as an scrypt hash string, never in clear; required.',
  },
  {
    key: 'mail',
    type: listType(
      stringType({ name: 'mailbox', expected: 'a mailbox local@domain', check: isMailbox }),
    ),
    default: [],
    doc: "Addresses delivered to this user's mailbox.",
  },
  {
    key: 'ftpHome',
    type: stringType({
      name: 'path',
      expected: 'an absolute path inside ftp.root',
      check: (t) => t.startsWith('/') && !t.split('/').includes('..'),
    }),
    default: '/',
    doc: "The user's FTP home, as a path inside ftp.root.",
  },
  {
    key: 'ftpPermissions',
    type: listType(enumType(FTP_PERMISSIONS)),
    default: ['list', 'read'],
    doc: 'What the user may do over FTP: list, read, write, delete, rename, mkdir.',
  },
  {
    key: 'realName',
    type: stringType({
      name: 'real name',
      expected: 'a name of at most 128 characters',
      check: (t) => t.length <= 128,
    }),
    default: '',
    doc: 'The real name finger shows (default: the login name).',
  },
  {
    key: 'plan',
    type: stringType({
      name: 'plan text',
      expected: 'text of at most 4096 characters',
      check: (t) => t.length <= 4096,
    }),
    default: '',
    doc: "The user's plan, as finger shows it (control characters are stripped on output).",
  },
];

/**
 * Every key of the config file except `[[users]]`, in reference order.
 *
 * @example
 * CONFIG_KEYS.get('http.port')?.type.expected; // 'an integer from 0 to 65535'
 */
export const CONFIG_KEYS: ReadonlyMap<string, KeySpec> = new Map(
  [...GLOBAL_KEYS, ...SERVICES.flatMap(serviceKeys), ...SPECIFIC_KEYS].map((k) => [k.key, k]),
);

/** The global keys, for the reference. */
export const GLOBAL_KEY_SPECS = GLOBAL_KEYS;
/** The service-specific keys, for the reference. */
export const SPECIFIC_KEY_SPECS = SPECIFIC_KEYS;
