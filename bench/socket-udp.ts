/**
 * Micro-benchmark: what `polyport/socket` costs over bare `node:dgram` for a UDP echo server.
 *
 * The server runs in its own process (so the two cores are split between the load and the
 * server); the client, in this process, keeps `WINDOW` datagrams of `SIZE` bytes in flight and
 * counts echoes for `SECONDS`. Server kinds, alternated round by round:
 * - `dgram`: bare node:dgram, `send(msg, rinfo.port, rinfo.address)` from `'message'`;
 * - `nowait`: a polyport socket watched with `watch()`, drained with `recvfromNowait()` and
 *   answered with `sendtoNowait()` (the DatagramServer's shape);
 * - `owned`: the same, answering with `sendtoOwnedNowait()` (no copy of the reply);
 * - `await`: `await sock.recvfrom()` / `await sock.sendto()` in a loop (the Promise API).
 *
 * Prints medians of echoes per second and of the server's CPU time per echo, and each polyport
 * kind's ratio to bare dgram (throughput ratio: 1.0 means as fast; CPU ratio: 1.0 means as
 * cheap). Not a test: `node --import tsx bench/socket-udp.ts [rounds] [seconds]`.
 */
import { spawn } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { createInterface } from 'node:readline';
import { AF_INET, SOCK_DGRAM, type Socket, socket } from '../dist/socket/index.js';

const KINDS = ['dgram', 'nowait', 'owned', 'await'] as const;
type Kind = (typeof KINDS)[number];
const SIZE = 64;
const WINDOW = 16;

/** The server side, run as `socket-udp.ts --server <kind>`: prints its port, then on stdin's
 * end prints `{"cpu": µs, "echoed": n}` and exits. */
async function serve(kind: Kind): Promise<void> {
  let echoed = 0;
  let port: number;
  let stop: () => void;
  if (kind === 'dgram') {
    const udp = createSocket('udp4');
    udp.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      echoed++;
      udp.send(msg, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    port = udp.address().port;
    stop = () => udp.close();
  } else {
    const sock: Socket = socket(AF_INET, SOCK_DGRAM);
    await sock.bind(['127.0.0.1', 0]);
    port = (sock.getsockname() as [string, number])[1];
    let unwatch = (): void => {};
    if (kind === 'await') {
      void (async () => {
        for (;;) {
          const [data, from] = await sock.recvfrom(2048);
          echoed++;
          await sock.sendto(data, from);
        }
      })().catch(() => {});
    } else {
      const owned = kind === 'owned';
      sock.setblocking(false);
      unwatch = sock.watch(() => {
        for (let got = sock.recvfromNowait(2048); got !== null; got = sock.recvfromNowait(2048)) {
          echoed++;
          if (owned) sock.sendtoOwnedNowait(got[0], got[1]);
          else sock.sendtoNowait(got[0], got[1]);
        }
      });
    }
    stop = () => {
      unwatch();
      sock.close();
    };
  }
  const before = process.cpuUsage();
  process.stdout.write(`${port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    const cpu = process.cpuUsage(before);
    process.stdout.write(`${JSON.stringify({ cpu: cpu.user + cpu.system, echoed })}\n`);
    stop();
    process.exit(0);
  });
}

interface Sample {
  rate: number;
  cpuPerEcho: number;
}

/** Starts a server of `kind`, loads it for `seconds`, returns echoes/s and server µs per echo. */
async function measure(kind: Kind, seconds: number): Promise<Sample> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--server', kind],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const nextLine = (): Promise<string> =>
    new Promise((resolve) => lines.once('line', (line) => resolve(line)));
  const port = Number(await nextLine());
  const client = createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  const message = Buffer.alloc(SIZE, 0x61);
  let received = 0;
  let running = true;
  client.on('message', () => {
    received++;
    if (running) client.send(message, port, '127.0.0.1');
  });
  // A lost datagram would shrink the window for good: top it up when nothing moves.
  let seen = -1;
  const refill = setInterval(() => {
    if (received === seen && running)
      for (let i = 0; i < WINDOW; i++) client.send(message, port, '127.0.0.1');
    seen = received;
  }, 200);
  for (let i = 0; i < WINDOW; i++) client.send(message, port, '127.0.0.1');
  await new Promise((resolve) => setTimeout(resolve, 300)); // warm up
  const startCount = received;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const count = received - startCount;
  const elapsed = performance.now() - started;
  running = false;
  clearInterval(refill);
  child.stdin.end();
  const report = JSON.parse(await nextLine()) as { cpu: number; echoed: number };
  client.close();
  return { rate: (count / elapsed) * 1000, cpuPerEcho: report.cpu / report.echoed };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const seconds = Number(process.argv[3] ?? 2);
  const samples = new Map<Kind, Sample[]>(KINDS.map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const kind of KINDS) samples.get(kind)?.push(await measure(kind, seconds));
  }
  const rate = (k: Kind): number => median((samples.get(k) ?? []).map((s) => s.rate));
  const cpu = (k: Kind): number => median((samples.get(k) ?? []).map((s) => s.cpuPerEcho));
  console.log(
    `node ${process.version}, UDP echo of ${SIZE} B, window ${WINDOW}, ${rounds} rounds of ${seconds} s, medians`,
  );
  for (const kind of KINDS) {
    const rates = (samples.get(kind) ?? []).map((s) => Math.round(s.rate)).join(' ');
    console.log(
      `${kind.padEnd(7)} ${rate(kind).toFixed(0).padStart(7)} echoes/s  ${cpu(kind)
        .toFixed(1)
        .padStart(
          5,
        )} µs CPU/echo   vs dgram: rate ${(rate(kind) / rate('dgram')).toFixed(2)}  cpu ${(
        cpu(kind) / cpu('dgram')
      ).toFixed(2)}   (runs: ${rates})`,
    );
  }
}

if (process.argv[2] === '--server') await serve(process.argv[3] as Kind);
else await main();
