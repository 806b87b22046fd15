/**
 * Checks that need more than one key: listeners that would collide, a TLS key without its
 * certificate, users named twice, references to users that do not exist.
 */
import type { ConfigIssue } from './config-error.js';
import type { PolyportConfig } from './polyport-config.js';
import { SERVICES } from './services.js';
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
 * @param values Every key, defaults resolved.
 * @returns One entry per TCP or UDP listener.
 * @example
 * listeners(values).find((l) => l.service === 'dns' && l.transport === 'udp')?.port; // 10053
 */
function listeners(values: ReadonlyMap<string, ConfigValue>): Listener[] {
  const out: Listener[] = [];
  for (const s of SERVICES) {
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

function conflict(key: string, value: unknown, expected: string): ConfigIssue {
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
 * @returns One issue per problem (empty when the config is consistent).
 * @example
 * crossCheck(config, values); // [] for the defaults
 */
export function crossCheck(
  config: PolyportConfig,
  values: ReadonlyMap<string, ConfigValue>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen: Listener[] = [];
  for (const l of listeners(values)) {
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
  const expectedUser = 'the name of a user in [[users]]';
  if (config.smtp.catchAll !== '' && !names.has(config.smtp.catchAll)) {
    issues.push(conflict('smtp.catchAll', config.smtp.catchAll, `"" or ${expectedUser}`));
  }
  for (const name of config.finger.users) {
    if (!names.has(name)) issues.push(conflict('finger.users', name, expectedUser));
  }
  return issues;
}
