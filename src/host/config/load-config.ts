/**
 * Reading `polyport.toml`: the one impure step (reading the file); everything after it is
 * `effectiveConfig()`.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { type ConfigResult, tryEffectiveConfig } from './effective-config.js';
import type { PolyportConfig } from './polyport-config.js';
import type { ServiceSchema } from './services.js';

/** What {@link parseConfigText} returns: the table, or the syntax error as an issue. */
export type ParsedText =
  | { readonly ok: true; readonly table: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly issue: ConfigIssue };

/**
 * Parses TOML text, turning a syntax error into an issue that names the file, line and column.
 *
 * @param text The document.
 * @param file The name to show in messages (default `polyport.toml`).
 * @returns The parsed table, or the issue.
 * @example
 * const parsed = parseConfigText('portOffset = = 1\n', 'my.toml');
 * // parsed.ok === false; parsed.issue.message starts 'config: my.toml:1:14: invalid TOML: '
 */
export function parseConfigText(text: string, file = 'polyport.toml'): ParsedText {
  try {
    // Unsafe keys (__proto__) are refused rather than kept, so they cannot reach a prototype.
    return { ok: true, table: parse(text, { unsafeKeyBehaviour: 'throw', maxDepth: 32 }) };
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // smol-toml's message is "Invalid TOML document: <reason>" followed by a code block.
    const reason = (err.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
    return {
      ok: false,
      issue: {
        kind: 'syntax',
        key: '',
        message: `config: ${file}:${err.line}:${err.column}: invalid TOML: ${reason}`,
        file,
        line: err.line,
        column: err.column,
        excerpt: err.codeblock,
      },
    };
  }
}

/** Options for {@link loadConfig} and {@link tryLoadConfig}. */
export interface LoadConfigOptions {
  /** The config file; without it, defaults and overrides only. */
  readonly path?: string;
  /** TOML text to use instead of reading `path` (`path` then only names it in messages). */
  readonly text?: string;
  /** `--set key=value` overrides, applied after the file in order. */
  readonly sets?: readonly string[];
  /** Reads the file (injected by tests); default `fs.readFile` as UTF-8. */
  readonly readFile?: (path: string) => Promise<string>;
  /** The services the config may hold (default: `SERVICE_MODULES`, every built-in one). */
  readonly services?: readonly ServiceSchema[] | undefined;
}

/**
 * Like {@link loadConfig}, but returns the problems instead of throwing them. A file that cannot
 * be read is an issue too.
 *
 * @param options The file, its text, and overrides.
 * @returns The effective config, or every issue found.
 * @example
 * const result = await tryLoadConfig({ path: 'polyport.toml', sets: ['portOffset=0'] });
 */
export async function tryLoadConfig(options: LoadConfigOptions = {}): Promise<ConfigResult> {
  let text = options.text;
  const file = options.path ?? 'polyport.toml';
  if (text === undefined && options.path !== undefined) {
    const read = options.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
    try {
      text = await read(options.path);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const issue: ConfigIssue = {
        kind: 'syntax',
        key: '',
        message: `config: ${file}: cannot read: ${reason}`,
        file,
      };
      return { ok: false, issues: [issue] };
    }
  }
  const parsed =
    text === undefined ? { ok: true as const, table: {} } : parseConfigText(text, file);
  // A syntax error still lets the overrides be checked, so every problem shows at once.
  const { services } = options;
  return parsed.ok
    ? tryEffectiveConfig(parsed.table, { sets: options.sets ?? [], services })
    : tryEffectiveConfig({}, { sets: options.sets ?? [], issues: [parsed.issue], services });
}

/**
 * Loads the effective config: reads and parses the TOML file (if any), applies `--set`
 * overrides, resolves defaults and validates everything.
 *
 * @param options The file (`path`) or its `text`, `sets` overrides, and the `services` it may
 *   configure.
 * @returns The effective config.
 * @throws {ConfigError} Listing every problem, the TOML syntax error with file, line and column.
 * @example
 * const config = await loadConfig({ path: 'polyport.toml', sets: ['dns.enabled=false'] });
 * config.http.port; // 10080 unless the file says otherwise
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<PolyportConfig> {
  const result = await tryLoadConfig(options);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}
