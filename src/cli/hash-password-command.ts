/**
 * `polyport hash-password`: makes the scrypt hash a `[[users]]` entry needs.
 */
import { parseArgs } from 'node:util';
import { hashPassword } from '../host/index.js';
import { type CliCommand, type CliIO, EXIT, usageError } from '../protocols/common/index.js';

const HELP = `Usage: polyport hash-password [PASSWORD]

Prints the scrypt hash of PASSWORD for a [[users]] entry's password key. Without an argument the
password is read from standard input (one line), so it stays out of the shell history:

  polyport hash-password < secret.txt
  echo -n 'correct horse' | polyport hash-password
`;

/** `polyport hash-password`. */
export const hashPasswordCommand: CliCommand = {
  name: 'hash-password',
  summary: 'print the scrypt hash of a password for the config',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...argv],
        options: { help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
      });
    } catch (err) {
      return usageError(io, 'hash-password', err, HELP);
    }
    if (parsed.values.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    if (parsed.positionals.length > 1) {
      io.stderr.write('polyport hash-password: give one password (quote it if it has spaces)\n');
      return EXIT.USAGE;
    }
    let password = parsed.positionals[0];
    if (password === undefined) {
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin) chunks.push(chunk as Buffer);
      password = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
    }
    if (password === '') {
      io.stderr.write('polyport hash-password: the password is empty\n');
      return EXIT.USAGE;
    }
    io.stdout.write(`${await hashPassword(password)}\n`);
    return EXIT.OK;
  },
};
