/**
 * Idle memory per connection as users get it: server RSS per idle TCP connection, 9,000 of them,
 * for polyport's asyncore echo (bench/echo/dispatch-server.ts, accelerators as this Node has them
 * by default), bare node:net and Python asyncio, measured by `measureIdleMemory` of
 * bench/echo/idle-memory.ts. Target: polyport <= 1.0x node:net, idle: read 15 s after
 * the last connect, once V8 has given back the young generation the burst of connects grew (the
 * reading 2 s after is printed beside it).
 */
import { join } from 'node:path';
import { type IdleMemory, measureIdleMemory } from '../echo/idle-memory.js';
import {
  ACCELERATORS_OFF,
  have,
  inTurn,
  median,
  pairedRatio,
  printTable,
  ratioText,
  serverCommand,
} from '../lib/harness.js';
import { checked, meetsText, type Target, targetText } from '../lib/targets.js';

const echoDir = join(import.meta.dirname, '../echo');
const CONNECTIONS = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 9000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const POLYPORT = 'polyport asyncore echo';
const NET = 'node:net';
const ASYNCIO = 'python asyncio';

const VS_NET: Target = { atMost: 1.0, unit: 'x node:net' };

/**
 * Runs the idle-memory part of the defaults section.
 * @returns bytes per connection by server, and whether polyport meets its target.
 */
export async function runIdleMemoryPart(): Promise<unknown> {
  // polyport with its accelerators as users get them: none switched off.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(ACCELERATORS_OFF)) delete env[key];
  const servers: { name: string; command: [string, string[]]; env?: NodeJS.ProcessEnv }[] = [
    { name: POLYPORT, command: serverCommand(join(echoDir, 'dispatch-server.ts')), env },
    { name: NET, command: serverCommand(join(echoDir, 'net-server.ts')) },
  ];
  if (have('python3')) {
    servers.push({ name: ASYNCIO, command: ['python3', [join(echoDir, 'asyncio_server.py')]] });
  } else process.stdout.write('\ndefaults idle memory: python3 is not installed; no asyncio row\n');
  // A round measures every server once, in turn (one fresh server each), so the rounds' own
  // ratios compare servers measured minutes apart rather than a quarter of an hour.
  const rounds = new Map<string, IdleMemory[]>(servers.map(({ name }) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, command, env: serverEnv } of inTurn(servers, round)) {
      const [cmd, args] = command;
      rounds.get(name)!.push(
        await measureIdleMemory({
          command: cmd,
          args,
          env: serverEnv,
          connections: CONNECTIONS,
          rounds: 1,
        }),
      );
    }
  }
  const of = (name: string, reading: keyof IdleMemory): number[] =>
    (rounds.get(name) ?? []).map((r) => r[reading]);
  const idle = (name: string): number => median(of(name, 'idle'));
  const soon = (name: string): number => median(of(name, 'soon'));
  const vs = (name: string, reference: string, reading: keyof IdleMemory): number =>
    pairedRatio(of(name, reading), of(reference, reading));
  const bytesText = (n: number): string =>
    Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
  const vsNet = vs(POLYPORT, NET, 'idle');
  printTable(
    `defaults: idle memory, server RSS per idle TCP connection, ${CONNECTIONS.toLocaleString('en-US')} connections, median of ${ROUNDS} rounds (servers in turn; ratios: median of each round's); idle = 15 s after the last connect (the target's), soon = 2 s after`,
    [
      'server',
      'idle bytes/conn',
      'vs node:net',
      'vs asyncio',
      'target',
      'meets',
      'soon bytes/conn',
      'vs node:net',
    ],
    servers.map(({ name }) => [
      name,
      bytesText(idle(name)),
      ratioText(vs(name, NET, 'idle')),
      ratioText(vs(name, ASYNCIO, 'idle')),
      name === POLYPORT ? targetText(VS_NET) : '',
      name === POLYPORT ? meetsText(vsNet, VS_NET) : '',
      bytesText(soon(name)),
      ratioText(vs(name, NET, 'soon')),
    ]),
  );
  return {
    connections: CONNECTIONS,
    rounds: ROUNDS,
    bytesPerConnection: Object.fromEntries(
      servers.map(({ name }) => [name, { idle: idle(name), soon: soon(name) }]),
    ),
    eachRound: Object.fromEntries(rounds),
    polyportVsNet: checked(vsNet, VS_NET),
    polyportVsNetSoon: vs(POLYPORT, NET, 'soon'),
  };
}
