/**
 * The two `polyport serve` contenders of the workers section, `--workers 2` and `--workers 1`,
 * each run from a scratch folder of its own (its own ./polyport-data and log) on the default
 * ports, with the default logging `npm start` has: the rows users would compare.
 */
import { availableParallelism } from 'node:os';
import { startServe } from '../defaults/polyport-serve.js';
import type { Scratch } from '../defaults/scratch.js';
import { procCpu } from '../http/http-bench.js';
import type { Contender } from '../lib/harness.js';

/** The worker counts compared, in the order their rows are printed. */
export const WORKER_COUNTS = [2, 1] as const;

/** A worker count the section compares. */
export type WorkerCount = (typeof WORKER_COUNTS)[number];

/** Each serve contender's scratch folder, by its worker count. */
export type Scratches = ReadonlyMap<WorkerCount, Scratch>;

/**
 * The row name of serve with `workers` workers.
 * @example serveName(2); // 'polyport serve --workers 2'
 */
export function serveName(workers: WorkerCount): string {
  return `polyport serve --workers ${workers}`;
}

/**
 * The serve contenders, `--workers 2` then `--workers 1`, each started from its own scratch folder.
 * @param target what a measurement is given of a started serve (its URL, its port); the pid (of
 *   the main process, whose children the workers are) is added.
 * @example const sides = serveSides(scratches, () => ({ port: DEFAULT_PORTS.dns }));
 */
export function serveSides<Target extends object>(
  scratches: Scratches,
  target: (workers: WorkerCount) => Target,
): Contender<Target & { readonly pid: number }>[] {
  return WORKER_COUNTS.map((workers) => ({
    name: serveName(workers),
    start: async () => {
      const serve = await startServe(scratches.get(workers)!.dir, ['--workers', String(workers)]);
      return { ...target(workers), pid: serve.pid, stop: serve.stop };
    },
  }));
}

/** One sample: the rate, and the rate per CPU second the server's processes used meanwhile. */
export interface RateSample {
  readonly rate: number;
  readonly perCpuSecond: number;
}

/**
 * Runs a load and reads, from /proc, the CPU time the server (its process and every process
 * below it: serve's workers, nginx's) used meanwhile. Per CPU second is what the rate would be
 * if the server had the cores to itself, so it holds when other work shares them, and it shows
 * what a worker costs over one process.
 * @param load runs the load and returns its rate (per second, over `seconds`).
 * @example const sample = await perCpu(serve.pid, 3, () => wrk(url, 3, 2, 64));
 */
export async function perCpu(
  pid: number,
  seconds: number,
  load: () => Promise<number>,
): Promise<RateSample> {
  const before = procCpu(pid);
  const rate = await load();
  const cpuSeconds = (procCpu(pid) - before) / 1e6;
  return { rate, perCpuSecond: cpuSeconds > 0 ? (rate * seconds) / cpuSeconds : Number.NaN };
}

/**
 * Seconds of load each server gets before it is measured. A serve process spends about a CPU
 * second compiling its hot paths before it is fast (on a shared two-core machine: about 2,500
 * requests in its first second, 14,000 in its second); two workers each pay that, sharing the cores with the load generator,
 * so one second of warm-up would leave the two-worker rows measured partly cold.
 */
export const WARM_UP_SECONDS = 3;

/**
 * The note each table of the section ends with, and its JSON keeps: what the ratios can show on
 * this machine, whose cores the load generator shares with the servers.
 * @example process.stdout.write(`${sharedCoresNote()}\n`);
 */
export function sharedCoresNote(): string {
  const cores = availableParallelism();
  return cores <= 2
    ? `note: ${cores} cores here, shared by the load generator and the servers, so 2 workers cannot double the rate; the ratio to 1 worker is what a second process adds on these cores, not what it adds on a core of its own.`
    : `note: ${cores} cores here, shared by the load generator and the servers; 2 workers double the rate at best, when the load generator leaves them two cores.`;
}
