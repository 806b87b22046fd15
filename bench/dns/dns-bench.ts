/**
 * The DNS benchmark (issue 8): `dnsperf` against polyport's DNS server (in its own process, with
 * its accelerators on and off: the off side receives and sends through node:dgram alone, without
 * the native addon's batched I/O) and against dnsmasq serving the same records, side by side in
 * one run. Rounds alternate between the servers; the table shows medians of queries per second,
 * lost queries and polyport's on/off ratio. The target is >= 0.9x dnsmasq's rate with no lost
 * queries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  acceleratorVariants,
  formatRate,
  freePort,
  have,
  inTurn,
  median,
  offName,
  onOffCell,
  printTable,
  ratio,
  type ServerProcess,
  serverCommand,
  startServer,
  stopChild,
} from '../lib/harness.js';

const here = import.meta.dirname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.BENCH_DNS_CLIENTS ?? 4);

/**
 * The questions dnsperf cycles through: answers, a CNAME chain, NODATA and NXDOMAIN, all from
 * the sample zone `polyport serve` answers by default.
 */
export const QUERIES = [
  'www.example.test A',
  'www.example.test AAAA',
  'example.test MX',
  'example.test TXT',
  'alias.example.test A',
  'mail.example.test A',
  'www.example.test MX',
  'nope.example.test A',
];

/** dnsmasq flags giving it the sample zone's records for those questions. */
const DNSMASQ_RECORDS = [
  '--local=/example.test/',
  '--host-record=www.example.test,127.0.0.1,::1',
  '--host-record=mail.example.test,127.0.0.1',
  '--mx-host=example.test,mail.example.test,10',
  '--txt-record=example.test,v=spf1 -all',
  '--cname=alias.example.test,www.example.test',
];

/** What one dnsperf run measured. */
export interface PerfResult {
  qps: number;
  lost: number;
  sent: number;
}

interface Side {
  readonly name: string;
  readonly start: () => Promise<ServerProcess>;
}

/** Runs the DNS benchmark and returns its medians and ratio. */
export async function runDnsBenchmark(): Promise<unknown> {
  if (!have('dnsperf')) {
    process.stdout.write('\ndns: skipped, dnsperf is not installed (apt-get install dnsperf)\n');
    return { skipped: 'dnsperf not installed' };
  }
  const sides: Side[] = acceleratorVariants('polyport').map(({ name, env, file }) => ({
    name,
    start: () => startServer(...serverCommand(file(join(here, 'dns-server.ts'))), env),
  }));
  if (have('dnsmasq')) sides.push({ name: 'dnsmasq', start: startDnsmasq });
  else process.stdout.write('\ndns: dnsmasq is not installed; measuring polyport alone\n');
  const dir = mkdtempSync(join(tmpdir(), 'polyport-dnsperf-'));
  const queryFile = join(dir, 'queries.txt');
  writeFileSync(queryFile, `${QUERIES.join('\n')}\n`);
  const samples = new Map<string, PerfResult[]>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of inTurn(sides, round)) {
        const server = await side.start();
        try {
          const result = await dnsperf(server.port, queryFile);
          samples.set(side.name, [...(samples.get(side.name) ?? []), result]);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const qps = (name: string): number => median((samples.get(name) ?? []).map((s) => s.qps));
  const lost = (name: string): number =>
    Math.max(0, ...(samples.get(name) ?? []).map((s) => s.lost));
  const names = sides.map((s) => s.name);
  const reference = names.includes('dnsmasq') ? qps('dnsmasq') : Number.NaN;
  printTable(
    `dns: dnsperf, ${CLIENTS} clients, ${QUERIES.length} questions over UDP (median of ${ROUNDS} runs of ${SECONDS} s)`,
    ['server', 'queries/s', 'lost (worst run)', 'vs dnsmasq', 'on/off'],
    names.map((n) => [
      n,
      formatRate(qps(n)),
      String(lost(n)),
      ratio(qps(n), reference),
      onOffCell(n, names, qps),
    ]),
  );
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    clients: CLIENTS,
    servers: Object.fromEntries(
      sides.map((s) => [s.name, { queriesPerSecond: qps(s.name), lostWorst: lost(s.name) }]),
    ),
    ratioVsDnsmasq: Number.isNaN(reference) ? null : qps('polyport') / reference,
    ratioOffVsDnsmasq: Number.isNaN(reference) ? null : qps(offName('polyport')) / reference,
    acceleratorsOnOff: qps('polyport') / qps(offName('polyport')),
  };
}

/**
 * Runs dnsperf once against 127.0.0.1 and reads its summary.
 * @param queryFile a file of {@link QUERIES}, one a line.
 * @param clients dnsperf's clients (`-c`): each its own UDP socket, so its own source port.
 * @param threads dnsperf's threads (`-T`, at most `clients`); as many as clients by default.
 * @param seconds how long it runs (`-l`).
 */
export function dnsperf(
  port: number,
  queryFile: string,
  clients = CLIENTS,
  threads = clients,
  seconds = SECONDS,
): Promise<PerfResult> {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', queryFile, '-l', String(seconds)];
  args.push('-c', String(clients), '-T', String(threads), '-t', '2');
  const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const qps = /Queries per second:\s+([\d.]+)/.exec(out);
      const lost = /Queries lost:\s+(\d+)/.exec(out);
      const sent = /Queries sent:\s+(\d+)/.exec(out);
      if (code !== 0 || qps === null || lost === null || sent === null) {
        reject(new Error(`dnsperf failed (exit ${code}): ${out.slice(-500)}`));
        return;
      }
      resolve({ qps: Number(qps[1]), lost: Number(lost[1]), sent: Number(sent[1]) });
    });
  });
}

/**
 * Starts dnsmasq on a free loopback port with the benchmark's records (the sample zone's, for
 * {@link QUERIES}); it logs no queries, as by default.
 */
export async function startDnsmasq(): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'dnsmasq',
    [
      '--no-daemon',
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      '--pid-file',
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      `--port=${port}`,
      '--cache-size=0',
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ...DNSMASQ_RECORDS,
    ],
    { stdio: 'ignore' },
  );
  // dnsmasq binds before it would answer; give it a moment to be ready.
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null) throw new Error(`dnsmasq exited with ${child.exitCode}`);
  return {
    port,
    pid: child.pid ?? 0,
    stop: () => stopChild(child),
  };
}
