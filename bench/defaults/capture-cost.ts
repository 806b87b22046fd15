/**
 * What capture costs: `polyport serve` as `npm start` runs it (capture on, 1,000 events kept per
 * service) beside the same with `--set capture.events=0` (nothing kept, nobody listening), for
 * HTTP hello (wrk) and DNS (dnsperf), in turn, median of the rounds; each ratio is the median of
 * the rounds' own ratios, as the two sides of a round run back to back. Target: no throughput
 * ratio below 0.9x.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsperf, QUERIES } from '../dns/dns-bench.js';
import { wrk } from '../http/http-bench.js';
import {
  type Contender,
  formatRate,
  have,
  median,
  pairedRatio,
  printTable,
  ratioText,
  sampleInTurn,
} from '../lib/harness.js';
import { checked, meetsText, type Target, targetText } from '../lib/targets.js';
import { WARMUP_SECONDS } from './http-hello.js';
import { DEFAULT_PORTS, startServe } from './polyport-serve.js';
import type { Scratch } from './scratch.js';

/**
 * Nine rounds: the cost sought is a few percent, and on a shared two-core machine one run in
 * three is off by more than 10% either way (seen in both directions).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const ON = 'capture on (default)';
const OFF = 'capture off (capture.events=0)';
const VS_OFF: Target = { atLeast: 0.9, unit: 'x off' };

/** One workload: its name, how one sample is taken, and its unit. */
interface Workload {
  readonly name: string;
  readonly unit: string;
  readonly measure: () => Promise<number>;
}

/**
 * Runs the capture part of the defaults section: each workload the tools for it exist for.
 * @returns per workload the medians, the ratio on/off and whether the target is met.
 */
export async function runCaptureCost(scratch: Scratch): Promise<unknown> {
  const file = 'capture.txt';
  writeFileSync(join(scratch.dataDir, 'www', file), 'Hello, world\n');
  const queryFile = join(scratch.dir, 'capture-queries.txt');
  writeFileSync(queryFile, `${QUERIES.join('\n')}\n`);
  const workloads: Workload[] = [];
  if (have('wrk')) {
    const url = `http://127.0.0.1:${DEFAULT_PORTS.http}/${file}`;
    workloads.push({
      name: `HTTP hello, wrk -t1 -c50, ${SECONDS} s`,
      unit: 'req/s',
      measure: async () => {
        await wrk(url, WARMUP_SECONDS, 1); // warm-up: JIT tiers (see http-hello.ts)
        return wrk(url, SECONDS, 1);
      },
    });
  }
  if (have('dnsperf')) {
    workloads.push({
      name: `DNS, dnsperf -c1, ${QUERIES.length} questions`,
      unit: 'queries/s',
      measure: async () => (await dnsperf(DEFAULT_PORTS.dns, queryFile, 1)).qps,
    });
  }
  if (workloads.length === 0) {
    process.stdout.write('\ndefaults capture: neither wrk nor dnsperf is installed, skipped\n');
    return null;
  }
  const side = (name: string, args: string[]): Contender<object> => ({
    name,
    start: async () => ({ stop: (await startServe(scratch.dir, args)).stop }),
  });
  const sides = [side(ON, []), side(OFF, ['--set', 'capture.events=0'])];
  // One start per round serves every workload: the serve start-up dominates a round otherwise.
  const samples = await sampleInTurn(sides, ROUNDS, async () => {
    const rates: number[] = [];
    for (const workload of workloads) rates.push(await workload.measure());
    return rates;
  });
  const rates = (name: string, index: number): number[] =>
    (samples.get(name) ?? []).map((round) => round[index]!);
  const rate = (name: string, index: number): number => median(rates(name, index));
  const onVsOff = (index: number): number => pairedRatio(rates(ON, index), rates(OFF, index));
  const results = workloads.map((workload, index) => ({
    workload: workload.name,
    on: rate(ON, index),
    off: rate(OFF, index),
    onVsOff: checked(onVsOff(index), VS_OFF),
  }));
  printTable(
    `defaults: capture on vs off, polyport serve as npm start runs it, median of ${ROUNDS} runs; ratios: median of each round's`,
    ['workload', ON, OFF, 'on vs off', 'target', 'meets'],
    workloads.map((workload, index) => [
      workload.name,
      `${formatRate(rate(ON, index))} ${workload.unit}`,
      `${formatRate(rate(OFF, index))} ${workload.unit}`,
      ratioText(onVsOff(index)),
      targetText(VS_OFF),
      meetsText(onVsOff(index), VS_OFF),
    ]),
  );
  return { rounds: ROUNDS, results };
}
