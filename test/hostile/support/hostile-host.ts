/**
 * The hostile-peer suite's frame: a serve() host with small limits, a table of cases
 * (service × fault), and the checks every case ends with: the process still serves another
 * client within 1 s, the server's descriptors and heap return to their baseline while the
 * hostile client still holds its end, and nothing partial was committed (FTP and HTTP roots,
 * the maildir).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Host, serve } from '../../../src/host/index.js';
import {
  DatagramFaultProxy,
  type DatagramFaults,
  FaultProxy,
  type FaultProxyOptions,
} from '../../../src/testing/index.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../../support/host.js';
import { describeDescriptors, serverDescriptors } from './descriptors.js';
import { connectRaw, connectTls, type RawClient } from './raw-client.js';

/** The small timeouts every case runs under (seconds). */
export const TIMEOUTS = {
  // Longer than the others, so a control connection idle during a transfer outlives the
  // transfer's own timeouts and the case sees the transfer's verdict.
  idleTimeout: 2,
  readTimeout: 0.5,
  handshakeTimeout: 0.5,
  writeTimeout: 0.5,
} as const;

/** How long the server may take to act on a timeout before a case fails (ms). */
export const SERVER_ACTS_WITHIN = 5000;

// Expose gc() without a command-line flag, so heap checks compare collected heaps.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The running host of one suite file, and where its data lives. */
export interface HostileHost {
  readonly host: Host;
  readonly dataDir: string;
  port(service: string, transport?: 'tcp' | 'udp'): number;
}

/** The big files cases download (bytes). */
// Larger than loopback's socket buffers together (autotuned up to 4 MB + 6 MB), so a download
// is still being written when its client resets or stalls.
export const BIG_FILE_SIZE = 32 * 1024 * 1024;
/** The name of the big message in the demo maildir. */
export const BIG_MESSAGE = '1700000000.M1P1Q1.hostile';

/** Makes the content the cases need: big files to download and a big message to RETR. */
function seedContent(dataDir: string): void {
  const big = Buffer.alloc(BIG_FILE_SIZE, 'x');
  // Only the enabled services' folders are made by serve(); the seed makes all it writes to.
  for (const dir of ['www', 'ftp/pub']) mkdirSync(join(dataDir, dir), { recursive: true });
  writeFileSync(join(dataDir, 'www', 'big.bin'), big);
  writeFileSync(join(dataDir, 'ftp', 'pub', 'big.bin'), big);
  const box = join(dataDir, 'mail', 'demo');
  for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(box, sub), { recursive: true });
  const line = `${'y'.repeat(70)}\r\n`;
  writeFileSync(
    join(box, 'cur', `${BIG_MESSAGE}:2,`),
    `From: a@b.test\r\nTo: demo@example.test\r\nSubject: big\r\n\r\n${line.repeat(60_000)}`,
  );
}

/** Every file (relative path) under `dir`, with its size. */
function listFiles(dir: string, prefix = ''): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(path, rel));
    else {
      let size = -1;
      try {
        size = statSync(path).size;
      } catch {}
      out.push(`${rel} (${size})`);
    }
  }
  return out.sort();
}

/** What was stored: the FTP root, the web roots and the mail directory. */
function storedState(dataDir: string): string[] {
  return [
    ...listFiles(join(dataDir, 'ftp')).map((f) => `ftp/${f}`),
    ...listFiles(join(dataDir, 'www')).map((f) => `www/${f}`),
    ...listFiles(join(dataDir, 'mail')).map((f) => `mail/${f}`),
  ];
}

/** Answers `true` when the service serves a fresh client within `ms`. */
export type Probe = (h: HostileHost, ms: number) => Promise<void>;

/** One DNS query for www.example.test A, with id `id`, as UDP payload. */
export function dnsQuery(id: number, name = 'www.example.test', type = 1): Buffer {
  const labels = name
    .split('.')
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(type, 1);
  tail.writeUInt16BE(1, 3);
  return Buffer.concat([header, ...labels, tail]);
}

/** A DNS query framed for TCP (two-byte length first). */
export function dnsTcpQuery(id: number, name?: string, type?: number): Buffer {
  const body = dnsQuery(id, name, type);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([len, body]);
}

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function exchange(port: number, send: string | Buffer, pattern: RegExp, ms: number) {
  const client = await connectRaw(port);
  try {
    if (send.length > 0) client.write(send);
    await client.until(pattern, ms);
  } finally {
    client.destroy();
  }
}

/** Probes by service: a fresh client gets the service's normal answer. */
export const PROBES: Record<string, Probe> = {
  http: (h, ms) =>
    exchange(h.port('http'), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 200 /, ms),
  https: async (h, ms) => {
    const { client } = await connectTls(h.port('https'));
    try {
      client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await client.until(/^HTTP\/1\.1 200 /, ms);
    } finally {
      client.destroy();
    }
  },
  ftp: (h, ms) => exchange(h.port('ftp'), 'NOOP\r\n', /^220[\s\S]*\r\n200 /m, ms),
  smtp: (h, ms) => exchange(h.port('smtp'), 'EHLO probe\r\n', /^220[\s\S]*\r\n250 /m, ms),
  pop3: (h, ms) => exchange(h.port('pop3'), 'CAPA\r\n', /^\+OK[\s\S]*\r\n\.\r\n/, ms),
  dns: async (h, ms) => {
    await exchange(h.port('dns'), dnsTcpQuery(7), /^[\s\S]{2}\x00\x07/, ms);
    const udp = createSocket('udp4');
    try {
      udp.send(dnsQuery(8), h.port('dns', 'udp'), '127.0.0.1');
      const [answer] = (await within(ms, 'dns/udp', once(udp, 'message'))) as [Buffer];
      assert.equal(answer.readUInt16BE(0), 8);
    } finally {
      udp.close();
    }
  },
  finger: (h, ms) => exchange(h.port('finger'), '\r\n', /./, ms),
  echo: (h, ms) => exchange(h.port('echo'), 'probe', /^probe$/, ms),
  discard: async (h, ms) => {
    const client = await connectRaw(h.port('discard'));
    try {
      client.end('probe');
      await client.closedByServer(ms);
    } finally {
      client.destroy();
    }
  },
  daytime: (h, ms) => exchange(h.port('daytime'), '', /\r\n$/, ms),
  qotd: (h, ms) => exchange(h.port('qotd'), '', /\r\n$/, ms),
  chargen: (h, ms) => exchange(h.port('chargen'), '', /^[\s\S]{100}/, ms),
  time: (h, ms) => exchange(h.port('time'), '', /^[\s\S]{4}$/, ms),
};

/**
 * What a case gets: its host, and clients and proxies that are remembered so the descriptor
 * count can leave them out and the case's end can close them.
 */
export class CaseHarness {
  readonly h: HostileHost;
  readonly #clients: RawClient[] = [];
  readonly #proxies: FaultProxy[] = [];
  readonly #udpProxies: DatagramFaultProxy[] = [];
  // Clients whose descriptor is another client's (a TLS upgrade of a plain socket).
  readonly #sharing = new Set<RawClient>();

  constructor(h: HostileHost) {
    this.h = h;
  }

  /** Connects a plain client to a service (or to any port) and remembers it. */
  async connect(serviceOrPort: string | number, localAddress?: string): Promise<RawClient> {
    const port = typeof serviceOrPort === 'number' ? serviceOrPort : this.h.port(serviceOrPort);
    return this.adopt(await connectRaw(port, localAddress));
  }

  /** Connects a TLS client to a TLS port and remembers it. */
  async connectTls(serviceOrPort: string | number): Promise<RawClient> {
    const port = typeof serviceOrPort === 'number' ? serviceOrPort : this.h.port(serviceOrPort);
    const { client } = await connectTls(port);
    return this.adopt(client);
  }

  /**
   * Remembers a client made elsewhere, so its descriptor is left out of the count; `shares`
   * when it runs over another remembered client's socket (a TLS upgrade).
   */
  adopt(client: RawClient, shares = false): RawClient {
    this.#clients.push(client);
    if (shares) this.#sharing.add(client);
    return client;
  }

  /** A fault proxy in front of a service (or a port), remembered and closed at the end. */
  async proxy(
    serviceOrPort: string | number,
    faults: NonNullable<FaultProxyOptions['faults']>,
  ): Promise<FaultProxy> {
    const port = typeof serviceOrPort === 'number' ? serviceOrPort : this.h.port(serviceOrPort);
    const proxy = await FaultProxy.listen({ target: ['127.0.0.1', port], faults });
    this.#proxies.push(proxy);
    return proxy;
  }

  /** A datagram fault proxy in front of a UDP service. */
  async udpProxy(service: string, faults: DatagramFaults): Promise<DatagramFaultProxy> {
    const proxy = await DatagramFaultProxy.listen({
      target: ['127.0.0.1', this.h.port(service, 'udp')],
      faults,
    });
    this.#udpProxies.push(proxy);
    return proxy;
  }

  /** Sockets (descriptors) this case holds open now. */
  openSockets(): number {
    let open = 0;
    for (const client of this.#clients) if (!client.closed && !this.#sharing.has(client)) open++;
    for (const proxy of this.#proxies) open += proxy.openSockets();
    for (const proxy of this.#udpProxies) open += proxy.openSockets();
    return open;
  }

  /** Closes every client and proxy of the case. */
  async close(): Promise<void> {
    for (const client of this.#clients) client.destroy();
    await Promise.all([
      ...this.#proxies.map((p) => p.close()),
      ...this.#udpProxies.map((p) => p.close()),
    ]);
  }
}

/** One row of the service × fault table (printed by table-reporter.mjs from the test names). */
export type CaseBody = (t: CaseHarness) => Promise<void>;

/**
 * Declares a hostile-peer suite file: starts a host with `services` (and `sets`), and returns
 * the function that registers cases. A case's test is named `[service × fault] title`, which
 * table-reporter.mjs turns into the pass table.
 */
export function hostileSuite(services: readonly string[], sets: readonly string[] = []) {
  let hostile: HostileHost | undefined;
  let baselineFds = 0;
  let baselineHeap = 0;
  let dataDir = '';
  let baselineState: string[] = [];
  let baselineKinds = '';

  before(async () => {
    dataDir = tempDir('polyport-hostile-');
    const enabled = services.map((s) => (s === 'ftps' ? 'ftp' : s));
    const off = SERVICE_TABLES.filter((s) => !enabled.includes(s)).map((s) => `${s}.enabled=false`);
    const limits = enabled.flatMap((s) =>
      Object.entries(TIMEOUTS).map(([key, value]) => `${s}.limits.${key}=${value}`),
    );
    const config = testConfig([...off, ...limits, ...sets], dataDir);
    // The first start makes the data directory from the samples; seed it, then serve it.
    const { logger } = memoryLogger();
    const host = await serve({ config, logger });
    hostile = {
      host,
      dataDir,
      port: (service, transport = 'tcp') => portOf(host, service, transport),
    };
    seedContent(dataDir);
    // Warm up every service once, so lazily opened files and caches are in the baseline.
    for (const service of enabled) await PROBES[service]?.(hostile, 5000);
    // A POP3 login moves new mail to cur/ (as Dovecot does): do it once before the baseline.
    if (enabled.includes('pop3')) {
      const pop3 = await connectRaw(hostile.port('pop3'));
      await pop3.expect(/^\+OK.*\r\n/m);
      await pop3.command('USER demo', /^\+OK.*\r\n/m);
      await pop3.command('PASS demo', /^\+OK.*\r\n/m);
      await pop3.command('QUIT', /^\+OK.*\r\n/m);
      await pop3.closedByServer();
      pop3.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    baselineFds = await settledDescriptors();
    baselineState = storedState(dataDir);
    baselineKinds = describeDescriptors();
    gc();
    baselineHeap = process.memoryUsage().heapUsed;
  });

  after(async () => {
    await hostile?.host.stop(500);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The lowest descriptor count seen over a short while (the count moves as probes close). */
  async function settledDescriptors(): Promise<number> {
    let low = serverDescriptors();
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
      low = Math.min(low, serverDescriptors());
    }
    return low;
  }

  async function recovered(service: string, t: CaseHarness, before: string[]): Promise<void> {
    const h = hostile!;
    // Another client is served while the hostile one still holds its end. The bound only
    // catches a server that stopped serving others: generous, as a loaded machine (CI running
    // beside other jobs) can take a second to answer while a flood is being read.
    const probe = PROBES[service === 'ftps' ? 'ftp' : service];
    if (probe !== undefined) await probe(h, 5000);
    // Descriptors: poll until back (the server acts on its timeouts), never a fixed sleep.
    const deadline = Date.now() + SERVER_ACTS_WITHIN;
    let fds = serverDescriptors(t.openSockets());
    while (fds > baselineFds && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      fds = serverDescriptors(t.openSockets());
    }
    assert.ok(
      fds <= baselineFds,
      `the server holds ${fds} descriptors, ${baselineFds} at the baseline (the hostile client still open; ${t.openSockets()} of the test's own sockets left out). Now: ${describeDescriptors()}; at the baseline: ${baselineKinds}`,
    );
    // Heap near its baseline after a collection; generous, since caches and JIT code grow.
    let heap = Number.POSITIVE_INFINITY;
    const heapDeadline = Date.now() + 3000;
    do {
      gc();
      heap = process.memoryUsage().heapUsed;
      if (heap <= baselineHeap + HEAP_SLACK) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < heapDeadline);
    assert.ok(
      heap <= baselineHeap + HEAP_SLACK,
      `heap ${(heap / 1e6).toFixed(1)} MB, baseline ${(baselineHeap / 1e6).toFixed(1)} MB`,
    );
    // Nothing partial committed: every stored file is as before the case.
    let now = storedState(h.dataDir);
    const stateDeadline = Date.now() + 2000;
    while (now.join('\n') !== before.join('\n') && Date.now() < stateDeadline) {
      await new Promise((r) => setTimeout(r, 50));
      now = storedState(h.dataDir);
    }
    assert.deepEqual(
      now.filter((f) => !before.includes(f)),
      [],
      'files that appeared or changed (partial uploads, mail, a deleted message)',
    );
    assert.deepEqual(
      before.filter((f) => !now.includes(f)),
      [],
      'files that disappeared (a POP3 delete without QUIT, a clobbered upload)',
    );
  }

  return function hostileCase(service: string, fault: string, title: string, body: CaseBody) {
    test(`[${service} × ${fault}] ${title}`, async () => {
      const h = hostile!;
      const t = new CaseHarness(h);
      const stored = storedState(h.dataDir);
      try {
        await body(t);
        await recovered(service, t, stored);
      } finally {
        await t.close();
        // The next case starts from a closed harness: wait for the server to see the closes.
        const deadline = Date.now() + SERVER_ACTS_WITHIN;
        while (
          (serverDescriptors() > baselineFds ||
            storedState(h.dataDir).join('\n') !== baselineState.join('\n')) &&
          Date.now() < deadline
        ) {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    });
  };
}

/** How far above its baseline the heap may stay after a case. */
const HEAP_SLACK = 24 * 1024 * 1024;
