/**
 * The `polyport` command line: `polyport COMMAND [options]` (the entry point is `bin.ts`).
 */
import { VERSION } from '../host/index.js';
import { type CliIO, EXIT } from '../protocols/common/index.js';
import { COMMANDS } from './commands.js';

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
    io.stderr.write(`polyport: unknown command '${name}'\n\n${usage()}`);
    return EXIT.USAGE;
  }
  return command.run(rest, io);
}
