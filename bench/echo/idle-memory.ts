/**
 * Idle memory per connection (issue: fast as users run it): how much server RSS each idle TCP
 * connection costs an echo server. {@link measureIdleMemory} measures one server and is what the
 * benchmarks call; run as a script it prints the table for polyport's asyncore echo (accelerators
 * on and off) beside bare node:net and Python asyncio:
 *
 *   node --import tsx bench/echo/idle-memory.ts [--node PATH|MAJOR] [--connections N] [--rounds N]
 *
 * The clients live in their own process (idle-clients.ts), so only the server's side of each
 * connection is counted. RSS rather than the V8 heap, because a connection also costs native
 * memory (libuv handles, stream wraps, buffers) that users pay for all the same. A Node server
 * collects its garbage before each reading (collect-on-signal.mjs, preloaded into every one
 * alike), so the young generation's leftovers do not count; Python frees its garbage as it goes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  acceleratorVariants,
  have,
  median,
  onOffCell,
  printTable,
  ratio,
  serverCommand,
  startServer,
  stopChild,
  tsCommand,
} from '../lib/harness.js';
import { useServerNode } from '../lib/server-node.js';

const here = import.meta.dirname;

/** The NODE_OPTIONS part that preloads collect-on-signal.mjs into a Node server. */
const COLLECT_ON_SIGNAL = `--import ${pathToFileURL(join(here, 'collect-on-signal.mjs')).href}`;

/** What {@link measureIdleMemory} measures: an echo server process and how hard to load it. */
export interface IdleMemoryOptions {
  /** The server's command: it prints its port on its first stdout line, exits when stdin closes. */
  readonly command: string;
  readonly args: readonly string[];
  /** The server's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Idle connections held open at once (default 9,000; mind `ulimit -n` on both sides). */
  readonly connections?: number;
  /** Rounds, each on a fresh server; the result is their median (default 3). */
  readonly rounds?: number;
  /** Connections opened, pinged and closed before the first reading (default 300). */
  readonly warmup?: number;
  /** Milliseconds left to the server after each step before its RSS is read (default 1,000). */
  readonly settleMs?: number;
  /**
   * Milliseconds between the first reading and the second, idle one (default 12,000): some
   * seconds after allocation stops, V8's memory reducer gives back the young generation a burst
   * of connects grew, which RSS still holds at the first reading.
   */
  readonly idleMs?: number;
}

/**
 * Server memory per idle connection, read twice in each round: soon after the connections were
 * served, and once the server has sat idle for a while.
 */
export interface IdleMemory {
  /**
   * Bytes per connection `settleMs` after the collection: what the burst of 9,000 connects
   * left, V8's young generation still grown to what they allocated.
   */
  readonly soon: number;
  /**
   * Bytes per connection `idleMs` later, after another collection, once V8's memory reducer has
   * run: what idle connections hold. The figure the target is about.
   */
  readonly idle: number;
}

/**
 * Measures the server memory an idle TCP connection costs: starts the server, warms it up
 * (`warmup` connections opened, pinged with 1 byte and closed), lets it settle and reads its RSS;
 * then opens `connections` connections from another process, each pinged once (so the server has
 * accepted and served every one) and left idle, lets it settle and reads its RSS again. A Node
 * server collects its garbage before each reading (NODE_OPTIONS gains a preload that does it on
 * SIGUSR2; a server that does not catch SIGUSR2 is not sent it). Each step is read twice: soon
 * after the collection, and after `idleMs` (see {@link IdleMemory}).
 * @returns bytes per connection, (after − before) / connections, for both readings: the medians
 *   of `rounds` rounds, each on a fresh server.
 * @throws {Error} when the server does not start or the clients fail.
 * @example
 * const [command, args] = serverCommand(join(here, 'net-server.ts'));
 * const bytes = await measureIdleMemory({ command, args, connections: 9000 });
 */
export async function measureIdleMemory(options: IdleMemoryOptions): Promise<IdleMemory> {
  const { connections = 9000, rounds = 3 } = options;
  const samples: IdleMemory[] = [];
  for (let round = 0; round < rounds; round++) {
    samples.push(await measureOnce(options, connections));
  }
  return {
    soon: median(samples.map((s) => s.soon)),
    idle: median(samples.map((s) => s.idle)),
  };
}

/** One round of {@link measureIdleMemory} on a fresh server: bytes per connection. */
async function measureOnce(options: IdleMemoryOptions, connections: number): Promise<IdleMemory> {
  const { warmup = 300, settleMs = 1000, idleMs = 12_000 } = options;
  const env = { ...(options.env ?? process.env) };
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${COLLECT_ON_SIGNAL}`.trim();
  const server = await startServer(options.command, options.args, env);
  try {
    if (warmup > 0) await runClients(server.port, warmup, 'warmup');
    const before = await settledRss(server.pid, settleMs, idleMs);
    const clients = await runClients(server.port, connections, 'hold');
    try {
      const after = await settledRss(server.pid, settleMs, idleMs);
      return {
        soon: (after.soon - before.soon) / connections,
        idle: (after.idle - before.idle) / connections,
      };
    } finally {
      await stopChild(clients);
    }
  } finally {
    await server.stop();
  }
}

/**
 * Runs idle-clients.ts: in `warmup` mode until it exits, in `hold` mode until it says every
 * connection is open and served (the caller then stops it to close them).
 */
function runClients(port: number, count: number, mode: 'warmup' | 'hold'): Promise<ChildProcess> {
  const [command, args] = tsCommand(
    join(here, 'idle-clients.ts'),
    String(port),
    String(count),
    mode,
  );
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`idle clients (${count}, ${mode}) ${why}`));
    };
    const timer = setTimeout(() => fail('took over 120 s'), 120_000);
    child.once('exit', (code) => {
      if (mode === 'warmup' && code === 0) {
        clearTimeout(timer);
        resolve(child);
      } else fail(`exited with ${code}`);
    });
    if (mode === 'hold') {
      createInterface({ input: child.stdout! }).once('line', () => {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(child);
      });
    }
  });
}

/**
 * A server's RSS once it has settled, read twice: after `settleMs`, and when it catches SIGUSR2
 * (a Node server with collect-on-signal.mjs), after a garbage collection and `settleMs` more
 * (`soon`); then after `idleMs` more, another collection and `settleMs` (`idle`).
 */
async function settledRss(
  pid: number,
  settleMs: number,
  idleMs: number,
): Promise<{ soon: number; idle: number }> {
  const collect = catchesSigusr2(pid) ? () => process.kill(pid, 'SIGUSR2') : () => {};
  await sleep(settleMs);
  collect();
  await sleep(settleMs);
  const soon = rss(pid);
  await sleep(idleMs);
  collect();
  await sleep(settleMs);
  return { soon, idle: rss(pid) };
}

/** A process's resident set size in bytes (Linux). */
function rss(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(procStatus(pid))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** Whether a process has a handler for SIGUSR2 (signal 12: bit 11 of SigCgt), from /proc. */
function catchesSigusr2(pid: number): boolean {
  const mask = /^SigCgt:\s+([0-9a-f]+)$/m.exec(procStatus(pid))?.[1];
  return mask !== undefined && (BigInt(`0x${mask}`) & (1n << 11n)) !== 0n;
}

/** A process's /proc status text (Linux). */
function procStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}

/** One row of the table: a server and how to start it. */
interface IdleServer {
  readonly name: string;
  readonly command: [string, string[]];
  readonly env?: NodeJS.ProcessEnv;
}

const NET = 'node:net';
const ASYNCIO = 'python asyncio';

/** The servers of the table: node:net, polyport's asyncore echo on and off, asyncio. */
function idleServers(): IdleServer[] {
  const servers: IdleServer[] = [
    { name: NET, command: serverCommand(join(here, 'net-server.ts')) },
    ...acceleratorVariants('polyport Dispatcher').map(({ name, env, file }) => ({
      name,
      env,
      command: serverCommand(file(join(here, 'dispatch-server.ts'))),
    })),
  ];
  if (have('python3')) {
    servers.push({ name: ASYNCIO, command: ['python3', [join(here, 'asyncio_server.py')]] });
  }
  return servers;
}

/**
 * Measures every server of {@link idleServers} and prints the table: idle (the figure the
 * target is about), then soon after the connects (see {@link IdleMemory}).
 * @returns both readings by server name.
 */
export async function runIdleMemoryBenchmark(
  connections = 9000,
  rounds = 3,
): Promise<Record<string, IdleMemory>> {
  const servers = idleServers();
  const bytes = new Map<string, IdleMemory>();
  for (const { name, command, env } of servers) {
    const [cmd, args] = command;
    bytes.set(name, await measureIdleMemory({ command: cmd, args, env, connections, rounds }));
  }
  const names = servers.map((s) => s.name);
  const idle = (name: string): number => bytes.get(name)?.idle ?? 0;
  const soon = (name: string): number => bytes.get(name)?.soon ?? 0;
  printTable(
    `idle memory: server RSS per idle TCP connection, ${connections} connections (median of ${rounds} rounds); idle = 15 s after the last connect, soon = 2 s after`,
    ['server', 'idle bytes/conn', 'vs net', 'vs asyncio', 'on/off', 'soon bytes/conn', 'vs net'],
    names.map((n) => [
      n,
      Math.round(idle(n)).toLocaleString('en-US'),
      ratio(idle(n), idle(NET)),
      ratio(idle(n), idle(ASYNCIO)),
      onOffCell(n, names, idle),
      Math.round(soon(n)).toLocaleString('en-US'),
      ratio(soon(n), soon(NET)),
    ]),
  );
  return Object.fromEntries(bytes);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      node: { type: 'string' },
      connections: { type: 'string', default: '9000' },
      rounds: { type: 'string', default: '3' },
    },
  });
  if (values.node !== undefined) useServerNode(values.node);
  await runIdleMemoryBenchmark(Number(values.connections), Number(values.rounds));
}
