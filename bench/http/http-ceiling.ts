/**
 * How close can a node:net server get? Runs wrk (keep-alive, 50 connections) against a bare
 * node:net server that answers every read with a fixed response (bare-server.ts), polyport's
 * HTTP server, node:http and nginx (one worker), all on `/hello` (and `/small.html` where a
 * server serves files), with wrk on 1 and on 2 threads, rounds alternating between servers.
 * Prints median requests/s and the server's CPU seconds per 100k requests (from /proc).
 * Usage: node --import tsx bench/http/http-ceiling.ts   (BENCH_ROUNDS, BENCH_SECONDS)
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatRate,
  have,
  median,
  printTable,
  serverCommand,
  startServer,
} from '../lib/harness.js';
import { PAGE, procCpu, type Running, startNginx, wrk } from './http-bench.js';

const here = import.meta.dirname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

/** A Node server file started by the harness (its pid is the server's), CPU read from /proc. */
async function nodeProcess(file: string, root: string): Promise<Running> {
  const server = await startServer(...serverCommand(join(here, file), root));
  return { ...server, cpu: () => Promise.resolve(procCpu(server.pid)) };
}

const targets: { name: string; start: (root: string) => Promise<Running>; files: boolean }[] = [
  { name: 'bare node:net', start: (r) => nodeProcess('bare-server.ts', r), files: false },
  { name: 'polyport', start: (r) => nodeProcess('polyport-server.ts', r), files: true },
  { name: 'node:http', start: (r) => nodeProcess('node-server.ts', r), files: true },
];
if (have('nginx')) targets.push({ name: 'nginx (1 worker)', start: startNginx, files: true });
const paths = ['/hello', '/small.html'];
const threadCounts = [1, 2];

const dir = mkdtempSync(join(tmpdir(), 'polyport-http-ceiling-'));
const root = join(dir, 'www');
mkdirSync(root);
writeFileSync(join(root, 'small.html'), PAGE);
chmodSync(dir, 0o755);
chmodSync(root, 0o755);
const rates = new Map<string, number[]>();
const cpus = new Map<string, number[]>();
const add = (map: Map<string, number[]>, key: string, value: number): void => {
  map.set(key, [...(map.get(key) ?? []), value]);
};
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const server = await target.start(root);
      try {
        for (const path of paths) {
          if (path !== '/hello' && !target.files) continue;
          const url = `http://127.0.0.1:${server.port}${path}`;
          await wrk(url, 1, 2);
          for (const threads of threadCounts) {
            const before = await server.cpu();
            const rate = await wrk(url, SECONDS, threads);
            const cpu = (await server.cpu()) - before;
            const key = `${target.name}|${path}|${threads}`;
            add(rates, key, rate);
            // CPU seconds per 100k requests: what a request costs the server, whatever wrk does.
            add(cpus, key, cpu / 1e6 / ((rate * SECONDS) / 1e5));
          }
        }
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const path of paths) {
  const rows: string[][] = [];
  for (const target of targets) {
    if (path !== '/hello' && !target.files) continue;
    const row = [target.name];
    for (const threads of threadCounts) {
      const key = `${target.name}|${path}|${threads}`;
      row.push(formatRate(median(rates.get(key) ?? [0])), median(cpus.get(key) ?? [0]).toFixed(3));
    }
    rows.push(row);
  }
  printTable(
    `http ceiling ${path}: wrk -c50 keep-alive, median of ${ROUNDS} runs of ${SECONDS} s`,
    ['server', 'wrk -t1 req/s', 'CPU s/100k', 'wrk -t2 req/s', 'CPU s/100k'],
    rows,
  );
}
