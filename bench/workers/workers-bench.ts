/**
 * The "workers" benchmark: what `polyport serve --workers 2` adds over `--workers 1`, both run as
 * `npm start` runs serve (default logging to a log file, from a scratch folder each, on the
 * default ports), for HTTP hello (beside nginx with two workers), DNS (beside dnsmasq) and FTP
 * RETR with several transfers at once. Each table has the ratio to one worker, and notes that
 * on a machine of two cores the load generator shares them with the servers. A part that fails
 * prints why and the others still run; the run then exits non-zero.
 * `BENCH_WORKERS=http,dns` runs only the parts named (see {@link PARTS}).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScratch, type Scratch } from '../defaults/scratch.js';
import { chooseParts, runParts } from '../lib/bench-parts.js';
import { type Scratches, sharedCoresNote, WORKER_COUNTS, type WorkerCount } from './serve-sides.js';
import { runWorkersDns } from './workers-dns.js';
import { runWorkersFtp } from './workers-ftp.js';
import { runWorkersHttp } from './workers-http.js';

/** The parts, in the order they run. */
const PARTS: readonly { name: string; run: (scratches: Scratches, dir: string) => unknown }[] = [
  { name: 'http', run: runWorkersHttp },
  { name: 'dns', run: runWorkersDns },
  { name: 'ftp', run: runWorkersFtp },
];

/**
 * Runs every part of the workers section.
 * @returns each part's results by name (a failed part: its error), the cores and the note; or
 *   the error alone when a default port is busy or serve does not start at all.
 */
export async function runWorkersBenchmark(): Promise<unknown> {
  const parts = chooseParts(PARTS, 'BENCH_WORKERS');
  const scratches = new Map<WorkerCount, Scratch>();
  // The references' files (nginx's root, dnsperf's questions, the FTP file linked into each
  // scratch): a folder of their own, readable by nginx's worker once it drops root.
  const dir = mkdtempSync(join(tmpdir(), 'polyport-workers-'));
  chmodSync(dir, 0o755);
  const remove = (): void => {
    for (const scratch of scratches.values()) scratch.remove();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const workers of WORKER_COUNTS) scratches.set(workers, await makeScratch());
  } catch (err) {
    remove();
    // One clear line rather than a stack: this is about the machine, not the code.
    process.exitCode = 1;
    process.stdout.write(`\nworkers: ${(err as Error).message}\n`);
    return { error: (err as Error).message };
  }
  const results = { cores: availableParallelism(), note: sharedCoresNote() };
  try {
    return await runParts('workers', parts, (part) => part.run(scratches, dir), results);
  } finally {
    remove();
  }
}
