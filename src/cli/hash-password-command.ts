/**
 * `polyport hash-password`: makes the scrypt hash a `[[users]]` entry needs.
 */
import { parseArgs } from 'node:util';
// The one file, not the host's index.ts, which loads every server.
import { hashPassword } from '../host/password.js';
import { type CliCommand, type CliIO, EXIT, usageError } from '../protocols/common/index.js';
import { readSecret, SecretAborted, type TerminalInput } from './read-secret.js';

const HELP = `Usage: polyport hash-password [PASSWORD]

Prints the scrypt hash of PASSWORD for a [[users]] entry's password key. Without an argument,
on a terminal it asks for the password twice without showing it (Password:, Again:; Ctrl-C
stops); otherwise it reads one line from standard input. Either way the password stays out
of the shell history:

  polyport hash-password
  polyport hash-password < secret.txt
  echo -n 'correct horse' | polyport hash-password

Exit status: 0 with the hash on stdout, 1 when the two entries differ or input stopped (Ctrl-C,
Ctrl-D), 2 for bad usage or an empty password.
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
      const terminal = io.stdin as TerminalInput;
      if (terminal.isTTY === true && typeof terminal.setRawMode === 'function') {
        try {
          password = await readSecret(terminal, io.stderr, 'Password: ');
          if (password !== '' && (await readSecret(terminal, io.stderr, 'Again: ')) !== password) {
            io.stderr.write('polyport hash-password: the two passwords differ\n');
            return EXIT.FAILURE;
          }
        } catch (err) {
          if (!(err instanceof SecretAborted)) throw err;
          io.stderr.write(`polyport hash-password: ${err.message}\n`);
          return EXIT.FAILURE;
        }
      } else {
        const chunks: Buffer[] = [];
        for await (const chunk of io.stdin) chunks.push(chunk as Buffer);
        password = Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\r?\n$/, '');
      }
    }
    if (password === '') {
      io.stderr.write('polyport hash-password: the password is empty\n');
      return EXIT.USAGE;
    }
    io.stdout.write(`${await hashPassword(password)}\n`);
    return EXIT.OK;
  },
};
