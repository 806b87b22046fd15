/**
 * Shared pieces of the benchmarks: start a server process and learn its port, run a load
 * process and parse its JSON line, run polyport with its accelerators on and off, take medians,
 * print tables. Everything listens on loopback and stops by itself.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { baselineTree } from './baseline.js';
import { serverNode } from './server-node.js';

/** A server running in its own process. */
export interface ServerProcess {
  readonly port: number;
  /** The server's process id (for CPU and memory readings from /proc). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** The command that runs a TypeScript file with this Node and tsx (load generators). */
export function tsCommand(file: string, ...args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', file, ...args]];
}

/**
 * The command that runs a TypeScript server file with tsx on the servers' Node (`--node`, see
 * server-node.ts): polyport's servers and the node:net and node:http references alike. tsx
 * compiles only the server file: polyport's servers import polyport from `dist/`, the compiled
 * package users run (tsx compiles with `keepNames`, which names every closure as it is created,
 * at a cost in time and a property array per closure that users never pay).
 * @example startServer(...serverCommand(join(here, 'net-server.ts')));
 */
export function serverCommand(file: string, ...args: string[]): [string, string[]] {
  return [serverNode().path, ['--import', 'tsx', file, ...args]];
}

/**
 * The environment that turns every polyport accelerator off: each one's public switch (slab
 * reads of accepted TCP connections, batched datagrams of the native addon).
 */
export const ACCELERATORS_OFF: Readonly<Record<string, string>> = {
  POLYPORT_PUBLIC_READS: '1',
  POLYPORT_PUBLIC_DATAGRAMS: '1',
};

/** One way of running polyport's server: its row name, its environment and its tree. */
export interface Variant {
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Maps a server file of this checkout to the one this variant runs: the same file, or its
   * twin in the `--baseline` worktree.
   */
  readonly file: (path: string) => string;
}

/**
 * The row name of `name` run with its accelerators off.
 * @example offName('polyport'); // 'polyport, accelerators off'
 */
export function offName(name: string): string {
  return `${name}, accelerators off`;
}

/**
 * polyport every way it is compared, to run side by side: with its accelerators on (none of the
 * switches set, whatever this process's environment says), off ({@link ACCELERATORS_OFF}), and,
 * with `--baseline REF`, as it was at REF (accelerators on).
 * @param name the row name of the accelerated server.
 * @returns [on, off] or [on, off, before].
 * @example servers.push(...acceleratorVariants('polyport').map((v) => ({ ...v, start: … })));
 */
export function acceleratorVariants(name: string): Variant[] {
  const on: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(ACCELERATORS_OFF)) delete on[key];
  const here = (path: string): string => path;
  const variants: Variant[] = [
    { name, env: on, file: here },
    { name: offName(name), env: { ...process.env, ...ACCELERATORS_OFF }, file: here },
  ];
  const before = baselineTree();
  if (before !== undefined) {
    variants.push({ name: `${name}, ${before.label}`, env: on, file: before.file });
  }
  return variants;
}

/**
 * The "on/off" cell of a row: for a server run both ways, its value over its accelerators-off
 * twin's; empty for every other row.
 * @param name the row.
 * @param names every row of the table.
 * @param value a row's value (a median).
 */
export function onOffCell(
  name: string,
  names: readonly string[],
  value: (name: string) => number,
): string {
  return names.includes(offName(name)) ? ratio(value(name), value(offName(name))) : '';
}

/**
 * A ratio for a table cell, or '-' when there is nothing to compare with.
 * @example ratio(3, 2); // '1.50'
 */
export function ratio(value: number, reference: number): string {
  return reference > 0 && Number.isFinite(value) ? (value / reference).toFixed(2) : '-';
}

/** A ratio already taken (as {@link pairedRatio}'s), for a table: `0.95`, or `-` when none. */
export function ratioText(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '-';
}

/**
 * The servers in the order they take their turn in a round: reversed every other round, so none
 * always goes first (or always right after the same other one).
 */
export function inTurn<T>(servers: readonly T[], round: number): readonly T[] {
  return round % 2 === 0 ? servers : [...servers].reverse();
}

/** One contender of a side-by-side measurement: how to start it and stop it again. */
export interface Contender<Server> {
  readonly name: string;
  readonly start: () => Promise<Server & { stop: () => Promise<void> }>;
}

/**
 * Measures every contender once per round, in turn (the order flips each round), each on a
 * fresh start, and gathers the samples by name.
 * @param contenders what to compare.
 * @param rounds how many rounds.
 * @param measure one sample of a started contender.
 * @returns the samples per contender's name, in round order.
 * @example const rates = await sampleInTurn(sides, 3, (server) => wrk(server.url, 3, 1));
 */
export async function sampleInTurn<Server, Sample>(
  contenders: readonly Contender<Server>[],
  rounds: number,
  measure: (server: Server) => Promise<Sample>,
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < rounds; round++) {
    for (const contender of inTurn(contenders, round)) {
      const server = await contender.start();
      try {
        const sample = await measure(server);
        samples.set(contender.name, [...(samples.get(contender.name) ?? []), sample]);
      } finally {
        await server.stop();
      }
    }
  }
  return samples;
}

/** Whether a command exists on PATH. */
export function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a server that prints its port on its first stdout line and exits when its stdin closes.
 * @param env its environment (default: this process's).
 * @throws {Error} when it exits or prints nothing within 20 s.
 */
export function startServer(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${command} ${args.join(' ')} printed no port within 20 s`));
    }, 20_000);
    child.once('exit', (code) =>
      reject(new Error(`${command} exited with ${code} before printing its port`)),
    );
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve({ port: Number(line.trim()), pid: child.pid ?? 0, stop: () => stopChild(child) });
    });
  });
}

/**
 * Stops a child process: closes its stdin, sends SIGTERM, and SIGKILL if it is still there 3 s
 * later. Resolves when it has exited.
 * @example await stopChild(spawn('dnsmasq', args));
 */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}

/**
 * A free loopback TCP port, asked of the kernel and released at once for a reference server to
 * take (a small race, acceptable in a benchmark).
 * @example const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

/** Runs a process to completion and parses the JSON on the last line of its stdout. */
export function runJson<T>(command: string, args: readonly string[]): Promise<T> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(last) as T);
      } catch (err) {
        reject(
          new Error(`${command} ${args.join(' ')} failed (${String(err)}): ${out.slice(-500)}`),
        );
      }
    });
  });
}

/**
 * The median of the rounds' own ratios, `values[i] / references[i]`: the sides of a round run
 * back to back (see {@link sampleInTurn}), so a machine that slows down or speeds up between
 * rounds moves both sides of each ratio, where the ratio of two medians can take its sides from
 * different rounds. NaN when there is no round with both.
 * @example pairedRatio([90, 50], [100, 50]); // 0.95
 */
export function pairedRatio(values: readonly number[], references: readonly number[]): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(values.length, references.length); i++) {
    if (references[i]! > 0) ratios.push(values[i]! / references[i]!);
  }
  return ratios.length === 0 ? Number.NaN : median(ratios);
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints rows as an aligned text table, titled with the Node version the servers run on. */
export function printTable(
  title: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(
    `\n${title}\nNode servers on ${serverNode().version}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`,
  );
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

/** Formats a rate: 12345.6 → '12,346'. */
export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
