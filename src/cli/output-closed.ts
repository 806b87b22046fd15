/**
 * How the `polyport` executable ends when its output goes away or something fails that no
 * command caught: quietly for a closed pipe, with one line otherwise.
 */
import { type CliOutput, EXIT } from '../protocols/common/cli-command.js';

/**
 * What a failed write to the process's stdout or stderr does: a closed reader (`EPIPE`:
 * `polyport http URL | head` after `head` has read its lines) ends the process at once with
 * status 0 and no message, as curl and other filters do: the reader has what it wanted. Any
 * other write error is reported on `report` in one line and gives {@link EXIT.FAILURE}.
 * @param report where other errors are reported (`null`: nowhere, e.g. for stderr itself).
 * @param exit ends the process (default `process.exit`); injected for tests.
 * @returns the handler, for a write error of either kind (thrown, or a stream's 'error').
 * @example const onError = exitOnClosedOutput(stderr);
 */
export function exitOnClosedOutput(
  report: Pick<CliOutput, 'write'> | null,
  exit: (code: number) => void = (code) => process.exit(code),
): (err: NodeJS.ErrnoException) => void {
  return (err) => {
    if (err.code === 'EPIPE') {
      exit(EXIT.OK);
      return;
    }
    report?.write(`polyport: cannot write output: ${err.message}\n`);
    exit(EXIT.FAILURE);
  };
}

/**
 * The one line a user sees for an error nothing else caught: its message, or with
 * `POLYPORT_DEBUG=1` in the environment its stack (for bug reports).
 * @param err what was thrown.
 * @param env the environment (default `process.env`).
 * @returns the text, without a line ending.
 * @example oneLine(new Error('boom')); // 'boom'
 */
export function oneLine(err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (!(err instanceof Error)) return String(err);
  if (env.POLYPORT_DEBUG === '1' && err.stack !== undefined) return err.stack;
  const first = err.message.split('\n')[0] ?? '';
  return `${first} (POLYPORT_DEBUG=1 shows where)`;
}

/**
 * Ends the process for an error that no command caught: `polyport: ` and {@link oneLine} on
 * stderr, and {@link EXIT.FAILURE}. Here rather than in bin.ts, so that the executable loads one
 * module less before it runs a command.
 * @param err what was thrown.
 * @example process.on('uncaughtException', crash);
 */
export function crash(err: unknown): void {
  process.stderr.write(`polyport: ${oneLine(err)}\n`);
  process.exit(EXIT.FAILURE);
}
