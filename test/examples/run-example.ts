/**
 * Runs the programs of `examples/` as child processes, the way a reader runs them
 * (`node --import tsx examples/<name>.ts …`), with a timeout on every wait so no test hangs.
 * The timeouts are long because starting Node with tsx can take seconds on a loaded machine;
 * they bound a failure, they do not slow a passing run.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** How long to wait for a program to print a line or to exit. */
export const WAIT_MS = 30_000;

/** The timeout of each example test suite. */
export const SUITE_MS = 600_000;

/** The timeout, in seconds, for the tests' own socket calls. */
export const SOCKET_TIMEOUT = 30;

/**
 * A loopback port where nothing listens, for refused connections: tcpmux (1), a privileged port
 * no test server uses. A port freed by closing a probe could be taken at once by a server that
 * a test running in parallel starts on port 0.
 */
export const REFUSED_PORT = 1;

/** How a child process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A finished run: its exit and everything it printed. */
export interface Finished extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/** An example running in the background (a server, usually). */
export class RunningExample {
  readonly child: ChildProcessWithoutNullStreams;
  #stdout = '';
  #stderr = '';
  readonly #exited: Promise<Exit>;
  #waiters: Array<() => void> = [];

  constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    // A program that exits before reading all its input must not fail the test with EPIPE.
    child.stdin.on('error', () => {});
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      this.#stdout += text;
      this.#notify();
    });
    child.stderr.on('data', (text: string) => {
      this.#stderr += text;
      this.#notify();
    });
    this.#exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.#notify();
        resolve({ code, signal });
      });
    });
  }

  /** What it printed on standard output so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** What it printed on standard error so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /**
   * Waits until standard output matches `pattern`.
   * @throws {Error} when `timeoutMs` passes or the process exits first, with what it printed.
   */
  waitFor(pattern: RegExp, timeoutMs = WAIT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = this.#stdout.match(pattern);
        if (match !== null) {
          finish();
          resolve(match);
          return true;
        }
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          finish();
          reject(new Error(`exited before printing ${pattern}\n${this.#describe()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms\n${this.#describe()}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
      };
      const waiter = (): void => void check();
      if (!check()) this.#waiters.push(waiter);
    });
  }

  /** Waits for the `listening on host:port` line servers print, and returns the port. */
  async port(timeoutMs = WAIT_MS): Promise<number> {
    const match = await this.waitFor(/listening on [^\s]+:(\d+)/, timeoutMs);
    return Number(match[1]);
  }

  /**
   * Sends `signal` and waits for the process to end.
   * @throws {Error} when it is still running after `timeoutMs` (it is then killed).
   */
  async stop(signal: NodeJS.Signals = 'SIGINT', timeoutMs = WAIT_MS): Promise<Exit> {
    this.child.kill(signal);
    return this.exit(timeoutMs);
  }

  /**
   * Waits for the process to end by itself.
   * @throws {Error} when it is still running after `timeoutMs` (it is then killed).
   */
  async exit(timeoutMs = WAIT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`still running after ${timeoutMs} ms\n${this.#describe()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process if it is still running (for `t.after`). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  #notify(): void {
    for (const waiter of this.#waiters.slice()) waiter();
  }

  #describe(): string {
    return `--- stdout:\n${this.#stdout}--- stderr:\n${this.#stderr}`;
  }
}

/**
 * Starts `examples/<name>.ts` with `args`.
 * @example const server = startExample('tcp-server', ['0']); const port = await server.port();
 */
export function startExample(name: string, args: readonly string[] = []): RunningExample {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], {
    cwd: root,
    stdio: 'pipe',
  });
  return new RunningExample(child);
}

/**
 * Runs `examples/<name>.ts` to its end, feeding it `input` on standard input.
 * @throws {Error} when it has not ended after `timeoutMs` (it is then killed).
 */
export async function runExample(
  name: string,
  args: readonly string[] = [],
  options: { readonly input?: string; readonly timeoutMs?: number } = {},
): Promise<Finished> {
  const running = startExample(name, args);
  running.child.stdin.end(options.input ?? '');
  const exit = await running.exit(options.timeoutMs ?? 2 * WAIT_MS);
  return { ...exit, stdout: running.stdout, stderr: running.stderr };
}
