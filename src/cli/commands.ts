/**
 * Every `polyport` subcommand, as a light entry: its name and summary, and how to load its code.
 * A command's code is imported only when it runs, so `polyport --version` and `polyport dig`
 * start without the servers, the logger and the certificate library. A service's client command
 * comes from the host's service list; the commands without a service (`connect`, `scan`,
 * `resolve`, `ping`, `traceroute`, `services`, `hash-password`) live here.
 */
// Not '../host/index.js': that barrel loads every server. These two files load nothing heavy.
import type { ServiceModule } from '../host/service-module.js';
import { SERVICE_COMMANDS } from '../host/services/service-commands.js';
import type { CliCommand } from '../protocols/common/index.js';

/** A subcommand before its code is loaded: enough for `polyport --help` and to find it. */
export interface CommandEntry {
  /** The word after `polyport`: the loaded command's `name`. */
  readonly name: string;
  /** Its line in `polyport --help`: the loaded command's `summary`. */
  readonly summary: string;
  /**
   * Whether it talks to the local `polyport serve` when no server is named, and so takes
   * serve's `--config` and `--set` (and `POLYPORT_PORT_OFFSET`) to find it.
   */
  readonly usesLocalServer: boolean;
  /**
   * Imports the command's code.
   * @returns the command.
   */
  load(): Promise<CliCommand>;
}

/** The commands without a service, after the services' ones. */
const OTHER_COMMANDS: readonly CommandEntry[] = [
  {
    name: 'connect',
    summary: 'a netcat: relay stdin/stdout over TCP, UDP or TLS',
    usesLocalServer: false,
    load: async () => (await import('./connect-command.js')).connectCommand,
  },
  {
    name: 'scan',
    summary: 'find the open TCP ports of a host (connect scan)',
    usesLocalServer: false,
    load: async () => (await import('./scan-command.js')).scanCommand,
  },
  {
    name: 'resolve',
    summary: 'look a host name up with getaddrinfo',
    usesLocalServer: false,
    load: async () => (await import('./resolve-command.js')).resolveCommand,
  },
  {
    name: 'ping',
    summary: 'send ICMP echo requests to a host (ping)',
    usesLocalServer: false,
    load: async () => (await import('./ping-command.js')).pingCommand,
  },
  {
    name: 'traceroute',
    summary: 'print the routers on the way to a host (traceroute)',
    usesLocalServer: false,
    load: async () => (await import('./traceroute-command.js')).tracerouteCommand,
  },
  {
    name: 'services',
    summary: 'look up service names and ports (/etc/services)',
    usesLocalServer: false,
    load: async () => (await import('./services-command.js')).servicesCommand,
  },
  {
    name: 'hash-password',
    summary: 'print the scrypt hash of a password for the config',
    usesLocalServer: false,
    load: async () => (await import('./hash-password-command.js')).hashPasswordCommand,
  },
];

/**
 * `polyport serve`, running `services` (by default every built-in one, loaded with the command).
 */
function serveEntry(services: readonly ServiceModule[] | undefined): CommandEntry {
  return {
    name: 'serve',
    summary: 'run the servers (all of them on loopback by default)',
    usesLocalServer: false,
    // One import, which loads the built-in services itself: the executable bundles the code of
    // each import here apart (scripts/bundle-cli.mjs), and serve and its services must share
    // one copy of the host.
    load: async () => (await import('./serve-command.js')).loadServeCommand(services),
  };
}

/** A service module's client command, whose code is already loaded with the module. */
function loadedEntry(module: ServiceModule): CommandEntry[] {
  if (module.cli === undefined) return [];
  const { command, usesLocalServer } = module.cli;
  return [
    { name: command.name, summary: command.summary, usesLocalServer, load: async () => command },
  ];
}

/**
 * The subcommands, in the order `polyport --help` lists them: `serve`, the services' client
 * commands in service order, then the others.
 * @param services the services `serve` runs and whose commands are listed (default: every
 *   built-in one, from the light `SERVICE_COMMANDS` list, so that no command's code is loaded).
 * @returns the command table.
 * @example commandTable().map((c) => c.name); // ['serve', 'http', 'ftp', 'mail', 'dig', …]
 */
export function commandTable(services?: readonly ServiceModule[]): readonly CommandEntry[] {
  return [
    serveEntry(services),
    ...(services === undefined ? SERVICE_COMMANDS : services.flatMap(loadedEntry)),
    ...OTHER_COMMANDS,
  ];
}

/**
 * The names of the client commands that talk to the local `polyport serve` when no server is
 * named, and so take serve's `--config` and `--set` (and `POLYPORT_PORT_OFFSET`) to find it.
 * @param services the services whose commands these are (default: every built-in one).
 * @returns the command names (`dig`, `finger`, `ftp`, `mail`).
 * @example localServerCommands().has('dig'); // true
 */
export function localServerCommands(services?: readonly ServiceModule[]): ReadonlySet<string> {
  return new Set(commandTable(services).flatMap((c) => (c.usesLocalServer ? [c.name] : [])));
}
