/**
 * Runs the `polyport` command line in a child process, as a user would, with timeouts so a
 * test can never hang on it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
/** tsx, resolved from here so the child can run in any working directory. */
const TSX = import.meta.resolve('tsx');

/** A running `polyport` process and what it printed so far. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Resolves when stdout matches, or rejects after `seconds`. */
  waitFor(pattern: RegExp, seconds?: number): Promise<RegExpMatchArray>;
}

/** Starts `polyport ...args` in `cwd`. */
export function startCli(
  args: readonly string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const proc: CliProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    waitFor(pattern, seconds = 20) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const match = proc.stdout.match(pattern);
          if (match) {
            clearTimeout(timer);
            child.stdout?.off('data', check);
            resolve(match);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          child.stdout?.off('data', check);
          reject(
            new Error(
              `timed out waiting for ${pattern}; stdout: ${proc.stdout}\nstderr: ${proc.stderr}`,
            ),
          );
        }, seconds * 1000);
        if (!check()) child.stdout?.on('data', check);
      });
    },
  };
  child.stdout?.on('data', (d: Buffer) => {
    proc.stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    proc.stderr += d.toString();
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return proc;
}

/** Runs `polyport ...args` to completion (killed after `seconds`). */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; input?: string; seconds?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = startCli(args, options);
  if (options.input === undefined) proc.child.stdin?.end();
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), (options.seconds ?? 30) * 1000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/**
 * The port of `service` in `polyport serve`'s listing (a service on TCP and UDP is one row,
 * `tcp+udp`).
 */
export function portFromListing(stdout: string, service: string, transport = 'tcp'): number {
  const match = new RegExp(
    `^\\s+${service}\\s+\\S*\\b${transport}\\b\\S*\\s+\\S+\\s+(\\d+)`,
    'm',
  ).exec(stdout);
  if (!match) throw new Error(`no ${service}/${transport} in listing:\n${stdout}`);
  return Number(match[1]);
}
