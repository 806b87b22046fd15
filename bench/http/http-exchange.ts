/**
 * Micro-benchmark of what the HTTP layer spends per request, without the network: one
 * `HttpServerChannel` on a `ChannelTransport` over a stub socket that accepts every byte at once, fed one keep-alive
 * request per read as wrk sends them. Prints nanoseconds per request (median of 5 runs) for the
 * hello route and the static handler on a small cached file, and the same for 16 pipelined
 * requests per read.
 *
 * Run: node --import tsx bench/http/http-exchange.ts   (add --cpu-prof to profile; EXCHANGE_ONLY=hello
 * or EXCHANGE_ONLY=static runs one case)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelSocket, SocketMap } from '../../dist/dispatch/index.js';
import {
  CommonHeaders,
  HeadCache,
  type HttpChannelConfig,
  HttpServerChannel,
  routeHandler,
  staticFiles,
} from '../../dist/protocols/http/index.js';
import { ChannelTransport } from '../../dist/server/channel-transport.js';
import { systemClock } from '../../dist/server/clock.js';
import { AF_INET, SOCK_STREAM } from '../../dist/socket/index.js';

const REQUESTS = Number(process.env.EXCHANGE_REQUESTS ?? 200_000);
const RUNS = 5;
/** Runs only the cases whose name starts with this (`hello`, `static`). */
const ONLY = process.env.EXCHANGE_ONLY;
const dir = mkdtempSync(join(tmpdir(), 'polyport-exchange-'));
writeFileSync(join(dir, 'small.html'), 'x'.repeat(1120));
const hello = Buffer.from('Hello, World!\n');

const config: HttpChannelConfig = {
  handlers: [
    routeHandler('GET', '/hello', (_request, response) => {
      response.setHeader('Content-Type', 'text/plain');
      response.send(hello);
    }),
    staticFiles({ root: dir }),
  ],
  common: new CommonHeaders(systemClock, 'polyport'),
  heads: new HeadCache(),
  parser: { maxHeaderBytes: 64 * 1024 },
  secure: false,
  bodyTimeout: 30,
  lingerTime: 2000,
};

/** A connected socket that takes every byte at once and remembers only how many. */
function stubSocket(): ChannelSocket & { sent: number } {
  const stub = {
    sent: 0,
    family: AF_INET,
    type: SOCK_STREAM,
    closed: false,
    readiness: 0,
    watch: () => () => {},
    fileno: () => 3,
    recvNowait: () => null,
    sendNowait(data: Uint8Array | string): number {
      const n = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      stub.sent += n;
      return n;
    },
    getsockopt: () => 0,
    setsockopt: () => {},
    getsockname: () => ['127.0.0.1', 10080],
    getpeername: () => ['127.0.0.1', 40000],
    close: () => {},
    acceptNowait: () => null,
    connect: async () => {},
    bind: async () => {},
    listen: async () => {},
    setblocking: () => {},
  };
  return stub as unknown as ChannelSocket & { sent: number };
}

/** wrk's request for `path`. */
function wrkRequest(path: string): Buffer {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:10080\r\n\r\n`, 'latin1');
}

/** Feeds `REQUESTS` requests, `perRead` to a read; returns ns per request. */
function run(path: string, perRead: number): number {
  const map: SocketMap = new Map();
  const sock = stubSocket();
  const options = { map, limits: { ...limitsFor() } };
  const channel = new ChannelTransport(sock, options);
  new HttpServerChannel(channel, options, config);
  const one = wrkRequest(path);
  const chunk = Buffer.concat(Array.from({ length: perRead }, () => one));
  const reads = Math.ceil(REQUESTS / perRead);
  const start = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) {
    // A fresh copy per read, as the socket gives: the parser keeps references to its input.
    channel.collectIncomingData(Buffer.from(chunk));
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (sock.sent === 0) throw new Error(`${path}: nothing sent`);
  channel.close();
  return ns / (reads * perRead);
}

function limitsFor() {
  return {
    maxConnections: 10_000,
    maxConnectionsPerAddress: 10_000,
    idleTimeout: 60,
    readTimeout: 30,
    maxRequestSize: 64 * 1024,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

try {
  for (const [name, path, perRead] of [
    ['hello', '/hello', 1],
    ['static', '/small.html', 1],
    ['hello x16 pipelined', '/hello', 16],
  ] as const) {
    if (ONLY !== undefined && !name.startsWith(ONLY)) continue;
    run(path, perRead); // warm-up
    const results = Array.from({ length: RUNS }, () => run(path, perRead));
    console.log(`${name.padEnd(20)} ${median(results).toFixed(0).padStart(6)} ns/request`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
