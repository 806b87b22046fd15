/**
 * Renders an effective config as TOML for `polyport serve --print-config`. Every key is written
 * out, so loading the output gives the same effective config.
 */
import { stringify } from 'smol-toml';
import type { PolyportConfig } from './polyport-config.js';
import { configSchema } from './schema.js';
import type { ServiceSchema } from './services.js';
import type { ConfigValue, TomlOut } from './value-types.js';

type TomlTree = { [key: string]: TomlOut | TomlTree | readonly TomlTree[] };

function lookup(config: PolyportConfig, key: string): ConfigValue {
  let node: unknown = config;
  for (const part of key.split('.')) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[part]
        : undefined;
  }
  return node as ConfigValue;
}

/**
 * Renders the effective config as a TOML document. The sample user is left out (it is added
 * again on load because the printed config defines no users), so a printed sample config keeps
 * the loopback-only rule.
 *
 * @param config An effective config from `effectiveConfig()` or `loadConfig()`.
 * @param services The services it was built with (default: the built-in ones).
 * @returns TOML text, headed by a comment.
 * @example
 * const text = printConfig(effectiveConfig());
 * effectiveConfig(parse(text)); // (smol-toml's parse) deep-equals effectiveConfig()
 */
export function printConfig(config: PolyportConfig, services?: readonly ServiceSchema[]): string {
  const root: TomlTree = {};
  for (const [key, spec] of configSchema(services).keys) {
    const parts = key.split('.');
    let table = root;
    for (const part of parts.slice(0, -1)) table = (table[part] ??= {}) as TomlTree;
    table[parts.at(-1)!] = spec.type.toToml(lookup(config, key));
  }
  if (!config.sampleUsers) {
    root.users = config.users.map((u) => ({
      name: u.name,
      password: u.password,
      mail: u.mail,
      ftpHome: u.ftpHome,
      ftpPermissions: u.ftpPermissions,
    }));
  }
  // As written and checked: loading them back gives the same rules.
  if (config.faults.length > 0) root.faults = config.faults as unknown as TomlTree[];
  const header = [
    '# polyport effective configuration (polyport serve --print-config)',
    config.sampleUsers
      ? '# No [[users]] defined: the sample user demo/demo applies, on loopback only.'
      : `# ${config.users.length} user(s) defined.`,
    '',
  ];
  return `${header.join('\n')}\n${stringify(root)}\n`;
}
