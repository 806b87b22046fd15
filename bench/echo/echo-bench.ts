/**
 * The echo benchmark (issue: dispatcher): an echo server on polyport's `Dispatcher` (with its
 * accelerators on and off), one on bare `node:net`, and one on Python's asyncio when python3 is
 * present, each driven by the same load generator in its own process: 64-byte ping-pong over 50
 * connections and 64 KiB streaming over 10 connections. Rounds alternate between servers; the
 * table shows medians, the ratios to node:net and asyncio, and polyport's on/off ratio.
 */
import { join } from 'node:path';
import {
  acceleratorVariants,
  formatRate,
  have,
  inTurn,
  median,
  offName,
  onOffCell,
  printTable,
  ratio,
  runJson,
  serverCommand,
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

const POLYPORT = 'polyport Dispatcher';
const ASYNCIO = 'python asyncio';

interface EchoServer {
  readonly name: string;
  /** Asked when the server starts, so it runs on the Node chosen by then. */
  readonly command: () => [string, string[]];
  readonly env?: NodeJS.ProcessEnv;
}

/** The servers compared, made when the benchmark starts (after `--baseline` is known). */
function echoServers(): EchoServer[] {
  const servers: EchoServer[] = [
    ...acceleratorVariants(POLYPORT).map(({ name, env, file }) => ({
      name,
      env,
      command: () => serverCommand(file(join(here, 'dispatch-server.ts'))),
    })),
    { name: 'node:net', command: () => serverCommand(join(here, 'net-server.ts')) },
  ];
  if (have('python3')) {
    servers.push({
      name: ASYNCIO,
      command: () => ['python3', [join(here, 'asyncio_server.py')]],
    });
  }
  return servers;
}

const modes = [
  { name: 'pingpong', connections: 50 },
  { name: 'stream', connections: 10 },
] as const;

/** Runs the echo benchmark and returns its medians and ratios. */
export async function runEchoBenchmark(): Promise<unknown> {
  const servers = echoServers();
  const samples = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of inTurn(servers, round)) {
      const [command, args] = server.command();
      const proc = await startServer(command, args, server.env);
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
  const names = servers.map((s) => s.name);
  const asyncio = (mode: string): number => (names.includes(ASYNCIO) ? med(ASYNCIO, mode) : 0);
  const cells = (name: string, mode: string, format: (v: number) => string): string[] => [
    format(med(name, mode)),
    ratio(med(name, mode), med('node:net', mode)),
    ratio(med(name, mode), asyncio(mode)),
    onOffCell(name, names, (n) => med(n, mode)),
  ];
  printTable(
    `echo: 64 B ping-pong x50 connections, 64 KiB streaming x10 connections (median of ${ROUNDS} runs of ${SECONDS} s)`,
    [
      'server',
      'round trips/s',
      'vs net',
      'vs asyncio',
      'on/off',
      'stream MiB/s',
      'vs net',
      'vs asyncio',
      'on/off',
    ],
    names.map((n) => [
      n,
      ...cells(n, 'pingpong', formatRate),
      ...cells(n, 'stream', (v) => (v / 2 ** 20).toFixed(1)),
    ]),
  );
  const gain = (mode: string): number => med(POLYPORT, mode) / med(offName(POLYPORT), mode);
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    servers: Object.fromEntries(
      names.map((n) => [
        n,
        { pingpongPerSecond: med(n, 'pingpong'), streamBytesPerSecond: med(n, 'stream') },
      ]),
    ),
    ratios: Object.fromEntries(
      names.map((n) => [
        n,
        {
          pingpongVsNet: med(n, 'pingpong') / med('node:net', 'pingpong'),
          streamVsNet: med(n, 'stream') / med('node:net', 'stream'),
          ...(names.includes(ASYNCIO) && {
            pingpongVsAsyncio: med(n, 'pingpong') / asyncio('pingpong'),
            streamVsAsyncio: med(n, 'stream') / asyncio('stream'),
          }),
        },
      ]),
    ),
    acceleratorsOnOff: { pingpong: gain('pingpong'), stream: gain('stream') },
  };
}
