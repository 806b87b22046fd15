/**
 * The value types a config key can have. Each type knows how to accept a parsed TOML value, how
 * to coerce the text of a `--set key=value`, how to render a value back as TOML, and how to
 * describe itself in error messages and in the generated reference.
 */

/** An inclusive range of ports, as `ftp.passivePorts = "30000-30100"` writes it. */
export interface PortRange {
  readonly low: number;
  readonly high: number;
}

/** Any value a config key can hold once validated. `null` is a range left to the OS. */
export type ConfigValue = boolean | number | string | readonly string[] | PortRange | null;

/** What a TOML document may hold where a config value goes (a subset of smol-toml's values). */
export type TomlOut = boolean | number | string | readonly string[];

/**
 * One value type. `fromToml` and `fromText` return `undefined` for a value the type refuses, so
 * the caller can collect every error instead of stopping at the first.
 */
export interface ValueType {
  /** Short name for the reference table, e.g. `integer 0–65535`. */
  readonly name: string;
  /** The end of an error message: `expected <expected>`. */
  readonly expected: string;
  /** Accepts a value parsed from TOML. */
  fromToml(value: unknown): ConfigValue | undefined;
  /** Accepts the text of a `--set key=value` override. */
  fromText(text: string): ConfigValue | undefined;
  /** Renders a value for a TOML document. */
  toToml(value: ConfigValue): TomlOut;
}

/**
 * Renders a value the way error messages and the reference show it: strings and lists as JSON,
 * ranges as their TOML text.
 *
 * @param value A value as read from TOML or from `--set`, valid or not.
 * @returns A short, unambiguous rendering.
 * @example
 * showValue('eighty'); // '"eighty"'
 */
export function showValue(value: unknown): string {
  if (value === null) return '""';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
  if (typeof value === 'object' && 'low' in value && 'high' in value) {
    return `"${String(value.low)}-${String(value.high)}"`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'a date' : value.toISOString();
  if (typeof value === 'object') return 'a table';
  return String(value);
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/**
 * A boolean; `--set` also takes yes/no, on/off and 1/0.
 *
 * @returns The boolean value type.
 * @example
 * booleanType().fromText('off'); // false
 */
export function booleanType(): ValueType {
  return {
    name: 'boolean',
    expected: 'true or false',
    fromToml: (value) => (typeof value === 'boolean' ? value : undefined),
    fromText(text) {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return undefined;
    },
    toToml: (value) => value === true,
  };
}

/**
 * An integer within `[min, max]`.
 *
 * @param min Smallest value accepted.
 * @param max Largest value accepted.
 * @returns The integer value type.
 * @throws {RangeError} When `min > max`.
 * @example
 * integerType(0, 65535).fromText('8080'); // 8080
 */
export function integerType(min: number, max: number): ValueType {
  if (min > max) throw new RangeError(`integerType: min ${min} is above max ${max}`);
  const ok = (n: number): boolean => Number.isSafeInteger(n) && n >= min && n <= max;
  return {
    name: `integer ${min}–${max}`,
    expected: `an integer from ${min} to ${max}`,
    fromToml: (value) => (typeof value === 'number' && ok(value) ? value : undefined),
    fromText(text) {
      const trimmed = text.trim().replaceAll('_', '');
      if (!/^[+-]?\d{1,16}$/.test(trimmed)) return undefined;
      const n = Number(trimmed);
      return ok(n) ? n : undefined;
    },
    toToml: (value) => (typeof value === 'number' ? value : 0),
  };
}

/**
 * How many processes serve: an integer within `[1, max]`, or `"auto"` (one per core, decided
 * when `serve` starts, so a config moves between machines unchanged).
 *
 * @param max Largest count accepted.
 * @returns The worker-count value type.
 * @example
 * workerCountType(256).fromText('auto'); // 'auto'
 */
export function workerCountType(max: number): ValueType {
  const count = integerType(1, max);
  return {
    name: `integer 1–${max} | "auto"`,
    expected: `an integer from 1 to ${max}, or "auto"`,
    fromToml: (value) => (value === 'auto' ? 'auto' : count.fromToml(value)),
    fromText: (text) => (text.trim() === 'auto' ? 'auto' : count.fromText(text)),
    toToml: (value) => (value === 'auto' ? 'auto' : count.toToml(value)),
  };
}

/**
 * A duration in seconds within `[0, max]`, to the millisecond (`0.25`): a timeout short enough
 * for a test or a lab (a third of a second) must be expressible, and timers count in ms anyway.
 *
 * @param max Largest value accepted.
 * @returns The seconds value type.
 * @throws {RangeError} When `max` is negative.
 * @example
 * secondsType(86_400).fromText('0.3'); // 0.3
 */
export function secondsType(max: number): ValueType {
  if (max < 0) throw new RangeError(`secondsType: max ${max} is negative`);
  const ok = (n: number): boolean =>
    Number.isFinite(n) && n >= 0 && n <= max && Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6;
  return {
    name: `seconds 0–${max}`,
    expected: `a number of seconds from 0 to ${max} (at most 3 decimals)`,
    fromToml: (value) => (typeof value === 'number' && ok(value) ? value : undefined),
    fromText(text) {
      const trimmed = text.trim().replaceAll('_', '');
      if (!/^\+?\d{1,9}(\.\d{1,3})?$/.test(trimmed)) return undefined;
      const n = Number(trimmed);
      return ok(n) ? n : undefined;
    },
    toToml: (value) => (typeof value === 'number' ? value : 0),
  };
}

/** Options for {@link stringType}. */
export interface StringTypeOptions {
  /** Name in the reference (default `string`). */
  readonly name?: string;
  /** What an error says was expected (default `a string`). */
  readonly expected?: string;
  /** Extra check; return `false` to refuse. */
  readonly check?: (text: string) => boolean;
}

/**
 * A string, optionally checked (an address, a path, a mailbox).
 *
 * @param options Name, expectation text and check.
 * @returns The string value type.
 * @example
 * stringType({ check: (s) => s.length > 0, expected: 'a non-empty string' });
 */
export function stringType(options: StringTypeOptions = {}): ValueType {
  const check = options.check ?? (() => true);
  const accept = (value: unknown): string | undefined =>
    typeof value === 'string' && check(value) ? value : undefined;
  return {
    name: options.name ?? 'string',
    expected: options.expected ?? 'a string',
    fromToml: accept,
    fromText: accept,
    toToml: (value) => (typeof value === 'string' ? value : ''),
  };
}

/**
 * One string out of a fixed set.
 *
 * @param values The accepted strings.
 * @returns The enumeration value type.
 * @example
 * enumType(['pretty', 'json']).fromText('json'); // 'json'
 */
export function enumType(values: readonly string[]): ValueType {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  return stringType({
    name: values.map((v) => `"${v}"`).join(' | '),
    expected: `one of ${list}`,
    check: (text) => values.includes(text),
  });
}

/**
 * A list of strings, each optionally checked; `--set` takes it comma-separated
 * (`--set smtp.domains=a.test,b.test`, and an empty value for an empty list).
 *
 * @param item The type each element must satisfy (default: any string).
 * @returns The list value type.
 * @example
 * listType().fromText('a, b'); // ['a', 'b']
 */
export function listType(item: ValueType = stringType()): ValueType {
  const accept = (items: readonly unknown[]): readonly string[] | undefined => {
    const out: string[] = [];
    for (const element of items) {
      const value = item.fromToml(element);
      if (typeof value !== 'string') return undefined;
      out.push(value);
    }
    return out;
  };
  return {
    name: item.name === 'string' ? 'list of strings' : `list of ${item.name}`,
    expected:
      item.expected === 'a string'
        ? 'a list of strings'
        : `a list of strings, each ${item.expected}`,
    fromToml: (value) => (Array.isArray(value) ? accept(value) : undefined),
    fromText: (text) =>
      accept(
        text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      ),
    toToml: (value) => (Array.isArray(value) ? value.map(String) : []),
  };
}

/**
 * A port range `"low-high"` (or one port `"n"`); the empty string means "let the OS choose"
 * and is held as `null`.
 *
 * @returns The port-range value type.
 * @example
 * portRangeType().fromText('30000-30100'); // { low: 30000, high: 30100 }
 */
export function portRangeType(): ValueType {
  const accept = (value: unknown): PortRange | null | undefined => {
    if (typeof value !== 'string') return undefined;
    const text = value.trim();
    if (text === '') return null;
    const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
    if (match === null) return undefined;
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    if (low < 1 || high > 65535 || low > high) return undefined;
    return { low, high };
  };
  return {
    name: 'port range "low-high"',
    expected: 'a port range "low-high" within 1-65535, or "" for any port',
    fromToml: accept,
    fromText: accept,
    toToml: (value) =>
      value !== null && typeof value === 'object' && 'low' in value
        ? `${value.low}-${value.high}`
        : '',
  };
}
