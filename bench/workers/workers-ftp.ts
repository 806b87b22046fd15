/**
 * FTP RETR with two workers: several curl downloads of one large file at once from
 * `polyport serve --workers 2` and `--workers 1` (default logging, as `npm start` runs it), in
 * turn, median of the rounds. One transfer is one control connection, so it stays on one worker:
 * only transfers in parallel can use a second one.
 */
import { linkSync } from 'node:fs';
import { join } from 'node:path';
import { CURL_USER, writeRandomFile } from '../defaults/client-tools.js';
import { DEFAULT_PORTS } from '../defaults/polyport-serve.js';
import { curlRate } from '../ftp/ftp-bench.js';
import { procCpu } from '../http/http-bench.js';
import { have, median, printTable, ratio, sampleInTurn } from '../lib/harness.js';
import {
  type RateSample,
  type Scratches,
  serveName,
  serveSides,
  sharedCoresNote,
} from './serve-sides.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The file's size: large enough that each transfer runs for a good part of a second. */
const MEGABYTES = Number(process.env.BENCH_WORKERS_FTP_MB ?? 256);
/**
 * Transfers at once. Each control connection is hashed to a worker on its own, so with four the
 * two workers both get some 7 times in 8 (all four land on one 1 time in 8, a round the median
 * rides over); more would crowd the two cores with curl processes.
 */
const PARALLEL = 4;

/** Where the file is, in serve's FTP tree (pub/ is readable by the sample user). */
const FILE = 'pub/workers-big.bin';

/**
 * Runs the FTP part of the workers section; skipped (null) without curl.
 * @param dir a folder of the section's own, where the file is written once (each scratch links it).
 * @returns the samples, the medians of the bytes per second of all transfers together and per
 *   CPU second of serve's processes (curl's own are not counted), and the ratios.
 */
export async function runWorkersFtp(scratches: Scratches, dir: string): Promise<unknown> {
  if (!have('curl')) {
    process.stdout.write('\nworkers ftp: curl is not installed, skipped\n');
    return null;
  }
  const source = join(dir, 'big.bin');
  writeRandomFile(source, MEGABYTES);
  for (const scratch of scratches.values()) linkSync(source, join(scratch.dataDir, 'ftp', FILE));
  const url = `ftp://${CURL_USER}@127.0.0.1:${DEFAULT_PORTS.ftp}/${FILE}`;
  const bytes = PARALLEL * MEGABYTES * 1e6;
  const samples = await sampleInTurn(
    serveSides(scratches, () => ({})),
    ROUNDS,
    async (serve): Promise<RateSample> => {
      const cpuBefore = procCpu(serve.pid);
      // Counted over the wall time of them all: rates added up would count each at its own pace.
      const started = performance.now();
      await Promise.all(
        Array.from({ length: PARALLEL }, () => curlRate(['--noproxy', '*', url], 'speed_download')),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = (procCpu(serve.pid) - cpuBefore) / 1e6;
      return { rate: bytes / seconds, perCpuSecond: bytes / cpuSeconds };
    },
  );
  const mb = (name: string, what: keyof RateSample): number =>
    median((samples.get(name) ?? []).map((sample) => sample[what])) / 1e6;
  const [two, one] = [serveName(2), serveName(1)];
  const cells = (name: string, what: keyof RateSample): string[] => [
    mb(name, what).toFixed(0),
    ratio(mb(name, what), mb(one, what)),
  ];
  printTable(
    `workers: FTP RETR, ${PARALLEL} curl downloads of ${MEGABYTES} MB at once, default logging, median of ${ROUNDS} rounds`,
    ['server', 'MB/s (all together)', 'vs 1 worker', 'MB/CPU-s', 'vs 1 worker'],
    [two, one].map((name) => [name, ...cells(name, 'rate'), ...cells(name, 'perCpuSecond')]),
  );
  process.stdout.write(`${sharedCoresNote()}\n`);
  return {
    rounds: ROUNDS,
    fileBytes: MEGABYTES * 1e6,
    parallel: PARALLEL,
    servers: Object.fromEntries(
      [two, one].map((name) => [
        name,
        {
          bytesPerSecond: mb(name, 'rate') * 1e6,
          bytesPerCpuSecond: mb(name, 'perCpuSecond') * 1e6,
          samples: samples.get(name) ?? [],
        },
      ]),
    ),
    workers2VsWorkers1: {
      rate: mb(two, 'rate') / mb(one, 'rate'),
      perCpuSecond: mb(two, 'perCpuSecond') / mb(one, 'perCpuSecond'),
    },
  };
}
