/**
 * `runProcess()`: the `polyport` command line run as this process, with its arguments, streams
 * and exit code. Whatever goes wrong, the user sees one line, never a stack trace
 * (`POLYPORT_DEBUG=1` shows it), and an exit code from `EXIT` (cli-command.ts).
 */
import type { CliIO } from '../protocols/common/cli-command.js';
import { main } from './main.js';
import { crash, exitOnClosedOutput } from './output-closed.js';
import { ProcessOutput } from './process-output.js';

/**
 * Runs `polyport` with `process.argv` and the process's streams, and exits with the command's
 * status once it returns. bin.ts imports this file only once Node's compile cache is on, so
 * everything it loads is compiled from (and kept in) the cache.
 * @example runProcess(); // last thing in bin.ts
 */
export function runProcess(): void {
  let interrupted: Promise<void> | null = null;
  // `polyport http URL | head`: once the reader has gone, stop at once and say nothing, as curl.
  const stderr = new ProcessOutput(2, () => process.stderr, exitOnClosedOutput(null));
  const stdout = new ProcessOutput(1, () => process.stdout, exitOnClosedOutput(stderr));
  const io: CliIO = {
    // Read on first use: making stdin's stream costs start-up time, and most commands never read it.
    get stdin() {
      return process.stdin;
    },
    stdout,
    stderr,
    get isTTY() {
      return stdout.isTTY;
    },
    // Only for commands that ask: a SIGINT listener stops Node's default exit on Ctrl-C.
    get interrupted() {
      interrupted ??= new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      return interrupted;
    },
  };

  // Only while nothing else listens: `serve` installs its own safety net, which logs and serves on.
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (err: unknown) => {
      if (process.listenerCount(event) === 1) crash(err);
    });
  }

  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
    // Commands close what they open; anything left (a stray timer) must not keep us alive.
    setImmediate(() => process.exit(code));
  }, crash);
}
