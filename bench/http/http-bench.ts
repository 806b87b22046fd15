/**
 * The HTTP benchmark (issue 5): wrk, keep-alive, 50 connections, against polyport's HTTP server
 * (with its accelerators on and off), node:http doing the same, and nginx (one worker) — a
 * hello-world handler and the static handler serving a small file. Rounds alternate between
 * servers; the table shows medians, the ratios the issue sets targets for (>= 1.5x node:http,
 * >= 0.8x nginx) and polyport's on/off ratio.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
} from '../lib/harness.js';
import { connects } from '../lib/port-probe.js';

const here = import.meta.dirname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 50;
/** wrk's threads: leave the servers (one process, one thread each) a core of their own. */
const THREADS = Math.max(1, Math.min(4, availableParallelism() - 1));
/** A small page, as a static site's index would be. */
export const PAGE = `<!DOCTYPE html>\n<html><head><title>polyport</title></head><body>\n${'<p>The quick brown fox jumps over the lazy dog.</p>\n'.repeat(20)}</body></html>\n`;

/** A server under load, and how to read the CPU time it has used (microseconds). */
export interface Running extends ServerProcess {
  cpu(): Promise<number>;
}

interface Target {
  readonly name: string;
  readonly start: (root: string) => Promise<Running>;
}

/**
 * A Node server started by the harness that reports its CPU time at `/__cpu`.
 * @param path the server file's path (in this checkout or the `--baseline` worktree).
 */
async function nodeServer(path: string, root: string, env?: NodeJS.ProcessEnv): Promise<Running> {
  const server = await startServer(...serverCommand(path, root), env);
  return {
    ...server,
    cpu: async () => Number(await (await fetch(`http://127.0.0.1:${server.port}/__cpu`)).text()),
  };
}

/** The servers compared, made when the benchmark starts (after `--baseline` is known). */
function httpTargets(): Target[] {
  const targets: Target[] = [
    ...acceleratorVariants('polyport').map(({ name, env, file }) => ({
      name,
      start: (root: string) => nodeServer(file(join(here, 'polyport-server.ts')), root, env),
    })),
    { name: 'node:http', start: (root) => nodeServer(join(here, 'node-server.ts'), root) },
  ];
  if (have('nginx')) targets.push({ name: 'nginx (1 worker)', start: startNginx });
  return targets;
}

const modes = [
  { name: 'hello', path: '/hello' },
  { name: 'static', path: '/small.html' },
] as const;

/** Runs the HTTP benchmark and returns medians and ratios; skips (returns null) without wrk. */
export async function runHttpBenchmark(): Promise<unknown> {
  if (!have('wrk')) {
    process.stdout.write('\nhttp: wrk is not installed, skipped\n');
    return null;
  }
  const targets = httpTargets();
  const dir = mkdtempSync(join(tmpdir(), 'polyport-http-bench-'));
  const root = join(dir, 'www');
  mkdirSync(root);
  writeFileSync(join(root, 'small.html'), PAGE);
  // nginx's worker drops root privileges: it must be able to read the file.
  chmodSync(dir, 0o755);
  chmodSync(root, 0o755);
  const samples = new Map<string, number[]>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of inTurn(targets, round)) {
        const server = await target.start(root);
        try {
          for (const mode of modes) {
            const url = `http://127.0.0.1:${server.port}${mode.path}`;
            await wrk(url, 1); // warm-up: JIT, page cache, connection set-up
            const cpuBefore = await server.cpu();
            const rate = await wrk(url, SECONDS).catch((err: unknown) => {
              throw new Error(`${target.name}: ${(err as Error).message}`);
            });
            const cpu = (await server.cpu()) - cpuBefore;
            const key = `${target.name}|${mode.name}`;
            samples.set(key, [...(samples.get(key) ?? []), rate]);
            // Requests per CPU-second of the server: robust when other work shares the cores.
            const perCpu = cpu > 0 ? (rate * SECONDS) / (cpu / 1e6) : 0;
            samples.set(`${key}|cpu`, [...(samples.get(`${key}|cpu`) ?? []), perCpu]);
          }
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (target: string, mode: string): number =>
    median(samples.get(`${target}|${mode}`) ?? [0]);
  const nginxName = targets.find((t) => t.name.startsWith('nginx'))?.name;
  const names = targets.map((t) => t.name);
  const columns = (mode: string): string[] => [
    `${mode} req/s`,
    'vs node',
    'vs nginx',
    'on/off',
    `${mode} req/CPU-s`,
    'vs node',
    'vs nginx',
    'on/off',
  ];
  const cells = (name: string, mode: string): string[] =>
    [mode, `${mode}|cpu`].flatMap((what) => [
      formatRate(med(name, what)),
      ratio(med(name, what), med('node:http', what)),
      ratio(med(name, what), nginxName === undefined ? 0 : med(nginxName, what)),
      onOffCell(name, names, (n) => med(n, what)),
    ]);
  for (const mode of modes) {
    printTable(
      `http ${mode.name} (${mode.path}${mode.name === 'static' ? `, ${PAGE.length} B` : ''}): wrk -t${THREADS} -c${CONNECTIONS} keep-alive, median of ${ROUNDS} runs of ${SECONDS} s`,
      ['server', ...columns(mode.name)],
      names.map((n) => [n, ...cells(n, mode.name)]),
    );
  }
  const gain = (what: string): number => med('polyport', what) / med(offName('polyport'), what);
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    threads: THREADS,
    servers: Object.fromEntries(
      targets.map((t) => [
        t.name,
        Object.fromEntries(
          modes.flatMap((m) => [
            [`${m.name}PerSecond`, med(t.name, m.name)],
            [`${m.name}PerCpuSecond`, med(t.name, `${m.name}|cpu`)],
          ]),
        ),
      ]),
    ),
    acceleratorsOnOff: Object.fromEntries(
      modes.flatMap((m) => [
        [`${m.name}PerSecond`, gain(m.name)],
        [`${m.name}PerCpuSecond`, gain(`${m.name}|cpu`)],
      ]),
    ),
  };
}

/**
 * Runs wrk for `seconds` (with `threads` threads and `connections` keep-alive connections) and
 * returns requests per second.
 * @example const rate = await wrk('http://127.0.0.1:8080/hello', 3, 1, 64);
 */
export function wrk(
  url: string,
  seconds: number,
  threads = THREADS,
  connections = CONNECTIONS,
): Promise<number> {
  const child = spawn('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      const errors = /Socket errors: (.*)/.exec(out);
      if (code !== 0 || rate === null) reject(new Error(`wrk failed (${code}): ${out}`));
      else if (bad !== null) reject(new Error(`${url}: ${bad[1]} non-2xx responses`));
      else {
        if (errors !== null) process.stderr.write(`${url}: socket errors: ${errors[1]}\n`);
        resolve(Number(rate[1]));
      }
    });
  });
}

/** CPU microseconds used by a process and its children (nginx's master and worker). */
export function procCpu(pid: number): number {
  let total = 0;
  const visit = (id: number): void => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks of 10 ms on Linux.
      total += (Number(fields[11]) + Number(fields[12])) * 10_000;
      const children = readFileSync(`/proc/${id}/task/${id}/children`, 'utf8').trim();
      for (const child of children.split(/\s+/).filter(Boolean)) visit(Number(child));
    } catch {
      // gone, or not Linux
    }
  };
  visit(pid);
  return total;
}

/**
 * nginx with one worker (or `workers`) serving `root`, and `/hello` from a `return` directive.
 * @param accessLog write nginx's default access log (format `combined`) to a file in its
 *   directory, as a stock nginx does; off by default (the HTTP section compares servers
 *   without logs).
 * @param workers its `worker_processes`. With more than one, its listen has `reuseport`: a socket
 *   per worker, spread by the kernel's 4-tuple hash as `polyport serve --workers` is, rather
 *   than one socket the workers take turns to accept on.
 */
export async function startNginx(root: string, accessLog = false, workers = 1): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-nginx-bench-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log ${accessLog ? `${dir}/access.log` : 'off'};
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/html html; }
  server {
    listen 127.0.0.1:${port}${workers > 1 ? ' reuseport' : ''};
    root ${root};
    location = /hello { default_type text/plain; return 200 "Hello, World!\\n"; }
  }
}
`,
  );
  const child: ChildProcess = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    if (await connects(port)) break;
    if (i > 200) throw new Error('nginx did not start');
    await sleep(25);
  }
  return {
    port,
    pid: child.pid ?? 0,
    cpu: async () => procCpu(child.pid ?? 0),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await Promise.race([exited, sleep(3000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
