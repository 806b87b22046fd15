/**
 * Turns a parsed config table and `--set` overrides into the effective config: every default
 * resolved (ports from `portOffset`, roots from `dataDir`), users checked, the sample user added
 * when there are none, and every problem reported at once.
 */
import { ConfigError, type ConfigIssue } from './config-error.js';
import { crossCheck } from './cross-check.js';
import { isDerived } from './key-spec.js';
import { parseOverrides } from './overrides.js';
import type { FtpPermission, PolyportConfig, UserConfig } from './polyport-config.js';
import { readTable, type UserValues } from './read-table.js';
import { type ConfigSchema, configSchema, USER_KEYS } from './schema.js';
import type { ServiceSchema } from './services.js';
import type { ConfigValue } from './value-types.js';

/**
 * The sample user, added only when a config defines no users: name `demo`, password `demo`,
 * mail `demo@example.test`, every FTP permission. The hash is fixed so that loading the same
 * config twice gives equal results.
 *
 * @example
 * effectiveConfig().users[0] === SAMPLE_USER; // true: no users were configured
 */
export const SAMPLE_USER: UserConfig = deepFreeze({
  name: 'demo',
  password:
    'scrypt$N=16384,r=8,p=1$dH8guT0CxDyZXJphf9XTyg==$sFIS4mI+VrV1o0d/22XdJ/5ayH8AnxtGbu5jZcCQKL0=',
  mail: ['demo@example.test'],
  ftpHome: '/',
  ftpPermissions: ['list', 'read', 'write', 'delete', 'rename', 'mkdir'],
  realName: 'Demo User',
  plan: 'Try polyport: every protocol on one event loop.',
});

/** Options for {@link effectiveConfig}. */
export interface EffectiveConfigOptions {
  /** `--set key=value` overrides, applied after the table in order. */
  readonly sets?: readonly string[];
  /** Issues found earlier (a TOML syntax error) to report together with these. */
  readonly issues?: readonly ConfigIssue[];
  /**
   * The services the config may hold, in start-up order (default: `SERVICE_MODULES`, every
   * built-in one); a service outside the list is an unknown table.
   */
  readonly services?: readonly ServiceSchema[] | undefined;
}

/** The result of {@link tryEffectiveConfig}: the config, or every problem found. */
export type ConfigResult =
  | { readonly ok: true; readonly config: PolyportConfig }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Freezes an object graph: the config is shared by every service and must not drift. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function resolveDefaults(
  schema: ConfigSchema,
  given: ReadonlyMap<string, ConfigValue>,
): Map<string, ConfigValue> {
  const done = new Map(given);
  const resolving = new Set<string>();
  const get = (key: string): ConfigValue => {
    const known = done.get(key);
    if (known !== undefined || done.has(key)) return known ?? null;
    const spec = schema.keys.get(key);
    // Both are mistakes in the schema itself, never in a user's config.
    if (spec === undefined) throw new Error(`config schema: a default refers to unknown ${key}`);
    if (resolving.has(key)) throw new Error(`config schema: ${key} has a circular default`);
    resolving.add(key);
    const value = isDerived(spec.default) ? spec.default.derive(get) : (spec.default ?? null);
    resolving.delete(key);
    done.set(key, value);
    return value;
  };
  for (const key of schema.keys.keys()) get(key);
  return done;
}

function toUser(values: UserValues): UserConfig {
  const pick = (key: string): ConfigValue => {
    const value = values.get(key);
    if (value !== undefined) return value;
    return USER_KEYS.find((k) => k.key === key)?.default as ConfigValue;
  };
  return {
    name: String(pick('name')),
    password: String(pick('password')),
    mail: pick('mail') as readonly string[],
    ftpHome: String(pick('ftpHome')),
    // The schema's enum type admits only FTP_PERMISSIONS.
    ftpPermissions: pick('ftpPermissions') as readonly FtpPermission[],
    realName: String(pick('realName')),
    plan: String(pick('plan')),
  };
}

function nest(values: ReadonlyMap<string, ConfigValue>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of values) {
    const parts = key.split('.');
    let table = root;
    for (const part of parts.slice(0, -1)) {
      table = (table[part] ??= {}) as Record<string, unknown>;
    }
    table[parts.at(-1)!] = value;
  }
  return root;
}

/**
 * Like {@link effectiveConfig}, but returns the problems instead of throwing them.
 *
 * @param table The parsed TOML document (`{}` for no file).
 * @param options `--set` overrides, issues found earlier, and the services it may hold.
 * @returns The effective config, or every issue found.
 * @example
 * const result = tryEffectiveConfig({ http: { port: 'eighty' } });
 * if (!result.ok) console.error(result.issues.map((i) => i.message).join('\n'));
 */
export function tryEffectiveConfig(
  table: Readonly<Record<string, unknown>>,
  options: EffectiveConfigOptions = {},
): ConfigResult {
  const schema = configSchema(options.services);
  const read = readTable(table, schema.services);
  const overrides = parseOverrides(options.sets ?? [], schema.services);
  const issues = [...(options.issues ?? []), ...read.issues, ...overrides.issues];
  for (const { key, value } of overrides.overrides) read.values.set(key, value);
  const values = resolveDefaults(schema, read.values);
  const ownUsers = (read.users ?? []).map(toUser);
  const users = ownUsers.length > 0 ? ownUsers : [SAMPLE_USER];
  // Built through the schema; the schema and PolyportConfig describe the same keys (a test
  // compares them), so the shape is known to match.
  const config = deepFreeze({
    ...nest(values),
    users,
    faults: read.faults,
    sampleUsers: ownUsers.length === 0,
  }) as unknown as PolyportConfig;
  issues.push(...crossCheck(config, values, schema.byPort));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config };
}

/**
 * Resolves a parsed config table and `--set` overrides into the effective config: defaults
 * filled in, `portOffset` applied to every port not set explicitly, `dataDir` to every root,
 * `pop3.allowPlaintext` from whether POP3 is on loopback, and the sample user `demo` added when
 * the config defines no users.
 *
 * @param table The parsed TOML document; `{}` (the default) for no config file.
 * @param options `--set key=value` overrides, issues found earlier to report with these, and
 *   the services the config may hold.
 * @returns The effective config, deeply frozen.
 * @throws {ConfigError} Listing every problem: unknown keys (with a suggestion), wrong types,
 *   values out of range, bad overrides, conflicting listeners.
 * @example
 * const config = effectiveConfig({ portOffset: 20000 }, { sets: ['http.port=8080'] });
 * config.ftp.port; // 20021
 * config.http.port; // 8080
 */
export function effectiveConfig(
  table: Readonly<Record<string, unknown>> = {},
  options: EffectiveConfigOptions = {},
): PolyportConfig {
  const result = tryEffectiveConfig(table, options);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}
