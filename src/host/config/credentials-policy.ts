/**
 * The sample-credentials rule: the built-in `demo`/`demo` user is only safe where no one else
 * can connect, so a config without users of its own must keep every service that logs users in
 * (FTP, SMTP, POP3) on loopback. The others (a site, a zone) may listen anywhere, as
 * `python -m http.server` does.
 */
import { isLoopbackAddress } from './address-syntax.js';
import type { PolyportConfig } from './polyport-config.js';
import { configSchema } from './schema.js';
import { type ServiceSchema, serviceTable } from './services.js';

/** What {@link checkCredentialsPolicy} decided. */
export type CredentialsPolicyResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** A sentence to print before refusing to start. */
      readonly reason: string;
      /** The offending listeners, as `service address:port`. */
      readonly listeners: readonly string[];
    };

/**
 * Refuses a config that would expose the sample credentials: one that defines no users of its own
 * (so `demo`/`demo` applies) while an enabled service that logs users in (`logsUsersIn`) is on a
 * non-loopback address (anything but 127.0.0.0/8, ::1 and localhost; `0.0.0.0` and `::`
 * included).
 *
 * @param config The effective config.
 * @param services The services it was built with (default: the built-in ones).
 * @returns `{ ok: true }`, or `ok: false` with the reason and the public listeners.
 * @example
 * const verdict = checkCredentialsPolicy(config);
 * if (!verdict.ok) throw new Error(verdict.reason);
 */
export function checkCredentialsPolicy(
  config: PolyportConfig,
  services?: readonly ServiceSchema[],
): CredentialsPolicyResult {
  if (!config.sampleUsers) return { ok: true };
  const exposed: string[] = [];
  for (const s of configSchema(services).byPort) {
    const { name } = s;
    const service = serviceTable(config, s);
    if (service === undefined || s.logsUsersIn !== true) continue;
    if (service.enabled && !isLoopbackAddress(service.address)) {
      const host = service.address.includes(':') ? `[${service.address}]` : service.address;
      exposed.push(`${name} ${host}:${service.port}`);
    }
  }
  if (exposed.length === 0) return { ok: true };
  return {
    ok: false,
    listeners: exposed,
    reason:
      `config: refusing to listen on non-loopback addresses (${exposed.join(', ')}) with the ` +
      'sample user demo/demo: define your own [[users]] (passwords from `polyport hash-password`) ' +
      'or keep the services that log users in on 127.0.0.1, ::1 or localhost.',
  };
}
