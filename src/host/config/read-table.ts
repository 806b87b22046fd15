/**
 * Checks a parsed TOML table against the schema: every key known, every value of its type.
 * Collects every problem instead of stopping at the first.
 */

import { suggest } from '../../protocols/common/suggest.js';
import { FaultRuleError, type FaultRuleSpec, parseFaultRule } from '../faults/fault-rule.js';
import type { ConfigIssue } from './config-error.js';
import type { KeySpec } from './key-spec.js';
import { type ConfigSchema, configSchema, USER_KEYS } from './schema.js';
import type { ServiceSchema } from './services.js';
import { type ConfigValue, showValue } from './value-types.js';

/** A user entry whose fields have been checked (missing optional fields are left out). */
export type UserValues = ReadonlyMap<string, ConfigValue>;

/** What {@link readTable} found. */
export interface TableValues {
  /** The keys the table set, by dotted name, each valid for its type. */
  readonly values: Map<string, ConfigValue>;
  /** The `[[users]]` entries, or `undefined` when the table has none. */
  readonly users: readonly UserValues[] | undefined;
  /** The `[[faults]]` rules that are valid, in the order written. */
  readonly faults: readonly FaultRuleSpec[];
  readonly issues: ConfigIssue[];
}

/**
 * Every name a config may hold: keys, tables, `users` and `faults`, the candidates for a
 * suggestion.
 */
function allNames(schema: ConfigSchema): string[] {
  return [...schema.keys.keys(), ...schema.tables, 'users', 'faults'];
}

function isTable(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/**
 * Builds the message for a key not in the schema, with the nearest known key when one is close.
 *
 * @param key The unknown dotted key (as the user wrote it).
 * @param candidates The known keys to suggest from (default: every name of the built-in schema).
 * @param prefix What goes before the key in the message (`''`, or `--set …: `).
 * @returns The issue.
 * @example
 * unknownKey('htp.port', ['http.port']).message;
 * // 'config: unknown key htp.port (did you mean http.port?)'
 */
export function unknownKey(
  key: string,
  candidates: readonly string[] = allNames(configSchema()),
  prefix = '',
): ConfigIssue {
  const near = suggest(key, candidates);
  const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
  return {
    kind: 'unknown-key',
    key,
    message: `config: ${prefix}unknown key ${key}${hint}`,
    ...(near === undefined ? {} : { suggestion: near }),
  };
}

/**
 * Builds the message for a value of the wrong type or out of range.
 *
 * @param key The dotted key.
 * @param value The value found.
 * @param expected What the schema wanted.
 * @returns The issue.
 * @example
 * invalidValue('http.port', 'eighty', 'an integer from 0 to 65535').message;
 * // 'config: http.port = "eighty": expected an integer from 0 to 65535'
 */
export function invalidValue(key: string, value: unknown, expected: string): ConfigIssue {
  return {
    kind: 'invalid-value',
    key,
    message: `config: ${key} = ${showValue(value)}: expected ${expected}`,
  };
}

function readUser(entry: unknown, index: number, issues: ConfigIssue[]): UserValues | undefined {
  const where = `users[${index}]`;
  if (!isTable(entry)) {
    issues.push(invalidValue(where, entry, 'a table (write each user as [[users]])'));
    return undefined;
  }
  const values = new Map<string, ConfigValue>();
  const known = USER_KEYS.map((k) => k.key);
  for (const [name, raw] of Object.entries(entry)) {
    const spec = USER_KEYS.find((k) => k.key === name);
    if (spec === undefined) {
      issues.push(
        unknownKey(
          `${where}.${name}`,
          known.map((k) => `${where}.${k}`),
        ),
      );
      continue;
    }
    const value = spec.type.fromToml(raw);
    if (value === undefined) issues.push(invalidValue(`${where}.${name}`, raw, spec.type.expected));
    else values.set(name, value);
  }
  for (const spec of USER_KEYS) {
    if (spec.default === undefined && !(spec.key in entry)) {
      issues.push({
        kind: 'missing-key',
        key: `${where}.${spec.key}`,
        message: `config: ${where}.${spec.key} is missing: expected ${spec.type.expected}`,
      });
    }
  }
  return values;
}

/**
 * Checks the `[[faults]]` rules as the host and the admin API do (`parseFaultRule`): a bad one
 * is an issue naming its place (`faults[0]`) and the rule's own one-line reason.
 */
function readFaults(raw: unknown, schema: ConfigSchema, out: TableValues): FaultRuleSpec[] {
  if (!Array.isArray(raw)) {
    out.issues.push(
      invalidValue('faults', raw, 'an array of tables (write each rule as [[faults]])'),
    );
    return [];
  }
  const services = schema.services.map((s) => s.name);
  const rules: FaultRuleSpec[] = [];
  raw.forEach((entry: unknown, i) => {
    try {
      rules.push(parseFaultRule(entry, services));
    } catch (err) {
      if (!(err instanceof FaultRuleError)) throw err;
      const key = `faults[${i}]`;
      out.issues.push({ kind: 'invalid-value', key, message: `config: ${key}: ${err.message}` });
    }
  });
  return rules;
}

function walk(
  schema: ConfigSchema,
  table: Readonly<Record<string, unknown>>,
  prefix: string,
  out: TableValues,
  users: UserValues[],
  faults: FaultRuleSpec[],
): void {
  for (const [name, raw] of Object.entries(table)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (key === 'faults') {
      faults.push(...readFaults(raw, schema, out));
      continue;
    }
    if (key === 'users') {
      if (!Array.isArray(raw)) {
        out.issues.push(
          invalidValue(key, raw, 'an array of tables (write each user as [[users]])'),
        );
        continue;
      }
      raw.forEach((entry: unknown, i) => {
        const user = readUser(entry, i, out.issues);
        if (user !== undefined) users.push(user);
      });
      continue;
    }
    const spec: KeySpec | undefined = schema.keys.get(key);
    if (spec !== undefined) {
      const value = spec.type.fromToml(raw);
      if (value === undefined) out.issues.push(invalidValue(key, raw, spec.type.expected));
      else out.values.set(key, value);
    } else if (schema.tables.has(key)) {
      if (isTable(raw)) walk(schema, raw, key, out, users, faults);
      else out.issues.push(invalidValue(key, raw, `a table [${key}]`));
    } else {
      out.issues.push(unknownKey(key, allNames(schema)));
    }
  }
}

/**
 * Checks a table parsed from TOML against the schema.
 *
 * @param table The parsed document (from smol-toml, or built in code).
 * @param services The services the config may hold (default: the built-in ones).
 * @returns The valid values by dotted key, the user entries, the fault rules, and every issue
 *   found.
 * @example
 * readTable({ http: { port: 8080 } }).values.get('http.port'); // 8080
 */
export function readTable(
  table: Readonly<Record<string, unknown>>,
  services?: readonly ServiceSchema[],
): TableValues {
  const users: UserValues[] = [];
  const faults: FaultRuleSpec[] = [];
  const out: TableValues = { values: new Map(), users, faults, issues: [] };
  walk(configSchema(services), table, '', out, users, faults);
  return { ...out, users: 'users' in table ? users : undefined };
}

/**
 * Tells whether `key` names a table of the schema (`http`, `http.limits`) rather than a value.
 *
 * @param key A dotted key.
 * @param services The services the config may hold (default: the built-in ones).
 * @returns `true` for a table.
 * @example
 * isTableName('ftp.limits'); // true
 */
export function isTableName(key: string, services?: readonly ServiceSchema[]): boolean {
  return configSchema(services).tables.has(key);
}
