/**
 * Checks that need more than one key: listeners that would collide, a TLS key without its
 * certificate, users named twice, and each service's own checks (a user it names must exist).
 */
import type { ConfigIssue } from './config-error.js';
import type { PolyportConfig } from './polyport-config.js';
import { type ServiceSchema, serviceTable } from './services.js';
import { type ConfigValue, showValue } from './value-types.js';

interface Listener {
  readonly service: string;
  readonly address: string;
  readonly port: number;
  readonly transport: 'tcp' | 'udp';
}

/** Whether a listener on `wildcard` also takes `address`: `::` (dual stack) takes every address. */
function covers(wildcard: string, address: string): boolean {
  return wildcard === '::' || (wildcard === '0.0.0.0' && !address.includes(':'));
}

function overlaps(a: Listener, b: Listener): boolean {
  if (a.port !== b.port || a.port === 0 || a.transport !== b.transport) return false;
  return a.address === b.address || covers(a.address, b.address) || covers(b.address, a.address);
}

/**
 * Lists the sockets the enabled services will listen on, from the resolved values.
 *
 * @param services The services of the schema.
 * @param values Every key, defaults resolved.
 * @returns One entry per TCP or UDP listener.
 * @example
 * listeners(values).find((l) => l.service === 'dns' && l.transport === 'udp')?.port; // 10053
 */
function listeners(
  services: readonly ServiceSchema[],
  values: ReadonlyMap<string, ConfigValue>,
): Listener[] {
  const out: Listener[] = [];
  for (const s of services) {
    if (values.get(`${s.name}.enabled`) !== true) continue;
    const address = String(values.get(`${s.name}.address`));
    const port = Number(values.get(`${s.name}.port`));
    if (!s.datagram || values.get(`${s.name}.tcp`) === true) {
      out.push({ service: s.name, address, port, transport: 'tcp' });
    }
    if (s.datagram && values.get(`${s.name}.udp`) === true) {
      out.push({ service: s.name, address, port, transport: 'udp' });
    }
  }
  return out;
}

/**
 * Builds the issue for a value that does not fit the rest of the config.
 *
 * @param key The dotted key (`smtp.catchAll`, `users[1].name`).
 * @param value The value found.
 * @param expected What would fit.
 * @returns The issue.
 * @example
 * conflict('smtp.catchAll', 'nobody', '"" or the name of a user in [[users]]').message;
 * // 'config: smtp.catchAll = "nobody": expected "" or the name of a user in [[users]]'
 */
export function conflict(key: string, value: unknown, expected: string): ConfigIssue {
  return {
    kind: 'conflict',
    key,
    message: `config: ${key} = ${showValue(value)}: expected ${expected}`,
  };
}

/**
 * Runs the checks across keys on a config whose single keys are already checked.
 *
 * @param config The effective config.
 * @param values The same config as dotted keys, defaults resolved.
 * @param services The services the config was built with, by port: a listener is reported as
 *   taking the port of the one before it, and the services' own checks run in this order, after
 *   the shared ones.
 * @returns One issue per problem (empty when the config is consistent).
 * @example
 * crossCheck(config, values, configSchema().byPort); // [] for the defaults
 */
export function crossCheck(
  config: PolyportConfig,
  values: ReadonlyMap<string, ConfigValue>,
  services: readonly ServiceSchema[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen: Listener[] = [];
  for (const l of listeners(services, values)) {
    const other = seen.find((s) => overlaps(s, l));
    if (other !== undefined) {
      issues.push(
        conflict(
          `${l.service}.port`,
          l.port,
          `a port not already used by ${other.service} (${other.address}:${other.port}/${l.transport})`,
        ),
      );
    }
    seen.push(l);
  }
  if ((config.tls.cert === '') !== (config.tls.key === '')) {
    const [key, value] =
      config.tls.cert === '' ? ['tls.cert', config.tls.cert] : ['tls.key', config.tls.key];
    issues.push(conflict(key, value, 'tls.cert and tls.key to be set together, or both ""'));
  }
  const names = new Map<string, number>();
  const mailboxes = new Map<string, string>();
  config.users.forEach((user, i) => {
    const first = names.get(user.name);
    if (first !== undefined) {
      issues.push(
        conflict(`users[${i}].name`, user.name, `a name not already used by users[${first}]`),
      );
    } else {
      names.set(user.name, i);
    }
    for (const mailbox of user.mail) {
      const owner = mailboxes.get(mailbox.toLowerCase());
      if (owner !== undefined && owner !== user.name) {
        issues.push(
          conflict(`users[${i}].mail`, mailbox, `an address not already given to ${owner}`),
        );
      }
      mailboxes.set(mailbox.toLowerCase(), user.name);
    }
  });
  for (const service of services) {
    const table = serviceTable(config, service);
    if (table !== undefined && service.crossCheck)
      issues.push(...service.crossCheck(table, config));
  }
  return issues;
}

/**
 * The expectation a key naming a user states, for {@link conflict}.
 *
 * @example
 * conflict('finger.users', 'eve', EXPECTED_USER);
 */
export const EXPECTED_USER = 'the name of a user in [[users]]';

/**
 * Tells whether the config defines a user of that name.
 *
 * @param config The effective config.
 * @param name A user name.
 * @returns `true` when a `[[users]]` entry (or the sample user) has that name.
 * @example
 * hasUser(effectiveConfig(), 'demo'); // true
 */
export function hasUser(config: PolyportConfig, name: string): boolean {
  return config.users.some((u) => u.name === name);
}
