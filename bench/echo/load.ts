/**
 * The load generator for the echo benchmark, run in its own process so it does not share the
 * server's event loop. Usage: load.ts PORT pingpong|stream CONNECTIONS SECONDS WARMUP
 * Prints one JSON line: { roundTrips, bytes, seconds }.
 */
import { connect, type Socket } from 'node:net';

const [portText, mode, connText, secondsText, warmupText] = process.argv.slice(2);
const port = Number(portText);
const connections = Number(connText);
const seconds = Number(secondsText);
const warmup = Number(warmupText ?? '0.5');
if (!port || (mode !== 'pingpong' && mode !== 'stream') || !connections || !seconds) {
  process.stderr.write('usage: load.ts PORT pingpong|stream CONNECTIONS SECONDS [WARMUP]\n');
  process.exit(2);
}

const PING = Buffer.alloc(64, 0x61);
const CHUNK = Buffer.alloc(64 * 1024, 0x62);
/** Bytes a streaming connection keeps in flight before it waits for its echo. */
const WINDOW = 1024 * 1024;

let counting = false;
let roundTrips = 0;
let bytes = 0;

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(sock));
    sock.once('error', reject);
  });
}

function pingpong(sock: Socket): void {
  let pending = 0;
  sock.on('data', (data) => {
    pending -= data.length;
    if (pending > 0) return;
    if (counting) roundTrips++;
    pending = PING.length;
    sock.write(PING);
  });
  pending = PING.length;
  sock.write(PING);
}

function stream(sock: Socket): void {
  let inFlight = 0;
  const pump = (): void => {
    while (inFlight < WINDOW) {
      inFlight += CHUNK.length;
      if (!sock.write(CHUNK)) {
        sock.once('drain', pump);
        return;
      }
    }
  };
  sock.on('data', (data) => {
    inFlight -= data.length;
    if (counting) bytes += data.length;
    if (inFlight < WINDOW / 2) pump();
  });
  pump();
}

const sockets = await Promise.all(Array.from({ length: connections }, open));
for (const sock of sockets) {
  sock.on('error', () => {});
  if (mode === 'pingpong') pingpong(sock);
  else stream(sock);
}
await new Promise((r) => setTimeout(r, warmup * 1000));
counting = true;
const started = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
counting = false;
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ roundTrips, bytes, seconds: elapsed })}\n`);
for (const sock of sockets) sock.destroy();
process.exit(0);
