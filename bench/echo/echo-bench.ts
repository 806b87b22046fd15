/**
 * The echo benchmark (issue: dispatcher): an echo server on polyport's `Dispatcher`, one on bare
 * `node:net`, and one on Python's asyncio when python3 is present, each driven by the same load
 * generator in its own process: 64-byte ping-pong over 50 connections and 64 KiB streaming over
 * 10 connections. Rounds alternate between servers; the table shows medians.
 */
import { join } from 'node:path';
import {
  formatRate,
  have,
  median,
  printTable,
  runJson,
  startServer,
  tsCommand,
} from '../lib/harness.js';

interface LoadResult {
  roundTrips: number;
  bytes: number;
  seconds: number;
}

const here = import.meta.dirname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const servers: Array<{ name: string; command: () => [string, string[]] }> = [
  { name: 'polyport Dispatcher', command: () => tsCommand(join(here, 'dispatch-server.ts')) },
  { name: 'node:net', command: () => tsCommand(join(here, 'net-server.ts')) },
];
if (have('python3')) {
  servers.push({
    name: 'python asyncio',
    command: () => ['python3', [join(here, 'asyncio_server.py')]],
  });
}

const modes = [
  { name: 'pingpong', connections: 50 },
  { name: 'stream', connections: 10 },
] as const;

/** Runs the echo benchmark and returns its medians and ratios. */
export async function runEchoBenchmark(): Promise<unknown> {
  const samples = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of servers) {
      const [command, args] = server.command();
      const proc = await startServer(command, args);
      try {
        for (const mode of modes) {
          const [loadCmd, loadArgs] = tsCommand(
            join(here, 'load.ts'),
            String(proc.port),
            mode.name,
            String(mode.connections),
            String(SECONDS),
            '0.5',
          );
          const result = await runJson<LoadResult>(loadCmd, loadArgs);
          const value =
            mode.name === 'pingpong'
              ? result.roundTrips / result.seconds
              : result.bytes / result.seconds;
          const key = `${server.name}|${mode.name}`;
          samples.set(key, [...(samples.get(key) ?? []), value]);
        }
      } finally {
        await proc.stop();
      }
    }
  }
  const med = (server: string, mode: string): number =>
    median(samples.get(`${server}|${mode}`) ?? [0]);
  const rows = servers.map((s) => {
    const pp = med(s.name, 'pingpong');
    const st = med(s.name, 'stream');
    return [
      s.name,
      formatRate(pp),
      (pp / med('node:net', 'pingpong')).toFixed(2),
      `${(st / 2 ** 20).toFixed(1)}`,
      (st / med('node:net', 'stream')).toFixed(2),
    ];
  });
  printTable(
    `echo: 64 B ping-pong x50 connections, 64 KiB streaming x10 connections (median of ${ROUNDS} runs of ${SECONDS} s)`,
    ['server', 'round trips/s', 'vs net', 'stream MiB/s', 'vs net'],
    rows,
  );
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    servers: Object.fromEntries(
      servers.map((s) => [
        s.name,
        { pingpongPerSecond: med(s.name, 'pingpong'), streamBytesPerSecond: med(s.name, 'stream') },
      ]),
    ),
    ratios: Object.fromEntries(
      servers.map((s) => [
        s.name,
        {
          pingpongVsNet: med(s.name, 'pingpong') / med('node:net', 'pingpong'),
          streamVsNet: med(s.name, 'stream') / med('node:net', 'stream'),
        },
      ]),
    ),
  };
}
