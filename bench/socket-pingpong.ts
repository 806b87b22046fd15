/**
 * Micro-benchmark: what `polyport/socket` costs over bare `node:net` on loopback.
 *
 * - ping-pong: an echo server and a client exchange 64-byte messages, one at a time, for a
 *   fixed count (`await sock.recv` / `await sock.sendall` on both polyport sides; `data` events
 *   and `write()` on the net sides);
 * - streaming: 64 MiB from one side to the other, both ways: `up` from the side that connected
 *   to the accepted side, `down` from the accepted side to the side that connected.
 *
 * Each case runs 5 times, alternating the two stacks, and prints the medians and the ratio
 * polyport/net (1.0 means no overhead). Not a test: run with
 * `node --import tsx bench/socket-pingpong.ts [roundTrips]`.
 */
import {
  type Socket as NetSocket,
  connect as netConnect,
  createServer as netServer,
} from 'node:net';
import { AF_INET, SOCK_STREAM, type Socket, socket } from '../dist/socket/index.js';

const ROUND_TRIPS = Number(process.argv[2] ?? 20_000);
const RUNS = 5;
const MESSAGE = 64;
const STREAM_BYTES = 64 * 1024 * 1024;
const STREAM_CHUNK = 64 * 1024;

/** A connected polyport pair: [client, server side]. */
async function polyportPair(): Promise<[Socket, Socket]> {
  const server = socket(AF_INET, SOCK_STREAM);
  await server.bind(['127.0.0.1', 0]);
  await server.listen();
  const client = socket(AF_INET, SOCK_STREAM);
  const [[conn]] = await Promise.all([server.accept(), client.connect(server.getsockname())]);
  server.close();
  return [client, conn];
}

/** A connected node:net pair: [client, server side]. */
async function netPair(): Promise<[NetSocket, NetSocket]> {
  const server = netServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const accepted = new Promise<NetSocket>((resolve) => server.once('connection', resolve));
  const client = netConnect(address.port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const conn = await accepted;
  server.close();
  return [client, conn];
}

async function polyportPingPong(count: number): Promise<number> {
  const [client, conn] = await polyportPair();
  const echo = (async () => {
    for (;;) {
      const data = await conn.recv(4096);
      if (data.length === 0) return;
      await conn.sendall(data);
    }
  })();
  const message = Buffer.alloc(MESSAGE, 0x61);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await client.sendall(message);
    let got = 0;
    while (got < MESSAGE) got += (await client.recv(MESSAGE - got)).length;
  }
  const elapsed = performance.now() - started;
  client.close();
  await echo;
  conn.close();
  return (count / elapsed) * 1000;
}

async function netPingPong(count: number): Promise<number> {
  const [client, conn] = await netPair();
  conn.on('data', (data: Buffer) => conn.write(data));
  const message = Buffer.alloc(MESSAGE, 0x61);
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let done = 0;
    let got = 0;
    client.on('data', (data: Buffer) => {
      got += data.length;
      if (got < MESSAGE) return;
      got -= MESSAGE;
      if (++done === count) resolve();
      else client.write(message);
    });
    client.write(message);
  });
  const elapsed = performance.now() - started;
  client.destroy();
  conn.destroy();
  return (count / elapsed) * 1000;
}

/** Streams 64 MiB: `down` from the accepted side to the side that connected, `up` the other way. */
async function polyportStream(direction: 'up' | 'down'): Promise<number> {
  const [connected, accepted] = await polyportPair();
  const [client, conn] = direction === 'up' ? [connected, accepted] : [accepted, connected];
  const chunk = Buffer.alloc(STREAM_CHUNK, 0x62);
  const started = performance.now();
  const reader = (async () => {
    let total = 0;
    for (;;) {
      const data = await conn.recv(256 * 1024);
      if (data.length === 0) return total;
      total += data.length;
    }
  })();
  for (let sent = 0; sent < STREAM_BYTES; sent += STREAM_CHUNK) await client.sendall(chunk);
  client.close();
  const total = await reader;
  const elapsed = performance.now() - started;
  conn.close();
  if (total !== STREAM_BYTES) throw new Error(`received ${total} bytes`);
  return STREAM_BYTES / 1048576 / (elapsed / 1000);
}

async function netStream(direction: 'up' | 'down'): Promise<number> {
  const [connected, accepted] = await netPair();
  const [client, conn] = direction === 'up' ? [connected, accepted] : [accepted, connected];
  const chunk = Buffer.alloc(STREAM_CHUNK, 0x62);
  const started = performance.now();
  const reader = new Promise<number>((resolve) => {
    let total = 0;
    conn.on('data', (data: Buffer) => {
      total += data.length;
    });
    conn.on('end', () => resolve(total));
  });
  for (let sent = 0; sent < STREAM_BYTES; sent += STREAM_CHUNK) {
    if (!client.write(chunk)) await new Promise((resolve) => client.once('drain', resolve));
  }
  client.end();
  const total = await reader;
  const elapsed = performance.now() - started;
  conn.destroy();
  if (total !== STREAM_BYTES) throw new Error(`received ${total} bytes`);
  return STREAM_BYTES / 1048576 / (elapsed / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function compare(
  name: string,
  unit: string,
  ours: () => Promise<number>,
  theirs: () => Promise<number>,
): Promise<void> {
  await ours();
  await theirs();
  const a: number[] = [];
  const b: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    a.push(await ours());
    b.push(await theirs());
  }
  const p = median(a);
  const n = median(b);
  console.log(
    `${name.padEnd(22)} polyport ${p.toFixed(0).padStart(8)} ${unit}   node:net ${n
      .toFixed(0)
      .padStart(8)} ${unit}   polyport/net ${(p / n).toFixed(2)}`,
  );
}

console.log(`node ${process.version}, ${RUNS} runs each, medians`);
await compare(
  `ping-pong ${MESSAGE} B x${ROUND_TRIPS}`,
  'rt/s',
  () => polyportPingPong(ROUND_TRIPS),
  () => netPingPong(ROUND_TRIPS),
);
// Reads on the side that connected go through polyport's shared 256 KiB read buffer; reads on
// an accepted side use Node's default (Node gives no way to set `onread` on accepted sockets).
await compare(
  'stream 64 MiB up',
  'MiB/s',
  () => polyportStream('up'),
  () => netStream('up'),
);
await compare(
  'stream 64 MiB down',
  'MiB/s',
  () => polyportStream('down'),
  () => netStream('down'),
);
