/**
 * Raw pipe descriptors for the tests of `select()` on any descriptor, with Node's public API
 * only: a FIFO (a named pipe, which Linux makes a pipe like any other) opened at both ends.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The two ends of a pipe, and a close() that closes whichever is still open. */
export interface Pipe {
  /** The read end (non-blocking, so a test that reads too much fails instead of hanging). */
  readonly r: number;
  /** The write end. */
  readonly w: number;
  /** Closes the ends not closed yet. */
  close(): void;
  /** Closes one end now (so close() leaves it alone). */
  closeEnd(end: 'r' | 'w'): void;
}

/**
 * Makes a pipe: `mkfifo`, the read end opened first (non-blocking, so it does not wait for a
 * writer), then the write end; the name is removed at once.
 * @example const { r, w, close } = makePipe(); writeSync(w, 'x'); close();
 */
export function makePipe(): Pipe {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-pipe-'));
  const path = join(dir, 'fifo');
  try {
    execFileSync('mkfifo', [path]);
    const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const w = openSync(path, constants.O_WRONLY);
    const open = new Set<'r' | 'w'>(['r', 'w']);
    const ends = { r, w };
    const closeEnd = (end: 'r' | 'w'): void => {
      if (open.delete(end)) closeSync(ends[end]);
    };
    return {
      r,
      w,
      closeEnd,
      close: () => {
        closeEnd('r');
        closeEnd('w');
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
