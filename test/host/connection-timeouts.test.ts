/**
 * Every phase of a connection has a deadline, and a connection cut off at one frees its slot and
 * its descriptor: TLS handshakes on a TLS port and after STARTTLS, STLS and AUTH TLS, the first
 * request of a client-speaks-first protocol, a half-sent request head, and a peer that does not
 * read. Real servers (serve()) over loopback with real TLS; descriptors are counted in
 * /proc/self/fd of this process, which runs the servers.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { type Host, serve } from '../../src/host/index.js';
import { MAX_TLS_REFUSALS } from '../../src/server/tcp-listener.js';
import { createConnection, type Socket } from '../../src/socket/index.js';
import { clientHello } from '../hostile/support/tls-hello.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../support/host.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Descriptors open in this process now. */
function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Waits (up to 10 s) until the descriptor count is back to `baseline` or below. */
async function descriptorsBackTo(baseline: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let now = openDescriptors();
  while (now > baseline && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    now = openDescriptors();
  }
  assert.ok(now <= baseline, `${now} descriptors open, ${baseline} before the test`);
}

/** A host running only `services`, with `sets` applied. */
async function serveOnly(
  services: readonly string[],
  sets: readonly string[],
  dataDir = tempDir(),
): Promise<{ host: Host; records: Array<Record<string, unknown>> }> {
  const off = SERVICE_TABLES.filter((s) => !services.includes(s)).map((s) => `${s}.enabled=false`);
  const roots = services.includes('https') ? [`https.root=${dataDir}`] : [];
  const { logger, records } = memoryLogger();
  dirs.push(dataDir);
  const host = await serve({ config: testConfig([...off, ...roots, ...sets], dataDir), logger });
  return { host, records };
}

/** Resolves with what the server sent before it closed (or reset), or rejects after 5 s. */
async function untilClosed(sock: Socket): Promise<string> {
  sock.settimeout(5);
  let text = '';
  for (;;) {
    let data: Buffer;
    try {
      data = await sock.recv(65536);
    } catch (err) {
      if ((err as { code?: string }).code === 'ECONNRESET') return text;
      throw err;
    }
    if (data.length === 0) return text;
    text += data.toString('latin1');
  }
}

/** Reads until the text received so far matches `pattern` (5 s at most). */
async function readUntil(sock: Socket, pattern: RegExp): Promise<string> {
  sock.settimeout(5);
  let text = '';
  while (!pattern.test(text)) {
    const data = await sock.recv(4096);
    if (data.length === 0) throw new Error(`closed before ${pattern}: ${JSON.stringify(text)}`);
    text += data.toString('latin1');
  }
  return text;
}

/** A TLS client that sends `request` and resolves with the whole reply (TLS errors reject). */
function tlsExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      sock.write(request);
    });
    const chunks: Buffer[] = [];
    sock.setTimeout(5000, () => sock.destroy(new Error('TLS exchange timed out')));
    sock.on('data', (chunk: Buffer) => chunks.push(chunk));
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

test('HTTPS clients that send nothing or half a ClientHello are closed after handshakeTimeout and free their slots', async () => {
  const hello = await clientHello();
  const { host, records } = await serveOnly(
    ['https'],
    ['https.limits.maxConnections=2', 'https.limits.handshakeTimeout=0.3'],
  );
  try {
    const port = portOf(host, 'https');
    const baseline = openDescriptors();
    const silent = await createConnection(['127.0.0.1', port], 5);
    const half = await createConnection(['127.0.0.1', port], 5);
    await half.sendall(hello.subarray(0, Math.floor(hello.length / 2)));
    // Before the deadline existed, neither was ever closed and the port was locked out.
    assert.equal(await untilClosed(silent), '');
    assert.equal(await untilClosed(half), '');
    silent.close();
    half.close();
    assert.ok(records.some((r) => r.msg === 'TLS handshake timeout'));
    assert.match(await tlsExchange(port, GET), /^HTTP\/1\.1 (200|404)/);
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

test('a client over maxConnections on a TLS port gets the busy reply inside TLS, never in plaintext', async () => {
  const { host } = await serveOnly(
    ['https'],
    ['https.limits.maxConnections=1', 'https.limits.handshakeTimeout=5'],
  );
  try {
    const port = portOf(host, 'https');
    const baseline = openDescriptors();
    const holder = await createConnection(['127.0.0.1', port], 5);
    // Let the server accept it, so it holds the only slot.
    await new Promise((r) => setTimeout(r, 200));
    // A plaintext 503 here made the TLS client fail ("wrong version number").
    assert.match(await tlsExchange(port, GET), /^HTTP\/1\.1 503 /);
    holder.close();
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

for (const [service, dialogue] of [
  ['smtp', [/^220 .*\r\n/, 'EHLO client.test\r\n', /^250 .*\r\n/m, 'STARTTLS\r\n', /^220 .*\r\n/m]],
  ['pop3', [/^\+OK.*\r\n/, 'STLS\r\n', /^\+OK.*\r\n/m]],
  ['ftp', [/^220 .*\r\n/, 'AUTH TLS\r\n', /^234 .*\r\n/m]],
] as const) {
  test(`${service}: a client silent after its TLS upgrade is cut off after handshakeTimeout, freeing slot and descriptors`, async () => {
    const { host, records } = await serveOnly(
      [service],
      [
        `${service}.limits.maxConnections=1`,
        `${service}.limits.handshakeTimeout=0.3`,
        ...(service === 'pop3' ? ['pop3.allowPlaintext=true'] : []),
      ],
    );
    try {
      const port = portOf(host, service);
      const baseline = openDescriptors();
      const stalled = await createConnection(['127.0.0.1', port], 5);
      let seen = '';
      for (const step of dialogue) {
        if (typeof step === 'string') await stalled.sendall(step);
        else seen += await readUntil(stalled, step);
      }
      void seen;
      // The client now owes a ClientHello and never sends it. Before, only the idle timeout
      // (5 minutes) ended this, and it left the TLS socket open.
      assert.equal(await untilClosed(stalled), '');
      stalled.close();
      assert.ok(records.some((r) => r.msg === 'TLS handshake timeout'));
      const next = await createConnection(['127.0.0.1', port], 5);
      const greeting = await readUntil(next, /\r\n/);
      assert.match(greeting, /^(220|\+OK)/, 'the slot was released: the next client is greeted');
      next.close();
      await descriptorsBackTo(baseline);
    } finally {
      await host.stop(500);
    }
  });
}

test('ftp: an idle timeout during a stalled AUTH TLS closes the TLS socket too (handshakeTimeout 0)', async () => {
  const { host } = await serveOnly(
    ['ftp'],
    ['ftp.limits.idleTimeout=0.3', 'ftp.limits.handshakeTimeout=0'],
  );
  try {
    const port = portOf(host, 'ftp');
    const baseline = openDescriptors();
    const stalled = await createConnection(['127.0.0.1', port], 5);
    await readUntil(stalled, /^220 .*\r\n/);
    await stalled.sendall('AUTH TLS\r\n');
    await readUntil(stalled, /^234 .*\r\n/m);
    // Before, the idle timeout closed only the detached plain socket: this never ended.
    assert.equal(await untilClosed(stalled), '');
    stalled.close();
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

test('http: a connection that sends nothing is closed after readTimeout, without a reply', async () => {
  const { host } = await serveOnly(
    ['http'],
    ['http.limits.readTimeout=0.3', 'http.limits.idleTimeout=300'],
  );
  try {
    const port = portOf(host, 'http');
    const baseline = openDescriptors();
    const silent = await createConnection(['127.0.0.1', port], 5);
    // Before, only idleTimeout (5 minutes) applied to a connection that never spoke.
    assert.equal(await untilClosed(silent), '');
    silent.close();
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

test('dns over TCP: a connection that never sends a query is closed after readTimeout', async () => {
  const { host } = await serveOnly(
    ['dns'],
    ['dns.udp=false', 'dns.limits.readTimeout=0.3', 'dns.limits.idleTimeout=300'],
  );
  try {
    const port = portOf(host, 'dns');
    const baseline = openDescriptors();
    const silent = await createConnection(['127.0.0.1', port], 5);
    // Before, only idleTimeout (5 minutes) applied until the first query.
    assert.equal(await untilClosed(silent), '');
    silent.close();
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

test('http: a request head left half-sent gets 408 after readTimeout and the slot is freed', async () => {
  const { host } = await serveOnly(
    ['http'],
    ['http.limits.readTimeout=0.3', 'http.limits.maxConnections=1'],
  );
  try {
    const port = portOf(host, 'http');
    const baseline = openDescriptors();
    const slow = await createConnection(['127.0.0.1', port], 5);
    await slow.sendall('GET / HTTP/1.1\r\nHost: local');
    assert.match(await untilClosed(slow), /^HTTP\/1\.1 408 /);
    slow.close();
    const next = await createConnection(['127.0.0.1', port], 5);
    await next.sendall(GET);
    assert.match(await untilClosed(next), /^HTTP\/1\.1 (200|404) /);
    next.close();
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

test('http: a client that never reads its download is reset after writeTimeout, freeing slot and descriptor', async () => {
  const dataDir = tempDir();
  const { host, records } = await serveOnly(
    ['http'],
    ['http.limits.writeTimeout=0.3', `http.root=${dataDir}`],
    dataDir,
  );
  try {
    writeFileSync(join(dataDir, 'big.bin'), Buffer.alloc(32 * 1024 * 1024, 'x'));
    const port = portOf(host, 'http');
    const baseline = openDescriptors();
    const reader = await createConnection(['127.0.0.1', port], 5);
    await reader.sendall('GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // The client reads nothing: the server's output stops making progress.
    const deadline = Date.now() + 10_000;
    while (!records.some((r) => r.msg === 'write timeout') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(
      records.some((r) => r.msg === 'write timeout'),
      'the stalled download was cut off',
    );
    // The server's side is gone while the client still holds its socket open.
    await descriptorsBackTo(baseline + 1);
    assert.match(
      await host.metrics(),
      /polyport_open_connections\{service="http",transport="tcp"\} 0/,
    );
    reader.close();
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

test('smtp: a DATA body that stops arriving is cut off after readTimeout with 421, and nothing is delivered', async () => {
  const { host } = await serveOnly(
    ['smtp'],
    ['smtp.limits.readTimeout=0.3', 'smtp.limits.maxConnections=1'],
  );
  try {
    const port = portOf(host, 'smtp');
    const baseline = openDescriptors();
    const sender = await createConnection(['127.0.0.1', port], 5);
    await readUntil(sender, /^220 .*\r\n/);
    await sender.sendall('EHLO client.test\r\n');
    await readUntil(sender, /^250 .*\r\n/m);
    await sender.sendall('MAIL FROM:<carol@client.test>\r\n');
    await readUntil(sender, /^250 .*\r\n/m);
    await sender.sendall('RCPT TO:<demo@example.test>\r\n');
    await readUntil(sender, /^250 .*\r\n/m);
    await sender.sendall('DATA\r\n');
    await readUntil(sender, /^354 .*\r\n/m);
    await sender.sendall('Subject: stalled\r\n\r\nthe first line, then nothing');
    // Before, only the idle timeout (5 minutes) ended a stalled body.
    assert.match(await untilClosed(sender), /^421 /m);
    sender.close();
    const next = await createConnection(['127.0.0.1', port], 5);
    assert.match(await readUntil(next, /\r\n/), /^220 /);
    next.close();
    await descriptorsBackTo(baseline);
  } finally {
    await host.stop(500);
  }
});

test('a TLS port refuses inside TLS at most MAX_TLS_REFUSALS clients at once; the next is closed without a byte', async () => {
  const { host } = await serveOnly(
    ['https'],
    ['https.limits.maxConnections=1', 'https.limits.handshakeTimeout=30'],
  );
  const open: Socket[] = [];
  try {
    const port = portOf(host, 'https');
    const baseline = openDescriptors();
    open.push(await createConnection(['127.0.0.1', port], 5));
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < MAX_TLS_REFUSALS; i++) {
      open.push(await createConnection(['127.0.0.1', port], 5));
    }
    // Let the server take them all into their (silent) refusal handshakes.
    await new Promise((r) => setTimeout(r, 300));
    const extra = await createConnection(['127.0.0.1', port], 5);
    // Closed at once, well before the 30 s handshake deadline, and nothing in plaintext.
    assert.equal(await untilClosed(extra), '');
    extra.close();
    for (const sock of open.splice(0)) sock.close();
    await descriptorsBackTo(baseline);
  } finally {
    for (const sock of open) sock.close();
    await host.stop(500);
  }
});

test('stopping a host frees TLS handshakes in flight even without a handshake deadline', async () => {
  const { host } = await serveOnly(['https'], ['https.limits.handshakeTimeout=0']);
  let stopped = false;
  try {
    const port = portOf(host, 'https');
    const baseline = openDescriptors();
    const silent = await createConnection(['127.0.0.1', port], 5);
    await new Promise((r) => setTimeout(r, 200));
    await host.stop(500);
    stopped = true;
    // Before, closing the listener closed the detached plain socket only: this never ended.
    assert.equal(await untilClosed(silent), '');
    silent.close();
    await descriptorsBackTo(baseline);
  } finally {
    if (!stopped) await host.stop(500);
  }
});
