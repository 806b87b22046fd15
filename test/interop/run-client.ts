/**
 * Runs a real client to its end for an interop test: its exit status and output, never a
 * rejection on the client's own failure (the test asserts the status instead).
 */
import { execFile } from 'node:child_process';

/** How one client run ended. */
export interface ClientRun {
  /** The exit status; -1 when it was killed (the time limit) or could not start. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertion messages. */
  readonly output: string;
}

/** Options for {@link runClient}. */
export interface RunClientOptions {
  /** Working directory. */
  readonly cwd?: string;
  /** Extra environment variables, on top of this process's. */
  readonly env?: Record<string, string>;
  /** Upper bound that fails a hung client, in milliseconds. Default 60 000. */
  readonly timeout?: number;
  /** Written to the client's stdin, which is then closed. */
  readonly input?: string;
}

/**
 * Runs `command args…` and waits for it to end.
 * @param command the client, found on PATH.
 * @param args its arguments.
 * @param options working directory, environment, time limit, stdin.
 * @returns its exit status and output; never rejects.
 * @example const run = await runClient('wget', ['-q', '-O', '-', url]); assert.equal(run.code, 0, run.output);
 */
export function runClient(
  command: string,
  args: readonly string[],
  options: RunClientOptions = {},
): Promise<ClientRun> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeout ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'latin1',
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr, output: `${stdout}${stderr}` });
      },
    );
    // Always close stdin: a client that reads it (ncftp, msmtp) must not wait for a terminal.
    // A client that never reads it (curl) may exit first: the write then fails with EPIPE, which
    // says nothing about the client's run, so it is not an error of the test.
    child.stdin?.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    child.stdin?.end(options.input ?? '');
  });
}
