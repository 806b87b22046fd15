/**
 * The client tools against curl on a 200 MB file of random bytes: `polyport http -o`, `polyport
 * ftp get` and `polyport ftp put` beside `curl -o` and `curl -T`, all against one `polyport serve`
 * with no options, so only the client differs. Wall time from spawn to exit, the two tools in
 * turn; the ratio is the median of each round's own ratio. Every transfer's size is checked, and
 * its bytes once per tool. Target: <= 1.3x curl.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { have, inTurn, median, pairedRatio, printTable, ratioText } from '../lib/harness.js';
import { serverNode } from '../lib/server-node.js';
import { checked, meetsText, type Target, targetText } from '../lib/targets.js';
import { DEFAULT_PORTS, POLYPORT_BIN, serveEnv, startServe } from './polyport-serve.js';
import type { Scratch } from './scratch.js';

/**
 * Eleven rounds: a run is a few hundred milliseconds, of which Node's own start is a third, and
 * on this shared machine Node's start alone varies by 20 ms from one spawn to the next; with five
 * rounds the ratio of one transfer moved by 0.2 between runs a minute apart.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const MEGABYTES = Number(process.env.BENCH_CLIENT_MB ?? 200);

const TARGET: Target = { atMost: 1.3, unit: 'x curl' };

/** The sample user serve has with no config (loopback only); polyport's client uses it itself. */
export const CURL_USER = 'demo:demo';

/** One way to move the big file: the command each tool runs, and where the bytes land. */
interface Transfer {
  readonly name: string;
  /** polyport's arguments (after the Node binary) and curl's. */
  readonly polyport: readonly string[];
  readonly curl: readonly string[];
  /** The file the transfer writes, to check and then remove. */
  readonly result: string;
}

/**
 * Writes `megabytes` MB of random bytes to `path`.
 * @returns their SHA-256, hex.
 * @example const digest = writeRandomFile(join(dir, 'big.bin'), 200);
 */
export function writeRandomFile(path: string, megabytes: number): string {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < megabytes; i++) {
      randomFillSync(chunk);
      hash.update(chunk);
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The SHA-256 of a file, hex. */
function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Runs a client to completion and returns its wall time in milliseconds.
 * @throws {Error} when it fails or takes over 120 s.
 */
function timeRun(command: string, args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, {
    env: serveEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${run.status ?? run.signal ?? run.error}: ${String(run.stderr).slice(-300)}`,
    );
  }
  return ms;
}

/**
 * Runs the client-tools part of the defaults section; skipped (null) without curl.
 * @returns the median milliseconds of each tool per transfer, their ratio and whether it meets
 *   the target.
 */
export async function runClientTools(scratch: Scratch): Promise<unknown> {
  if (!have('curl')) {
    process.stdout.write('\ndefaults clients: curl is not installed, skipped\n');
    return null;
  }
  const source = join(scratch.dir, 'big.bin');
  const digest = writeRandomFile(source, MEGABYTES);
  const size = statSync(source).size;
  // Served over HTTP from www/ and over FTP from pub/; links, not copies, of the same bytes.
  linkSync(source, join(scratch.dataDir, 'www', 'big'));
  linkSync(source, join(scratch.dataDir, 'ftp', 'pub', 'big'));
  const download = join(scratch.dir, 'download.bin');
  const uploaded = join(scratch.dataDir, 'ftp', 'upload', 'big.bin');
  const ftp = `127.0.0.1:${DEFAULT_PORTS.ftp}`;
  const curl = ['-s', '--noproxy', '*'];
  const transfers: Transfer[] = [
    {
      name: `http GET ${MEGABYTES} MB`,
      polyport: ['http', `http://127.0.0.1:${DEFAULT_PORTS.http}/big`, '-o', download],
      curl: [...curl, '-o', download, `http://127.0.0.1:${DEFAULT_PORTS.http}/big`],
      result: download,
    },
    {
      name: `ftp get ${MEGABYTES} MB`,
      polyport: ['ftp', 'get', `ftp://${ftp}/pub/big`, download],
      curl: [...curl, '-o', download, `ftp://${CURL_USER}@${ftp}/pub/big`],
      result: download,
    },
    {
      // Both name the folder, so both store the local name: upload/big.bin.
      name: `ftp put ${MEGABYTES} MB`,
      polyport: ['ftp', 'put', source, `ftp://${ftp}/upload/`],
      curl: [...curl, '-T', source, `ftp://${CURL_USER}@${ftp}/upload/`],
      result: uploaded,
    },
  ];
  const tools = [
    {
      name: 'polyport',
      run: (t: Transfer) => timeRun(serverNode().path, [POLYPORT_BIN, ...t.polyport]),
    },
    { name: 'curl', run: (t: Transfer) => timeRun('curl', t.curl) },
  ] as const;
  const samples = new Map<string, number[]>();
  const serve = await startServe(scratch.dir);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const transfer of transfers) {
        for (const tool of inTurn(tools, round)) {
          const ms = tool.run(transfer);
          const got = statSync(transfer.result, { throwIfNoEntry: false })?.size;
          if (got !== size) {
            throw new Error(`${tool.name} ${transfer.name}: ${got ?? 'no'} bytes, not ${size}`);
          }
          if (round === 0 && sha256(transfer.result) !== digest) {
            throw new Error(`${tool.name} ${transfer.name}: the bytes differ from the source`);
          }
          rmSync(transfer.result);
          const key = `${transfer.name}|${tool.name}`;
          samples.set(key, [...(samples.get(key) ?? []), ms]);
        }
      }
    }
  } finally {
    await serve.stop();
  }
  const of = (transfer: string, tool: string): number[] => samples.get(`${transfer}|${tool}`) ?? [];
  const ms = (transfer: string, tool: string): number => median(of(transfer, tool));
  // Each round's two runs go back to back: the median of their ratios, as for the servers.
  const vsCurl = (transfer: string): number =>
    pairedRatio(of(transfer, 'polyport'), of(transfer, 'curl'));
  printTable(
    `defaults: client tools vs curl, ${MEGABYTES} MB of random bytes over loopback from/to polyport serve (default), wall time, median of ${ROUNDS} runs; the ratio is the median of each run's`,
    ['transfer', 'polyport ms', 'curl ms', 'vs curl', 'target', 'meets'],
    transfers.map(({ name }) => [
      name,
      ms(name, 'polyport').toFixed(0),
      ms(name, 'curl').toFixed(0),
      ratioText(vsCurl(name)),
      targetText(TARGET),
      meetsText(vsCurl(name), TARGET),
    ]),
  );
  return {
    rounds: ROUNDS,
    bytes: size,
    transfers: Object.fromEntries(
      transfers.map(({ name }) => [
        name,
        {
          polyportMs: ms(name, 'polyport'),
          curlMs: ms(name, 'curl'),
          polyportVsCurl: checked(vsCurl(name), TARGET),
        },
      ]),
    ),
  };
}
