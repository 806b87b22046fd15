/**
 * DNS as users run it: dnsperf with one client asking the sample zone's questions of
 * `polyport serve` with no options (its default logging on), of dnsmasq (which logs no queries
 * by default) and of `polyport serve --quiet`, in turn, median of the rounds. Targets (issue 18):
 * default >= 0.9x dnsmasq and within 10% of quiet (>= 0.9x).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsperf, QUERIES, startDnsmasq } from '../dns/dns-bench.js';
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
import { DEFAULT_PORTS, startServe } from './polyport-serve.js';
import type { Scratch } from './scratch.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** dnsperf's clients, as measured in the issue. */
const CLIENTS = 1;

const DEFAULT = 'polyport serve (default)';
const QUIET = 'polyport serve --quiet';
const DNSMASQ = 'dnsmasq';

const VS_DNSMASQ: Target = { atLeast: 0.9, unit: 'x dnsmasq' };
const VS_QUIET: Target = { atLeast: 0.9, unit: 'x quiet' };

/** A DNS server, by its UDP port. */
type Side = Contender<{ port: number }>;

/**
 * Runs the DNS part of the defaults section; skipped (null) without dnsperf.
 * @returns the medians, the worst losses, the ratios and whether each target is met.
 */
export async function runDnsDefault(scratch: Scratch): Promise<unknown> {
  if (!have('dnsperf')) {
    process.stdout.write('\ndefaults dns: dnsperf is not installed, skipped\n');
    return null;
  }
  const queryFile = join(scratch.dir, 'queries.txt');
  writeFileSync(queryFile, `${QUERIES.join('\n')}\n`);
  const serveSide = (name: string, args: string[]): Side => ({
    name,
    start: async () => ({
      port: DEFAULT_PORTS.dns,
      stop: (await startServe(scratch.dir, args)).stop,
    }),
  });
  const sides: Side[] = [serveSide(DEFAULT, []), serveSide(QUIET, ['--quiet'])];
  if (have('dnsmasq')) sides.push({ name: DNSMASQ, start: startDnsmasq });
  else process.stdout.write('\ndefaults dns: dnsmasq is not installed; no dnsmasq row\n');
  const samples = await sampleInTurn(sides, ROUNDS, (server) =>
    dnsperf(server.port, queryFile, CLIENTS),
  );
  // No samples (no such side): the median of nothing is NaN, shown as '-'.
  const qps = (name: string): number => median((samples.get(name) ?? []).map((s) => s.qps));
  const lost = (name: string): number =>
    Math.max(0, ...(samples.get(name) ?? []).map((s) => s.lost));
  const vs = (name: string, reference: string): number =>
    pairedRatio(
      (samples.get(name) ?? []).map((s) => s.qps),
      (samples.get(reference) ?? []).map((s) => s.qps),
    );
  const vsDnsmasq = vs(DEFAULT, DNSMASQ);
  const vsQuiet = vs(DEFAULT, QUIET);
  printTable(
    `defaults: DNS, dnsperf -c${CLIENTS}, ${QUERIES.length} questions of the sample zone over UDP, median of ${ROUNDS} runs; ratios: median of each round's`,
    ['server', 'queries/s', 'lost (worst)', 'vs dnsmasq', 'vs quiet', 'target', 'meets'],
    sides.map(({ name }) => [
      name,
      formatRate(qps(name)),
      String(lost(name)),
      ratioText(vs(name, DNSMASQ)),
      ratioText(vs(name, QUIET)),
      name === DEFAULT ? `${targetText(VS_DNSMASQ)}, ${targetText(VS_QUIET)}` : '',
      name === DEFAULT
        ? `${meetsText(vsDnsmasq, VS_DNSMASQ)}, ${meetsText(vsQuiet, VS_QUIET)}`
        : '',
    ]),
  );
  return {
    rounds: ROUNDS,
    clients: CLIENTS,
    servers: Object.fromEntries(
      sides.map(({ name }) => [name, { queriesPerSecond: qps(name), lostWorst: lost(name) }]),
    ),
    defaultVsDnsmasq: checked(vsDnsmasq, VS_DNSMASQ),
    defaultVsQuiet: checked(vsQuiet, VS_QUIET),
  };
}
