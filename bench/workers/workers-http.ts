/**
 * HTTP hello with two workers: wrk fetching the defaults section's 13-byte file from
 * `polyport serve --workers 2`, `--workers 1` and nginx with `worker_processes 2`, in turn,
 * median of the rounds. Every server logs as it does out of the box: serve its default request
 * lines to its log file (as `npm start` runs it), nginx its default access log to a file.
 * nginx listens with `reuseport`, a socket per worker spread by the same 4-tuple hash as serve's
 * workers, so the two differ in the servers and not in how connections reach them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELLO } from '../defaults/http-hello.js';
import { DEFAULT_PORTS } from '../defaults/polyport-serve.js';
import { startNginx, wrk } from '../http/http-bench.js';
import { type Contender, have, sampleInTurn } from '../lib/harness.js';
import { printRateTable, rateResults } from './rate-table.js';
import { perCpu, type Scratches, serveSides, WARM_UP_SECONDS } from './serve-sides.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/**
 * 64 connections: the kernel hashes each one to a worker's socket once, at connect, so it takes
 * many for the split to come out near even (64 gives 32 ± 4 each); 50, as elsewhere, would do
 * nearly as well, but a multiple of the threads splits evenly between them.
 */
const CONNECTIONS = 64;
/**
 * Two wrk threads: one thread can use one core at most while two workers may use two, so it
 * would be the first to cap the two-worker rows (and on a busy machine, one thread among many
 * gets the smaller share of the cores).
 */
const THREADS = 2;

const NGINX = 'nginx (2 workers, reuseport, access log)';

/** A server to load, by the URL of the file, and its process (for its CPU time). */
type Side = Contender<{ url: string; pid: number }>;

/**
 * Runs the HTTP part of the workers section; skipped (null) without wrk.
 * @param dir a folder of the section's own, for nginx's root.
 * @returns the samples, their medians and the ratios.
 */
export async function runWorkersHttp(scratches: Scratches, dir: string): Promise<unknown> {
  if (!have('wrk')) {
    process.stdout.write('\nworkers http: wrk is not installed, skipped\n');
    return null;
  }
  for (const scratch of scratches.values()) {
    writeFileSync(join(scratch.dataDir, 'www', HELLO.name), HELLO.body);
  }
  const serveUrl = `http://127.0.0.1:${DEFAULT_PORTS.http}/${HELLO.name}`;
  const sides: Side[] = serveSides(scratches, () => ({ url: serveUrl }));
  if (have('nginx')) {
    const nginxRoot = join(dir, 'nginx-www');
    mkdirSync(nginxRoot, { mode: 0o755 });
    writeFileSync(join(nginxRoot, HELLO.name), HELLO.body);
    sides.push({
      name: NGINX,
      start: async () => {
        const nginx = await startNginx(nginxRoot, true, 2);
        const url = `http://127.0.0.1:${nginx.port}/${HELLO.name}`;
        return { url, pid: nginx.pid, stop: nginx.stop };
      },
    });
  } else process.stdout.write('\nworkers http: nginx is not installed; no nginx row\n');
  const samples = await sampleInTurn(sides, ROUNDS, async (server) => {
    await wrk(server.url, WARM_UP_SECONDS, THREADS, CONNECTIONS);
    return perCpu(server.pid, SECONDS, () => wrk(server.url, SECONDS, THREADS, CONNECTIONS));
  });
  const names = sides.map(({ name }) => name);
  printRateTable(
    `workers: HTTP hello (/${HELLO.name}, ${HELLO.body.length} B), wrk -t${THREADS} -c${CONNECTIONS} keep-alive, default logging, median of ${ROUNDS} runs of ${SECONDS} s`,
    'req',
    names,
    samples,
    { name: NGINX, short: 'nginx 2' },
  );
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    threads: THREADS,
    connections: CONNECTIONS,
    ...rateResults(names, samples, NGINX),
  };
}
