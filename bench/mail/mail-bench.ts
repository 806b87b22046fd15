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
  acceleratorVariants,
  formatRate,
  inTurn,
  median,
  offName,
  printTable,
  runJson,
  serverCommand,
  tsCommand,
  type Variant,
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

/** Starts mail-server.ts (of this checkout or the `--baseline` one) and reads its ports. */
async function startMailServer({
  env,
  file,
}: Variant): Promise<{ smtp: number; pop3: number; stop(): Promise<void> }> {
  const [command, args] = serverCommand(file(join(here, 'mail-server.ts')), String(CLIENTS));
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
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
  // Accelerators on only (mail is stream I/O the echo benchmark already measures both ways), and
  // the --baseline tree when there is one.
  const variants = acceleratorVariants('polyport').filter((v) => v.name !== offName('polyport'));
  const cases = variants.flatMap((variant) => sizes.map((size) => ({ variant, size })));
  const key = (variant: Variant, size: (typeof sizes)[number]): string =>
    `${variant.name}|${size.name}`;
  for (let round = 0; round < ROUNDS; round++) {
    for (const { variant, size } of inTurn(cases, round)) {
      const server = await startMailServer(variant);
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
        const k = key(variant, size);
        send.set(k, [...(send.get(k) ?? []), result.sent / result.sendSeconds]);
        retrieve.set(k, [...(retrieve.get(k) ?? []), result.retrieved / result.retrieveSeconds]);
      } finally {
        await server.stop();
      }
    }
  }
  const med = (m: Map<string, number[]>, name: string): number => median(m.get(name) ?? [0]);
  printTable(
    `mail: ${CLIENTS} concurrent clients, SMTP for ${SECONDS} s then POP3 RETR+DELE of everything (median of ${ROUNDS} runs)`,
    ['server', 'message size', 'SMTP delivered/s', 'POP3 retrieved/s', 'SMTP MiB/s', 'POP3 MiB/s'],
    cases.map(({ variant, size }) => {
      const k = key(variant, size);
      return [
        variant.name,
        size.name,
        formatRate(med(send, k)),
        formatRate(med(retrieve, k)),
        ((med(send, k) * size.bytes) / 2 ** 20).toFixed(1),
        ((med(retrieve, k) * size.bytes) / 2 ** 20).toFixed(1),
      ];
    }),
  );
  return {
    rounds: ROUNDS,
    seconds: SECONDS,
    clients: CLIENTS,
    cases: Object.fromEntries(
      cases.map(({ variant, size }) => {
        const k = key(variant, size);
        return [k, { deliveredPerSecond: med(send, k), retrievedPerSecond: med(retrieve, k) }];
      }),
    ),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await runMailBenchmark();
