/**
 * The `polyport` command line: `polyport COMMAND [options]` (the entry point is `bin.ts`).
 */
import { ConfigError, VERSION } from '../host/index.js';
import { type CliIO, EXIT, suggest, usageError } from '../protocols/common/index.js';
import { clientConfig } from './client-config.js';
import { COMMANDS } from './commands.js';

/**
 * The client commands that talk to the local `polyport serve` when no server is named: they
 * take serve's `--config` and `--set` (and `POLYPORT_PORT_OFFSET`) to find it.
 */
const USES_LOCAL_SERVERS = new Set(['dig', 'finger', 'ftp', 'mail']);

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `polyport ${VERSION}: Python's networking stack for Node.js, and the servers it carries.`,
    '',
    'Usage: polyport COMMAND [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'polyport COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

/**
 * Runs the command line with `argv` (without node and the script).
 * @returns the exit code.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const near = suggest(
      name,
      COMMANDS.map((c) => c.name),
    );
    const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
    io.stderr.write(`polyport: unknown command '${name}'${hint}\n\n${usage()}`);
    return EXIT.USAGE;
  }
  if (!USES_LOCAL_SERVERS.has(name)) return command.run(rest, io);
  let client: Awaited<ReturnType<typeof clientConfig>>;
  try {
    client = await clientConfig(rest, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return EXIT.USAGE;
    }
    return usageError(io, name, err, command.help);
  }
  if (client.localServers === undefined) return command.run(client.argv, io);
  // Not a spread: it would read io.interrupted, whose getter installs a SIGINT listener.
  const withServers: CliIO = Object.create(io, { localServers: { value: client.localServers } });
  return command.run(client.argv, withServers);
}
