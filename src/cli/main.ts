/**
 * The `polyport` command line: `polyport COMMAND [options]` (the entry point is `bin.ts`). Only
 * the command that runs is loaded (see `commands.ts`).
 */
// Single files, not the folders' index.ts: the host's loads every server, protocols/common's the
// socket layer, and `polyport --version` needs neither.
import type { ServiceModule } from '../host/service-module.js';
import { VERSION } from '../host/version.js';
import { type CliIO, EXIT, usageError } from '../protocols/common/cli-command.js';
import { suggest } from '../protocols/common/suggest.js';
import { type ClientConfig, clientConfig } from './client-config.js';
import { type CommandEntry, commandTable } from './commands.js';

function usage(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `polyport ${VERSION}: Python's networking stack for Node.js, and the servers it carries.`,
    '',
    'Usage: polyport COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'polyport COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

/**
 * Whether a client command's line asks for its help and holds none of the config options
 * (`--config`, `--set`) that `clientConfig` takes out before the command reads the line: then the
 * command answers it alone, and no config is read (so a bad `POLYPORT_PORT_OFFSET` does not stop
 * it). Only words before `--` count.
 */
function plainHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const words = end === -1 ? argv : argv.slice(0, end);
  return (
    words.some((word) => word === '--help' || word === '-h') &&
    !words.some((word) => /^--(?:config|set)(?:=|$)/.test(word))
  );
}

/**
 * Runs the command line with `argv` (without node and the script).
 * @param argv the arguments after the script.
 * @param io the streams the command talks through.
 * @param services the services `serve` runs and whose client commands are offered (default:
 *   every built-in one, each loaded only if its command runs).
 * @returns the exit code.
 * @example process.exitCode = await main(process.argv.slice(2), io);
 */
export async function main(
  argv: readonly string[],
  io: CliIO,
  services?: readonly ServiceModule[],
): Promise<number> {
  const commands = commandTable(services);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage(commands));
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    const near = suggest(
      name,
      commands.map((c) => c.name),
    );
    const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
    io.stderr.write(`polyport: unknown command '${name}'${hint}\n\n${usage(commands)}`);
    return EXIT.USAGE;
  }
  const command = await entry.load();
  // Only for the commands that find the local server; a plain --help has nothing for it.
  if (!entry.usesLocalServer || plainHelp(rest)) return command.run(rest, io);
  let client: ClientConfig;
  try {
    client = await clientConfig(rest, process.env, services);
  } catch (err) {
    // A ConfigError, known by its stable code: importing its class would cost every command a
    // module to load.
    if ((err as { code?: unknown } | null)?.code === 'ECONFIG') {
      io.stderr.write(`${(err as Error).message}\n`);
      return EXIT.USAGE;
    }
    return usageError(io, name, err, command.help);
  }
  if (client.localServers === undefined) return command.run(client.argv, io);
  // Not a spread: it would read io.interrupted, whose getter installs a SIGINT listener.
  const withServers: CliIO = Object.create(io, { localServers: { value: client.localServers } });
  return command.run(client.argv, withServers);
}
