/**
 * The mail benchmark (issue 7): messages per second delivered by polyport's SMTP receiver into
 * Maildirs and retrieved by its POP3 server, for 1 KiB and 1 MiB messages with 20 concurrent
 * clients. The server runs in its own process, the load (polyport's own SmtpClient and
 * Pop3Client) in another. Every delivery is fsynced, so the disk sets much of the pace: the
 * numbers compare runs on one machine, not machines. No other SMTP/POP3 server is run beside
 * it yet (Dovecot could be one for POP3).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  formatRate,
  median,
  printTable,
  runJson,
  serverCommand,
  tsCommand,
} from '../lib/harness.js';

interface LoadResult {
  sent: number;
  sendSeconds: number;
  retrieved: number;
  retrieveSeconds: number;
  bytes: number;
}

const here = import.meta.dirname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CLIENTS = 20;
const sizes = [
  { name: '1 KiB', bytes: 1024 },
  { name: '1 MiB', bytes: 1024 * 1024 },
] as const;

/** Starts mail-server.ts and reads its ports. */
async function startMailServer(): Promise<{ smtp: number; pop3: number; stop(): Promise<void> }> {
  const [command, args] = serverCommand(join(here, 'mail-server.ts'), String(CLIENTS));
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`mail-server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const ports = JSON.parse(line) as { smtp: number; pop3: number };
  return {
    ...ports,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
      }),
  };
}

/** Runs the mail benchmark and returns its medians. */
export async function runMailBenchmark(): Promise<unknown> {
  const send = new Map<string, number[]>();
  const retrieve = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of sizes) {
      const server = await startMailServer();
      try {
        const [cmd, args] = tsCommand(
          join(here, 'mail-load.ts'),
          String(server.smtp),
          String(server.pop3),
          String(size.bytes),
          String(CLIENTS),
          String(SECONDS),
        );
        const result = await runJson<LoadResult>(cmd, args);
        send.set(size.name, [...(send.get(size.name) ?? []), result.sent / result.sendSeconds]);
        retrieve.set(size.name, [
          ...(retrieve.get(size.name) ?? []),
          result.retrieved / result.retrieveSeconds,
        ]);
      } finally {
        await server.stop();
      }
    }
  }
  const med = (m: Map<string, number[]>, name: string): number => median(m.get(name) ?? [0]);
  printTable(
    `mail: ${CLIENTS} concurrent clients, SMTP for ${SECONDS} s then POP3 RETR+DELE of everything (median of ${ROUNDS} runs)`,
    ['message size', 'SMTP delivered/s', 'POP3 retrieved/s', 'SMTP MiB/s', 'POP3 MiB/s'],
    sizes.map((s) => [
      s.name,
      formatRate(med(send, s.name)),
      formatRate(med(retrieve, s.name)),
      ((med(send, s.name) * s.bytes) / 2 ** 20).toFixed(1),
      ((med(retrieve, s.name) * s.bytes) / 2 ** 20).toFixed(1),
    ]),
  );
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    clients: CLIENTS,
    sizes: Object.fromEntries(
      sizes.map((s) => [
        s.name,
        { deliveredPerSecond: med(send, s.name), retrievedPerSecond: med(retrieve, s.name) },
      ]),
    ),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await runMailBenchmark();
