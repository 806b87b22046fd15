/**
 * `--set key=value` overrides from the command line: the text is coerced by the schema's type for
 * that key, so `--set dns.enabled=false` is a boolean and `--set portOffset=0` an integer.
 */
import type { ConfigIssue } from './config-error.js';
import { unknownKey } from './read-table.js';
import { type ConfigSchema, configSchema } from './schema.js';
import type { ServiceSchema } from './services.js';
import type { ConfigValue } from './value-types.js';

/** One override, coerced and checked. */
export interface Override {
  readonly key: string;
  readonly value: ConfigValue;
}

/** What {@link parseOverrides} made of the `--set` arguments. */
export interface ParsedOverrides {
  readonly overrides: readonly Override[];
  readonly issues: readonly ConfigIssue[];
}

function parseOne(schema: ConfigSchema, text: string): Override | ConfigIssue {
  const eq = text.indexOf('=');
  const key = eq === -1 ? text.trim() : text.slice(0, eq).trim();
  if (eq === -1 || key === '') {
    return {
      kind: 'bad-override',
      key,
      message: `config: --set ${text}: expected key=value`,
    };
  }
  const raw = text.slice(eq + 1);
  if (key === 'users' || key.startsWith('users.') || key.startsWith('users[')) {
    return {
      kind: 'bad-override',
      key,
      message: `config: --set ${text}: users can only be defined in the config file`,
    };
  }
  const spec = schema.keys.get(key);
  const settable = [...schema.keys.keys()];
  if (spec === undefined && schema.tables.has(key)) {
    const some = settable.filter((k) => k.startsWith(`${key}.`)).slice(0, 3);
    return {
      kind: 'bad-override',
      key,
      message: `config: --set ${text}: ${key} is a table; set one of its keys (${some.join(', ')}, …)`,
    };
  }
  if (spec === undefined) return unknownKey(key, settable, `--set ${text}: `);
  const value = spec.type.fromText(raw);
  if (value === undefined) {
    return {
      kind: 'invalid-value',
      key,
      message: `config: --set ${key}=${raw}: expected ${spec.type.expected}`,
    };
  }
  return { key, value };
}

/**
 * Parses `--set` arguments (`key=value`, the value taken as is after the first `=`). Lists are
 * comma-separated; an empty value is an empty list or string.
 *
 * @param sets The arguments, in command-line order (a later one wins).
 * @param services The services the config may hold (default: the built-in ones).
 * @returns The coerced overrides and an issue for each bad one.
 * @example
 * parseOverrides(['dns.enabled=false', 'ftp.passivePorts=30000-30100']).overrides;
 * // [{ key: 'dns.enabled', value: false },
 * //  { key: 'ftp.passivePorts', value: { low: 30000, high: 30100 } }]
 */
export function parseOverrides(
  sets: readonly string[],
  services?: readonly ServiceSchema[],
): ParsedOverrides {
  const schema = configSchema(services);
  const overrides: Override[] = [];
  const issues: ConfigIssue[] = [];
  for (const text of sets) {
    const result = parseOne(schema, text);
    if ('kind' in result) issues.push(result);
    else overrides.push(result);
  }
  return { overrides, issues };
}
