/**
 * HTTP hello as users run it: wrk -t1 -c50 fetching a 13-byte file from `polyport serve` with no
 * options (its default logging on), from nginx with one worker and its default access log to a
 * file, and from `polyport serve --quiet`, in turn, median of the rounds. Targets (issue 18):
 * default >= 0.8x nginx and within 10% of quiet (>= 0.9x).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNginx, wrk } from '../http/http-bench.js';
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

/**
 * Five rounds, not three: the ratio to --quiet is a few percent, and on a shared two-core
 * machine one round in three can be off by more than that.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/**
 * Load before the measured run, the same for every server. A served `polyport serve` runs for
 * hours; its first seconds are not what users see. V8 compiles the hot path in tiers over the
 * first seconds of load: by hand, one fresh serve went from about 31,000 to 41,000 req/s across
 * consecutive 3 s runs, where 1 s of warm-up measured the start of that climb. nginx, compiled
 * ahead of time, is at its speed from the first request.
 */
export const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

/** The file fetched: 13 bytes, served as a static file by both servers (and the workers section's). */
export const HELLO = { name: 'hello.txt', body: 'Hello, world\n' } as const;

const DEFAULT = 'polyport serve (default)';
const QUIET = 'polyport serve --quiet';
const NGINX = 'nginx (1 worker, access log)';

const VS_NGINX: Target = { atLeast: 0.8, unit: 'x nginx' };
const VS_QUIET: Target = { atLeast: 0.9, unit: 'x quiet' };

/** A server to load, by the URL of the file. */
type Side = Contender<{ url: string }>;

/**
 * Runs the HTTP part of the defaults section; skipped (null) without wrk.
 * @returns the medians, the ratios and whether each target is met.
 */
export async function runHttpHello(scratch: Scratch): Promise<unknown> {
  if (!have('wrk')) {
    process.stdout.write('\ndefaults http: wrk is not installed, skipped\n');
    return null;
  }
  writeFileSync(join(scratch.dataDir, 'www', HELLO.name), HELLO.body);
  const nginxRoot = join(scratch.dir, 'nginx-www');
  mkdirSync(nginxRoot);
  writeFileSync(join(nginxRoot, HELLO.name), HELLO.body);
  chmodSync(nginxRoot, 0o755);
  const serveUrl = `http://127.0.0.1:${DEFAULT_PORTS.http}/${HELLO.name}`;
  const serveSide = (name: string, args: string[]): Side => ({
    name,
    start: async () => ({ url: serveUrl, stop: (await startServe(scratch.dir, args)).stop }),
  });
  const sides: Side[] = [serveSide(DEFAULT, []), serveSide(QUIET, ['--quiet'])];
  if (have('nginx')) {
    sides.push({
      name: NGINX,
      start: async () => {
        const nginx = await startNginx(nginxRoot, true);
        return { url: `http://127.0.0.1:${nginx.port}/${HELLO.name}`, stop: nginx.stop };
      },
    });
  } else process.stdout.write('\ndefaults http: nginx is not installed; no nginx row\n');
  const samples = await sampleInTurn(sides, ROUNDS, async (server) => {
    await wrk(server.url, WARMUP_SECONDS, 1); // warm-up: JIT tiers, page cache
    return wrk(server.url, SECONDS, 1);
  });
  // No samples (no such side): the median of nothing is NaN, shown as '-'.
  const rate = (name: string): number => median(samples.get(name) ?? []);
  const vs = (name: string, reference: string): number =>
    pairedRatio(samples.get(name) ?? [], samples.get(reference) ?? []);
  const vsNginx = vs(DEFAULT, NGINX);
  const vsQuiet = vs(DEFAULT, QUIET);
  printTable(
    `defaults: HTTP hello (/${HELLO.name}, ${HELLO.body.length} B), wrk -t1 -c50 keep-alive, median of ${ROUNDS} runs of ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up; ratios: median of each round's`,
    ['server', 'req/s', 'vs nginx', 'vs quiet', 'target', 'meets'],
    sides.map(({ name }) => [
      name,
      formatRate(rate(name)),
      ratioText(vs(name, NGINX)),
      ratioText(vs(name, QUIET)),
      name === DEFAULT ? `${targetText(VS_NGINX)}, ${targetText(VS_QUIET)}` : '',
      name === DEFAULT ? `${meetsText(vsNginx, VS_NGINX)}, ${meetsText(vsQuiet, VS_QUIET)}` : '',
    ]),
  );
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    requestsPerSecond: Object.fromEntries(sides.map(({ name }) => [name, rate(name)])),
    defaultVsNginx: checked(vsNginx, VS_NGINX),
    defaultVsQuiet: checked(vsQuiet, VS_QUIET),
  };
}
