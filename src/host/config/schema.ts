/**
 * The config schema, written once: every key of `polyport.toml` with its type, default, range
 * and documentation. The global and `[[users]]` keys are here; each service brings its own keys
 * in its module, and the keys every service shares come from the template in `services.ts`, so
 * a new service is one module in `SERVICE_MODULES`.
 */
import { DEFAULT_PORT_OFFSET, MAX_PORT_OFFSET } from '../../protocols/common/port-offset.js';
import { isPasswordHash } from '../password.js';
import { SERVICE_MODULES } from '../services/index.js';
import { isMailbox } from './address-syntax.js';
import type { KeySpec } from './key-spec.js';
import { OPTIONAL_PATH_TYPE, PATH_TYPE } from './path-keys.js';
import { FTP_PERMISSIONS, LOG_LEVELS } from './polyport-config.js';
import { type ServiceInfo, type ServiceSchema, serviceKeys } from './services.js';
import { enumType, integerType, listType, stringType, workerCountType } from './value-types.js';

/** Top-level keys and the tables that are not services (`log`, `tls`). */
const GLOBAL_KEYS: readonly KeySpec[] = [
  {
    key: 'dataDir',
    type: PATH_TYPE,
    default: './polyport-data',
    doc: 'Directory for sample content, generated TLS material and the default roots.',
  },
  {
    key: 'portOffset',
    type: integerType(0, MAX_PORT_OFFSET),
    default: DEFAULT_PORT_OFFSET,
    doc: 'Added to each well-known port to give the default ports; 0 gives the real ones (which need privileges below 1024).',
  },
  {
    key: 'workers',
    type: workerCountType(256),
    default: 1,
    doc: 'Processes serving every service on the same ports (SO_REUSEPORT: the kernel spreads connections and datagrams between them); "auto" is one per core. With more than one, the main process runs the admin listener, whose status page and /metrics add up every worker, and restarts a worker that dies. Every port must be fixed (not 0).',
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
    key: 'capture.events',
    type: integerType(0, 1_000_000),
    default: 1000,
    doc: 'Events kept in memory per service for the admin API, the web UI and `host.waitFor()`: every session opened and closed, request answered (HTTP request, DNS query, mail accepted, FTP transfer, …) and error. The oldest fall out; 0 keeps none (live readers still see new ones).',
  },
  {
    key: 'capture.bodyBytes',
    type: integerType(0, 1_048_576),
    default: 4096,
    doc: 'The first bytes of each HTTP request body kept in its captured event (`body`, as text or base64; `bodyTruncated` when there was more). 0 keeps none.',
  },
  {
    key: 'tls.cert',
    type: OPTIONAL_PATH_TYPE,
    default: '',
    doc: 'PEM certificate chain for https, FTP AUTH TLS, STARTTLS and STLS. Empty: a self-signed certificate is made in dataDir.',
  },
  {
    key: 'tls.key',
    type: OPTIONAL_PATH_TYPE,
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

/** The keys and tables of a config built from one list of services. */
export interface ConfigSchema {
  /** The services, in list (start-up) order. */
  readonly services: readonly ServiceSchema[];
  /** The same services by port, as the reference and the sample-credentials rule list them. */
  readonly byPort: readonly ServiceSchema[];
  /** Every key except `[[users]]`: global keys, the shared service keys, the services' own. */
  readonly keys: ReadonlyMap<string, KeySpec>;
  /** The services' own keys, in list order, for the reference. */
  readonly specificKeys: readonly KeySpec[];
  /** Every dotted prefix that names a table (`http`, `http.limits`, `log`, …). */
  readonly tables: ReadonlySet<string>;
}

const schemas = new WeakMap<readonly ServiceSchema[], ConfigSchema>();

/**
 * The schema of a config holding these services (made once per list).
 *
 * @param services The services, in start-up order (default: every built-in one).
 * @returns Its keys and tables.
 * @throws {Error} When two services share a name, a service takes the name of a global table
 *   (`log`, `tls`, `users`, …), or a service's own key is outside its table: mistakes in a
 *   module, never in a user's config.
 * @example
 * configSchema([...SERVICE_MODULES, myService]).keys.has('mine.port'); // true
 */
export function configSchema(services: readonly ServiceSchema[] = SERVICE_MODULES): ConfigSchema {
  const known = schemas.get(services);
  if (known !== undefined) return known;
  const names = new Set<string>();
  const reserved = new Set(['users', 'faults', ...GLOBAL_KEYS.map((k) => k.key.split('.')[0])]);
  for (const s of services) {
    if (names.has(s.name)) throw new Error(`config schema: two services are named ${s.name}`);
    if (reserved.has(s.name)) throw new Error(`config schema: ${s.name} is not a service's name`);
    names.add(s.name);
    const stray = s.keys?.find((k) => !k.key.startsWith(`${s.name}.`));
    if (stray) throw new Error(`config schema: ${s.name} brings ${stray.key}, outside [${s.name}]`);
  }
  // admin's well-known port is 1, so it heads the list as it always has.
  const byPort = [...services].sort((a, b) => a.wellKnownPort - b.wellKnownPort);
  const specificKeys = services.flatMap((s) => s.keys ?? []);
  const keys = new Map(
    [...GLOBAL_KEYS, ...byPort.flatMap(serviceKeys), ...specificKeys].map((k) => [k.key, k]),
  );
  const tables = new Set(
    [...keys.keys()].flatMap((key) => {
      const parts = key.split('.');
      return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
    }),
  );
  const schema: ConfigSchema = { services, byPort, keys, specificKeys, tables };
  schemas.set(services, schema);
  return schema;
}

/**
 * Every service, in the order the reference and `printConfig()` list them (by port).
 *
 * @example
 * SERVICES.find((s) => s.name === 'http')?.wellKnownPort; // 80
 */
export const SERVICES: readonly ServiceInfo[] = configSchema().byPort;

/**
 * Every key of the config file except `[[users]]`, in reference order.
 *
 * @example
 * CONFIG_KEYS.get('http.port')?.type.expected; // 'an integer from 0 to 65535'
 */
export const CONFIG_KEYS: ReadonlyMap<string, KeySpec> = configSchema().keys;

/** The global keys, for the reference. */
export const GLOBAL_KEY_SPECS = GLOBAL_KEYS;
