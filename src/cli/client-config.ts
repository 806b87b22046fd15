/**
 * The config a client command reads to find the local `polyport serve`: the same `--config FILE`
 * and `--set KEY=VALUE` options as `serve`, and the `POLYPORT_PORT_OFFSET` environment variable,
 * so `polyport finger demo` reaches a server started with `--set portOffset=40000`.
 */
import type { PolyportConfig, ServiceSchema } from '../host/index.js';
import type { LocalServer } from '../protocols/common/cli-command.js';
import { MAX_PORT_OFFSET } from '../protocols/common/port-offset.js';

/** What {@link clientConfig} found on a client command's line. */
export interface ClientConfig {
  /** The arguments without the config options, for the command's own parser. */
  readonly argv: readonly string[];
  /** The services' addresses, or `undefined` when nothing named a config (the defaults apply). */
  readonly localServers:
    | ((service: string, wellKnownPort: number) => LocalServer | undefined)
    | undefined;
}

/**
 * Takes `--config FILE` and `--set KEY=VALUE` (also as `--config=FILE`, `--set=KEY=VALUE`; not
 * after `--`) out of `argv` and loads the config they and `POLYPORT_PORT_OFFSET` name.
 * @param argv the command's arguments.
 * @param env the environment (`POLYPORT_PORT_OFFSET`).
 * @param services the services the config may hold (default: the built-in ones).
 * @returns the remaining arguments and the services' addresses.
 * @throws {ConfigError} for a config that `polyport serve` would refuse (the key named).
 * @throws {Error} for `--config`/`--set` without a value, or a malformed POLYPORT_PORT_OFFSET.
 * @example
 * const { argv, localServers } = await clientConfig(['--set', 'portOffset=40000', 'demo'], {});
 * localServers?.('finger'); // { host: '127.0.0.1', port: 40079 }
 */
export async function clientConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  services?: readonly ServiceSchema[],
): Promise<ClientConfig> {
  const rest: string[] = [];
  // First, so --config and --set on the command line win, as for serve.
  const sets: string[] = [...environmentSets(env)];
  let path: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const option = /^--(config|set)(?:=(.*))?$/s.exec(arg);
    if (option === null) {
      rest.push(arg);
      continue;
    }
    let value = option[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`option '--${option[1]}' needs a value`);
    }
    if (option[1] === 'config') path = value;
    else sets.push(value);
  }
  if (path === undefined && sets.length === 0) return { argv: rest, localServers: undefined };
  const offset = path === undefined ? onlyPortOffset(sets) : undefined;
  if (offset !== undefined) {
    return {
      argv: rest,
      localServers: (_service, wellKnownPort) => ({
        host: '127.0.0.1',
        port: wellKnownPort + offset,
      }),
    };
  }
  // Only now: the config's schema is every service module's, which loads every server. The
  // loader itself, not the host's index: serve's logger, metrics and admin listener stay out.
  const { loadConfig } = await import('../host/config/load-config.js');
  const config = await loadConfig({ ...(path !== undefined ? { path } : {}), sets, services });
  return { argv: rest, localServers: (service) => serviceAddress(config, service) };
}

/**
 * The config overrides the environment asks for, before any `--set`: `POLYPORT_PORT_OFFSET=N`
 * is `portOffset=N`, for `serve` and the client commands alike.
 * @param env the environment.
 * @returns `--set` values (empty when the variable is unset or empty).
 * @throws {Error} when the variable is not a whole number.
 * @example environmentSets({ POLYPORT_PORT_OFFSET: '40000' }); // ['portOffset=40000']
 */
export function environmentSets(env: NodeJS.ProcessEnv): string[] {
  const offset = env.POLYPORT_PORT_OFFSET;
  if (offset === undefined || offset === '') return [];
  if (!/^\d{1,5}$/.test(offset)) {
    throw new Error(`POLYPORT_PORT_OFFSET must be a whole number of ports, got '${offset}'`);
  }
  return [`portOffset=${offset}`];
}

/**
 * The `portOffset` that `sets` give when they set nothing else (the common case, from
 * `POLYPORT_PORT_OFFSET`), else `undefined`. Then every service listens on 127.0.0.1 at its
 * well-known port plus the offset, and the client needs no config: loading one loads every
 * server's module, which took `polyport dig` from 0.11 s to 0.28 s. A value the config would
 * refuse is left to it, for its error.
 */
function onlyPortOffset(sets: readonly string[]): number | undefined {
  let offset: number | undefined;
  for (const set of sets) {
    const value = /^portOffset=(\d{1,5})$/.exec(set)?.[1];
    if (value === undefined || Number(value) > MAX_PORT_OFFSET) return undefined;
    offset = Number(value);
  }
  return offset;
}

/** The address and port a client uses for `service` of `config`. */
function serviceAddress(config: PolyportConfig, service: string): LocalServer | undefined {
  const table = (config as unknown as Record<string, { address?: unknown; port?: unknown }>)[
    service
  ];
  if (typeof table?.address !== 'string' || typeof table.port !== 'number') return undefined;
  // A wildcard listener takes loopback connections too.
  const host =
    table.address === '0.0.0.0' ? '127.0.0.1' : table.address === '::' ? '::1' : table.address;
  return { host, port: table.port };
}
