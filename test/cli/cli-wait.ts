/**
 * Waits used by the client-tool tests, each with a deadline so no test can hang.
 */
import type { CliProcess } from '../support/cli.js';

/** Resolves with the match once `proc`'s stderr matches, or rejects after `seconds`. */
export async function waitForStderr(
  proc: CliProcess,
  pattern: RegExp,
  seconds = 20,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const match = proc.stderr.match(pattern);
    if (match) return match;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${pattern} on stderr: ${proc.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with the exit code, killing the process and rejecting after `seconds`. */
export async function exitWithin(proc: CliProcess, seconds = 20): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      proc.child.kill('SIGKILL');
      reject(
        new Error(`no exit within ${seconds} s; stdout: ${proc.stdout}\nstderr: ${proc.stderr}`),
      );
    }, seconds * 1000);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects after `seconds` unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
