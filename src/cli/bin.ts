#!/usr/bin/env node
/**
 * The `polyport` executable: runs {@link main} with the process's arguments and streams.
 */
import { type CliIO, EXIT } from '../protocols/common/index.js';
import { main } from './main.js';

let interrupted: Promise<void> | null = null;
const io: CliIO = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdout.isTTY === true,
  // Installed only for commands that ask: a SIGINT listener stops Node's default exit on Ctrl-C.
  get interrupted() {
    interrupted ??= new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    return interrupted;
  },
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // Commands close what they open; anything left (a stray timer) must not keep us alive.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(
      `polyport: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(EXIT.FAILURE);
  },
);
