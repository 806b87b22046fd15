/**
 * Every `polyport` subcommand. A service's client command comes with its module, from the host's
 * service list; the commands without a service (`connect`, `scan`, `resolve`, `services`,
 * `hash-password`) live here.
 */
import { SERVICE_MODULES, type ServiceModule } from '../host/index.js';
import type { CliCommand } from '../protocols/common/index.js';
import { connectCommand } from './connect-command.js';
import { hashPasswordCommand } from './hash-password-command.js';
import { resolveCommand } from './resolve-command.js';
import { scanCommand } from './scan-command.js';
import { serveCommand } from './serve-command.js';
import { servicesCommand } from './services-command.js';

/**
 * The subcommands, in the order `polyport --help` lists them: `serve`, the services' client
 * commands in service order, then the others.
 * @param services the services `serve` runs and whose commands are listed.
 * @returns the command table.
 * @example commandTable().map((c) => c.name); // ['serve', 'http', 'ftp', 'mail', 'dig', …]
 */
export function commandTable(
  services: readonly ServiceModule[] = SERVICE_MODULES,
): readonly CliCommand[] {
  return [
    serveCommand(services),
    ...services.flatMap((s) => (s.cli === undefined ? [] : [s.cli.command])),
    connectCommand,
    scanCommand,
    resolveCommand,
    servicesCommand,
    hashPasswordCommand,
  ];
}

/**
 * The names of the client commands that talk to the local `polyport serve` when no server is
 * named, and so take serve's `--config` and `--set` (and `POLYPORT_PORT_OFFSET`) to find it.
 * @param services the services whose commands these are.
 * @returns the command names (`dig`, `finger`, `ftp`, `mail`).
 * @example localServerCommands().has('dig'); // true
 */
export function localServerCommands(
  services: readonly ServiceModule[] = SERVICE_MODULES,
): ReadonlySet<string> {
  return new Set(
    services.flatMap((s) => (s.cli?.usesLocalServer === true ? [s.cli.command.name] : [])),
  );
}
