/**
 * Renders the config schema as a Markdown reference, so the documentation is generated from the
 * same table that drives defaults and validation and cannot drift from it.
 */
import { DEFAULT_PORT_OFFSET } from '../../protocols/common/port-offset.js';
import { FAULT_ACTIONS } from '../faults/fault-rule.js';
import { isDerived, type KeySpec } from './key-spec.js';
import { configSchema, GLOBAL_KEY_SPECS, USER_KEYS } from './schema.js';
import { type ServiceInfo, type ServiceSchema, serviceKeys } from './services.js';
import { showValue } from './value-types.js';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function describeDefault(spec: KeySpec): string {
  if (spec.default === undefined) return '*required*';
  if (isDerived(spec.default)) return spec.default.describe;
  return `\`${showValue(spec.default)}\``;
}

function table(specs: readonly KeySpec[], rename: (key: string) => string = (k) => k): string[] {
  return [
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    ...specs.map(
      (s) =>
        `| \`${cell(rename(s.key))}\` | ${cell(s.type.name)} | ${cell(describeDefault(s))} | ${cell(s.doc)} |`,
    ),
  ];
}

/** The keys of a `[[faults]]` rule: checked by `parseFaultRule`, not by the schema's types. */
const FAULT_KEYS = [
  ['service', 'service name', '*required*', 'The service the rule breaks (a table name above).'],
  [
    'match',
    'table of strings',
    '`{}`: every step',
    'Which steps: any of peer (an address, with or without its port), command, name (`*.` for a suffix), type, path (`*` at the end for a prefix), method, user; every key given must hold.',
  ],
  [
    'action',
    'table',
    '*required*',
    'What to do instead of (or, for delay, before) the step; the keys each service takes are below.',
  ],
  ['times', 'integer >= 1', 'every time', 'Fire at most this many times.'],
  ['probability', 'number from 0 to 1', '`1`', 'Fire on this share of the matching steps.'],
  [
    'seed',
    'integer from 0 to 4294967295',
    'random, then shown',
    "The seed of the rule's generator, so the same traffic faults the same steps.",
  ],
] as const;

/** The fault section: the rule's keys and the actions each service takes. */
function faultSection(services: readonly ServiceInfo[]): string[] {
  const others = services.filter((s) => FAULT_ACTIONS[s.name] === undefined).map((s) => s.name);
  return [
    '## Faults',
    '',
    'Each fault rule is one `[[faults]]` table, checked when the config loads (a bad rule is an',
    'error naming `faults[i]`); the host adds them at start and replaces them on reload (SIGHUP),',
    'keeping the rules added through the admin API or in code. See `docs/faults.md`.',
    '',
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    ...FAULT_KEYS.map(
      ([key, type, fallback, doc]) =>
        `| \`faults.${key}\` | ${type} | ${fallback} | ${cell(doc)} |`,
    ),
    '',
    'The actions each service takes:',
    '',
    ...Object.entries(FAULT_ACTIONS)
      .filter(([name]) => services.some((s) => s.name === name))
      .map(([name, actions]) => `- \`${name}\`: ${actions.map((a) => `\`${a}\``).join(', ')}`),
    ...(others.length > 0
      ? [`- ${others.map((n) => `\`${n}\``).join(', ')}: \`delay\`, \`disconnect\``]
      : []),
  ];
}

function defaultPort(s: ServiceInfo): string {
  return `${s.wellKnownPort} + portOffset (${s.wellKnownPort + DEFAULT_PORT_OFFSET})`;
}

/**
 * Renders the whole schema as Markdown: global keys, the services and their default ports, the
 * keys every service has, the service-specific keys, the `[[users]]` keys and the `[[faults]]`
 * rules.
 *
 * @param services The services to document, in start-up order (default: the built-in ones).
 * @returns A Markdown document, ending with a newline.
 * @example
 * writeFileSync('docs/config-reference.md', schemaReference());
 */
export function schemaReference(services?: readonly ServiceSchema[]): string {
  const { byPort, specificKeys } = configSchema(services);
  // The template rows come from a UDP-capable service so the UDP-only keys appear too.
  const template = byPort.find((s) => s.datagram);
  if (template === undefined) throw new Error('config schema: no UDP service to document');
  const udpOnly = new Set(['tcp', 'udp', 'limits.udpRate', 'limits.udpBurst']);
  const shared = serviceKeys(template).map((spec) => {
    const rest = spec.key.slice(template.name.length + 1);
    if (rest === 'enabled') return { ...spec, doc: 'Run this service.' };
    if (rest === 'port') {
      return { ...spec, default: { describe: 'well-known port + portOffset', derive: () => 0 } };
    }
    if (rest === 'limits.maxRequestSize') {
      return { ...spec, default: { describe: 'per service, below', derive: () => 0 } };
    }
    return udpOnly.has(rest) ? { ...spec, doc: `${spec.doc} (UDP services only.)` } : spec;
  });
  const lines = [
    '# polyport.toml reference',
    '',
    'Generated from the schema in `src/host/config/schema.ts`. Every key may also be set on the',
    'command line with `--set key=value` (lists comma-separated, e.g.',
    '`--set smtp.domains=a.test,b.test`), except `[[users]]` and `[[faults]]`.',
    '',
    '## Global keys',
    '',
    ...table(GLOBAL_KEY_SPECS),
    '',
    '## Services',
    '',
    'Each service is a table named after it (`[http]`); its limits are a subtable (`[http.limits]`).',
    '',
    '| service | what | default port | UDP | default maxRequestSize |',
    '|---|---|---|---|---|',
    ...byPort.map(
      (s) =>
        `| \`${s.name}\` | ${cell(s.title)} | ${defaultPort(s)} | ${s.datagram ? 'yes' : 'no'} | ${s.maxRequestSize} |`,
    ),
    '',
    '## Keys of every service',
    '',
    ...table(shared, (k) => `<service>${k.slice(template.name.length)}`),
    '',
    '## Service-specific keys',
    '',
    ...table(specificKeys),
    '',
    '## Users',
    '',
    'Each user is one `[[users]]` table. With none, the sample user `demo` (password `demo`,',
    'mail `demo@example.test`) is used, and the services that log users in (FTP, SMTP, POP3) must',
    'then be on loopback.',
    '',
    ...table(USER_KEYS, (k) => `users.${k}`),
    '',
    ...faultSection(byPort),
  ];
  return `${lines.join('\n')}\n`;
}
