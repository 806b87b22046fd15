/**
 * The shape of one entry in the config schema. The schema (see `schema.ts`) is a list of these;
 * defaults, `--set` coercion, validation, printing and the Markdown reference all read it.
 */
import type { ConfigValue, ValueType } from './value-types.js';

/**
 * A default computed from other keys (`http.port` from `portOffset`, `http.root` from `dataDir`).
 * `describe` is what the reference shows instead of a value.
 */
export interface DerivedDefault {
  readonly describe: string;
  readonly derive: (get: (key: string) => ConfigValue) => ConfigValue;
}

/** One key of the config file: its dotted name, type, default and documentation. */
export interface KeySpec {
  /** Dotted name: `portOffset`, `http.root`, `ftp.limits.idleTimeout`, `name` (in a user). */
  readonly key: string;
  readonly type: ValueType;
  /** Absent for a key that must be given (a user's `name` and `password`). */
  readonly default?: ConfigValue | DerivedDefault;
  /** One or two sentences for the reference and the example file. */
  readonly doc: string;
}

/**
 * Tells a derived default from a plain value.
 *
 * @param value A key's `default`.
 * @returns `true` when the default is computed from other keys.
 * @example
 * isDerived({ describe: 'dataDir + "/www"', derive: (get) => `${String(get('dataDir'))}/www` });
 * // true
 */
export function isDerived(value: KeySpec['default']): value is DerivedDefault {
  return typeof value === 'object' && value !== null && 'derive' in value;
}
