/**
 * CLI start-up as users feel it: wall time from spawn to exit of `polyport --version` and of
 * client commands' `--help` (each loads its command), beside bare `node -e 0` on the same Node
 * (the servers' Node, so `--node 24` measures Node 24). Spawns take turns, after a warm-up of
 * each (page cache, compile cache); the median of the spawns. Target (issue 18): <= 100 ms.
 */
import { spawnSync } from 'node:child_process';
import { median, printTable } from '../lib/harness.js';
import { serverNode } from '../lib/server-node.js';
import { checked, meetsText, type Target, targetText } from '../lib/targets.js';
import { POLYPORT_BIN, serveEnv } from './polyport-serve.js';

const SPAWNS = Number(process.env.BENCH_CLI_SPAWNS ?? 11);

const BASELINE = 'node -e 0';

/** The commands timed: the baseline, and polyport's as a user types them. */
const COMMANDS: readonly { name: string; args: readonly string[] }[] = [
  { name: BASELINE, args: ['-e', '0'] },
  { name: 'polyport --version', args: [POLYPORT_BIN, '--version'] },
  { name: 'polyport dig --help', args: [POLYPORT_BIN, 'dig', '--help'] },
  { name: 'polyport http --help', args: [POLYPORT_BIN, 'http', '--help'] },
];

const TARGET: Target = { atMost: 100, unit: ' ms' };

/**
 * Spawns one command, waits for it to exit and returns the wall time in milliseconds.
 * @throws {Error} when it fails or takes over 30 s.
 */
function timeSpawn(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(serverNode().path, args, {
    env: serveEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) {
    throw new Error(
      `${args.join(' ')} exited with ${run.status ?? run.signal ?? run.error}: ${String(run.stderr).slice(-300)}`,
    );
  }
  return ms;
}

/**
 * Runs the CLI start-up part of the defaults section.
 * @returns the median milliseconds of each command and whether each polyport command meets
 *   the target.
 */
export function runCliStartup(): unknown {
  for (const { args } of COMMANDS) timeSpawn(args); // warm-up
  const samples = new Map<string, number[]>(COMMANDS.map(({ name }) => [name, []]));
  for (let i = 0; i < SPAWNS; i++) {
    for (const { name, args } of COMMANDS) samples.get(name)!.push(timeSpawn(args));
  }
  const ms = (name: string): number => median(samples.get(name)!);
  const polyport = COMMANDS.filter(({ name }) => name !== BASELINE);
  printTable(
    `defaults: CLI start-up, wall time from spawn to exit, median of ${SPAWNS} spawns after a warm-up`,
    ['command', 'ms', `over ${BASELINE}`, 'target', 'meets'],
    COMMANDS.map(({ name }) => [
      name,
      ms(name).toFixed(1),
      name === BASELINE ? '' : `+${(ms(name) - ms(BASELINE)).toFixed(1)}`,
      name === BASELINE ? '' : targetText(TARGET),
      name === BASELINE ? '' : meetsText(ms(name), TARGET),
    ]),
  );
  return {
    spawns: SPAWNS,
    baselineMs: ms(BASELINE),
    commands: Object.fromEntries(polyport.map(({ name }) => [name, checked(ms(name), TARGET)])),
  };
}
