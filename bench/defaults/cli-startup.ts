/**
 * CLI start-up as users feel it: wall time from spawn to the first byte of output, and to exit, of
 * `polyport --version`, of each client command's `--help` (each loads its command but none of its
 * client), and of one real `polyport dig` query to `polyport serve` (the client, the socket layer
 * and a round trip over loopback), beside bare `node -e 0` on the same Node (the servers' Node, so
 * `--node 24` measures Node 24). Spawns take turns, after a warm-up of each (page cache, compile
 * cache); the median of the spawns. Target: <= 100 ms to first output, what a user waits for (the
 * exit comes some 5-8 ms later, Node's own teardown: `node -e "process.stdout.write('x')"` has
 * it too). On a Node with a module compile cache (>= 22.1), each
 * polyport command is also timed with `NODE_DISABLE_COMPILE_CACHE=1`, so the table shows what
 * the cache gains. Spawns run without the machine's own {@link MACHINE_ENV}; when one is set,
 * `node -e 0` is also timed with it, so the table shows what it costs.
 */
import { spawn } from 'node:child_process';
import { median, printTable } from '../lib/harness.js';
import { serverNode } from '../lib/server-node.js';
import { checked, meetsText, type Target, targetText } from '../lib/targets.js';
import { MACHINE_ENV, POLYPORT_BIN, serveEnv, startServe } from './polyport-serve.js';
import type { Scratch } from './scratch.js';

const SPAWNS = Number(process.env.BENCH_CLI_SPAWNS ?? 11);

const BASELINE = 'node -e 0';

/** A command timed: its name in the table, its arguments to node, extra environment. */
interface TimedCommand {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** polyport's commands as a user types them. */
const POLYPORT_COMMANDS: readonly TimedCommand[] = [
  { name: 'polyport --version', args: [POLYPORT_BIN, '--version'] },
  { name: 'polyport dig --help', args: [POLYPORT_BIN, 'dig', '--help'] },
  { name: 'polyport http --help', args: [POLYPORT_BIN, 'http', '--help'] },
  { name: 'polyport ftp --help', args: [POLYPORT_BIN, 'ftp', '--help'] },
  { name: 'polyport mail --help', args: [POLYPORT_BIN, 'mail', '--help'] },
  { name: 'polyport finger --help', args: [POLYPORT_BIN, 'finger', '--help'] },
  { name: 'polyport ident --help', args: [POLYPORT_BIN, 'ident', '--help'] },
  // A real query, to the serve this part starts: what loading the client and sockets costs.
  { name: 'polyport dig www.example.test', args: [POLYPORT_BIN, 'dig', 'www.example.test'] },
];

/** Whether the servers' Node has a module compile cache (`module.enableCompileCache`, 22.1+). */
function hasCompileCache(): boolean {
  const [major = 0, minor = 0] = serverNode().version.slice(1).split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 1);
}

/** The commands timed: the baseline, polyport's, and polyport's without the compile cache. */
function commands(): readonly TimedCommand[] {
  const uncached = hasCompileCache()
    ? POLYPORT_COMMANDS.map((c) => ({
        name: `${c.name} (no compile cache)`,
        args: c.args,
        env: { NODE_DISABLE_COMPILE_CACHE: '1' },
      }))
    : [];
  return [
    { name: BASELINE, args: ['-e', '0'] },
    ...machineBaselines(),
    ...POLYPORT_COMMANDS,
    ...uncached,
  ];
}

/** `node -e 0` with each {@link MACHINE_ENV} variable this machine sets, as its own spawns have it. */
function machineBaselines(): readonly TimedCommand[] {
  return MACHINE_ENV.filter((key) => process.env[key] !== undefined).map((key) => ({
    name: `${BASELINE} (with this machine's ${key})`,
    args: ['-e', '0'],
    env: { [key]: process.env[key] },
  }));
}

/** Whether a row is Node alone (no target), not a polyport command. */
function isBaseline(name: string): boolean {
  return name.startsWith(BASELINE);
}

const TARGET: Target = { atMost: 100, unit: ' ms' };

/** One spawn's wall times, in milliseconds: to its first byte on stdout (NaN if none), to exit. */
interface SpawnTimes {
  readonly firstOutput: number;
  readonly exit: number;
}

/**
 * Spawns one command and waits for it to exit, noting when its first byte of output arrives.
 * @throws {Error} when it fails or takes over 30 s.
 */
function timeSpawn(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<SpawnTimes> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const since = (): number => Number(process.hrtime.bigint() - start) / 1e6;
    let firstOutput = Number.NaN;
    let stderr = '';
    const child = spawn(serverNode().path, args, {
      env: { ...serveEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    child.stdout.on('data', () => {
      if (Number.isNaN(firstOutput)) firstOutput = since();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-300);
    });
    child.on('error', reject);
    // 'close', not 'exit': the pipes have been read to their end, as spawnSync would.
    child.on('close', (code, signal) => {
      const exit = since();
      if (code === 0) resolve({ firstOutput, exit });
      else reject(new Error(`${args.join(' ')} exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

/**
 * Runs the CLI start-up part of the defaults section, with `polyport serve` running in the
 * scratch folder for the dig query (the spawns are synchronous: serve is another process).
 * @returns the median milliseconds of each command and whether each polyport command meets
 *   the target.
 */
export async function runCliStartup(scratch: Scratch): Promise<unknown> {
  const COMMANDS = commands();
  const samples = new Map<string, SpawnTimes[]>(COMMANDS.map(({ name }) => [name, []]));
  const serve = await startServe(scratch.dir);
  try {
    for (const { args, env } of COMMANDS) await timeSpawn(args, env); // warm-up
    for (let i = 0; i < SPAWNS; i++) {
      for (const { name, args, env } of COMMANDS) {
        samples.get(name)!.push(await timeSpawn(args, env));
      }
    }
  } finally {
    await serve.stop();
  }
  const ms = (name: string, when: keyof SpawnTimes): number =>
    median(samples.get(name)!.map((times) => times[when]));
  const polyport = COMMANDS.filter(({ name }) => !isBaseline(name));
  printTable(
    `defaults: CLI start-up, wall time from spawn to the first byte of output and to exit, median of ${SPAWNS} spawns after a warm-up`,
    ['command', 'first output ms', 'exit ms', `exit over ${BASELINE}`, 'target', 'meets'],
    COMMANDS.map(({ name }) => [
      name,
      isBaseline(name) ? '' : ms(name, 'firstOutput').toFixed(1),
      ms(name, 'exit').toFixed(1),
      name === BASELINE ? '' : `+${(ms(name, 'exit') - ms(BASELINE, 'exit')).toFixed(1)}`,
      isBaseline(name) ? '' : `${targetText(TARGET)} to first output`,
      isBaseline(name) ? '' : meetsText(ms(name, 'firstOutput'), TARGET),
    ]),
  );
  return {
    spawns: SPAWNS,
    baselineMs: ms(BASELINE, 'exit'),
    machineBaselinesMs: Object.fromEntries(
      machineBaselines().map(({ name }) => [name, ms(name, 'exit')]),
    ),
    commands: Object.fromEntries(
      polyport.map(({ name }) => [
        name,
        { firstOutput: checked(ms(name, 'firstOutput'), TARGET), exitMs: ms(name, 'exit') },
      ]),
    ),
  };
}
