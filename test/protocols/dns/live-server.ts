/** Real DNS servers on loopback port 0 for the server, resolver and dig tests (not a test file). */
import { PassThrough, Writable } from 'node:stream';
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import type { CliIO } from '../../../src/protocols/common/index.js';
import {
  type DnsMessage,
  type DnsService,
  type DnsServiceOptions,
  DnsTcpFramer,
  decodeMessage,
  frame,
  sampleZone,
  startDnsService,
  Zone,
  ZoneSet,
} from '../../../src/protocols/dns/index.js';
import { AF_INET, SOCK_DGRAM, SocketTimeoutError, socket } from '../../../src/socket/index.js';

/** A server running in its own loop, and what it logged. */
export interface LiveServer {
  readonly service: DnsService;
  readonly port: number;
  readonly address: readonly [string, number];
  /** The `observer.request` lines. */
  readonly queries: Array<Readonly<Record<string, unknown>>>;
  readonly errors: unknown[];
  stop(): Promise<void>;
}

/** A zone with a PTR for 127.0.0.1 so `reverse()` has something to find. */
export const REVERSE_ZONE = `$ORIGIN 0.0.127.in-addr.arpa.
$TTL 300
@  SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@  NS  ns1.example.test.
1  PTR localhost.
`;

/**
 * Starts a DNS service on 127.0.0.1 port 0 (sample zone and the reverse zone unless `zones` is
 * given) with its own socket map and loop.
 */
export async function startLive(options: Partial<DnsServiceOptions> = {}): Promise<LiveServer> {
  const map: SocketMap = new Map();
  const queries: Array<Readonly<Record<string, unknown>>> = [];
  const errors: unknown[] = [];
  const zones =
    options.zones ??
    new ZoneSet([sampleZone(), Zone.fromText(REVERSE_ZONE, { origin: '0.0.127.in-addr.arpa' })]);
  const service = await startDnsService({
    address: ['127.0.0.1', 0],
    observer: {
      request: (fields) => queries.push(fields),
      error: (err) => errors.push(err),
    },
    ...options,
    zones,
    map,
  });
  const running = loop({ map, timeout: 1 });
  return {
    service,
    port: service.port,
    address: ['127.0.0.1', service.port],
    queries,
    errors,
    async stop() {
      service.close();
      closeAll(map, true);
      await running;
    },
  };
}

/** Sends one datagram to the server and returns the first reply, or `null` after `timeout` s. */
export async function udpExchange(
  port: number,
  bytes: Uint8Array,
  timeout = 2,
): Promise<Buffer | null> {
  const sock = socket(AF_INET, SOCK_DGRAM);
  try {
    await sock.connect(['127.0.0.1', port]);
    sock.settimeout(timeout);
    await sock.send(bytes);
    return await sock.recv(65535);
  } catch (err) {
    if (err instanceof SocketTimeoutError) return null;
    throw err;
  } finally {
    sock.close();
  }
}

/** Asks over UDP and decodes the reply (which must come). */
export async function udpAsk(port: number, bytes: Uint8Array): Promise<DnsMessage> {
  const reply = await udpExchange(port, bytes);
  if (reply === null) throw new Error('no UDP reply');
  return decodeMessage(reply);
}

/**
 * Opens a TCP connection, writes `chunks` one by one (a tick apart, so they arrive as separate
 * reads), and collects `count` framed replies.
 */
export async function tcpExchange(
  port: number,
  chunks: readonly Uint8Array[],
  count: number,
  timeout = 3,
): Promise<Buffer[]> {
  const sock = socket(AF_INET);
  sock.settimeout(timeout);
  try {
    await sock.connect(['127.0.0.1', port]);
    for (const chunk of chunks) {
      await sock.sendall(chunk);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const framer = new DnsTcpFramer();
    const out: Buffer[] = [];
    while (out.length < count) {
      const data = await sock.recv(65537);
      if (data.length === 0) break;
      framer.receiveData(data);
      for (let ev = framer.nextEvent(); ev !== null; ev = framer.nextEvent()) {
        if (ev.type === 'message') out.push(Buffer.from(ev.message));
      }
    }
    return out;
  } finally {
    sock.close();
  }
}

/** Asks one framed query over TCP and decodes the reply. */
export async function tcpAsk(port: number, bytes: Uint8Array): Promise<DnsMessage> {
  const [reply] = await tcpExchange(port, [frame(bytes)], 1);
  if (reply === undefined) throw new Error('no TCP reply');
  return decodeMessage(reply);
}

/** A UDP port nothing answers on: a bound socket that never reads. Close it when done. */
export async function silentPort(): Promise<{ port: number; close(): void }> {
  const sock = socket(AF_INET, SOCK_DGRAM);
  await sock.bind(['127.0.0.1', 0]);
  const [, port] = sock.getsockname() as [string, number];
  return { port, close: () => sock.close() };
}

/** CliIO that captures what a command prints. */
export function captureIO(): CliIO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdin: new PassThrough(),
    stdout: new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString();
        done();
      },
    }),
    stderr: new Writable({
      write(chunk: Buffer, _encoding, done) {
        err += chunk.toString();
        done();
      },
    }),
    isTTY: false,
    interrupted: new Promise<void>(() => {}),
    out: () => out,
    err: () => err,
  };
}
