/**
 * DNS with two workers: dnsperf asking the sample zone's questions of `polyport serve --workers 2`
 * and `--workers 1` (default logging, as `npm start` runs it), with dnsmasq (one process, no
 * query log, as by default) as the reference row, in turn, median of the rounds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '../defaults/polyport-serve.js';
import { dnsperf, QUERIES, startDnsmasq } from '../dns/dns-bench.js';
import { type Contender, have, sampleInTurn } from '../lib/harness.js';
import { printRateTable, rateResults } from './rate-table.js';
import { perCpu, type Scratches, serveSides, WARM_UP_SECONDS } from './serve-sides.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/**
 * dnsperf's clients, each a UDP socket of its own: the kernel hashes a datagram to a worker's
 * socket by its 4-tuple, so every query of one client goes to the same worker, and it takes many
 * clients for both workers to get a share near half (one client would load one worker only).
 */
const CLIENTS = 16;
/** dnsperf's threads: two, for the reason wrk has two in the HTTP part. */
const THREADS = 2;

const DNSMASQ = 'dnsmasq (1 process)';

/** A DNS server, by its UDP port, and its process (for its CPU time). */
type Side = Contender<{ port: number; pid: number }>;

/**
 * Runs the DNS part of the workers section; skipped (null) without dnsperf.
 * @param dir a folder of the section's own, for dnsperf's question file.
 * @returns the samples, their medians, the worst losses and the ratios.
 */
export async function runWorkersDns(scratches: Scratches, dir: string): Promise<unknown> {
  if (!have('dnsperf')) {
    process.stdout.write('\nworkers dns: dnsperf is not installed, skipped\n');
    return null;
  }
  const queryFile = join(dir, 'queries.txt');
  writeFileSync(queryFile, `${QUERIES.join('\n')}\n`);
  const sides: Side[] = serveSides(scratches, () => ({ port: DEFAULT_PORTS.dns }));
  if (have('dnsmasq')) sides.push({ name: DNSMASQ, start: startDnsmasq });
  else process.stdout.write('\nworkers dns: dnsmasq is not installed; no dnsmasq row\n');
  const samples = await sampleInTurn(sides, ROUNDS, async (server) => {
    await dnsperf(server.port, queryFile, CLIENTS, THREADS, WARM_UP_SECONDS);
    let lost = 0;
    const sample = await perCpu(server.pid, SECONDS, async () => {
      const result = await dnsperf(server.port, queryFile, CLIENTS, THREADS, SECONDS);
      lost = result.lost;
      return result.qps;
    });
    return { ...sample, lost };
  });
  const names = sides.map(({ name }) => name);
  printRateTable(
    `workers: DNS, dnsperf -c${CLIENTS} -T${THREADS}, ${QUERIES.length} questions of the sample zone over UDP, default logging, median of ${ROUNDS} runs of ${SECONDS} s`,
    'queries',
    names,
    samples,
    { name: DNSMASQ, short: 'dnsmasq' },
  );
  const lost = (name: string): number =>
    Math.max(0, ...(samples.get(name) ?? []).map((s) => s.lost));
  process.stdout.write(
    `lost queries (worst run): ${names.map((n) => `${n} ${lost(n)}`).join(', ')}\n`,
  );
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    clients: CLIENTS,
    threads: THREADS,
    ...rateResults(names, samples, DNSMASQ),
    lostWorst: Object.fromEntries(names.map((name) => [name, lost(name)])),
  };
}
