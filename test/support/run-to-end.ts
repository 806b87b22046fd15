/**
 * Runs a program to its end with a time limit, keeping what it printed: for tests that start a
 * program in a network namespace (`unshare`, `ip netns exec`) and read its output afterwards.
 */
import { spawn } from 'node:child_process';

/** What a program run by {@link runToEnd} did. */
export interface ProgramRun {
  /** Its exit code; `null` when it was killed (at the time limit, say). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `file` with `args`, standard input closed, and waits for it to end; it is killed after
 * `limitMs` (its run then reports code `null`).
 * @example const { code, stdout } = await runToEnd('ip', ['netns', 'exec', ns, 'true'], 60_000);
 */
export async function runToEnd(
  file: string,
  args: readonly string[],
  limitMs: number,
): Promise<ProgramRun> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}
