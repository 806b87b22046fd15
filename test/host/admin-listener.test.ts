/**
 * The admin listener as probes and programs use it: `polyport serve` with a portOffset puts it at
 * 1 + portOffset (it stayed at 10001), curl gets 404 for an unknown path without a redirect (it
 * went round `/statusstatus…`), `/healthz`, `/readyz` and `/status.json`; and `/readyz` turns 503
 * as soon as a graceful stop begins.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type StatusDocument, serve, VERSION } from '../../src/host/index.js';
import { runClient } from '../interop/run-client.js';
import { type CliProcess, portFromListing, startCli } from '../support/cli.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';

const curl = needs('curl');

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `polyport serve` with admin and HTTP only, at their default ports under a random portOffset. */
async function serveWithOffset(): Promise<{ proc: CliProcess; offset: number }> {
  const off = SERVICE_TABLES.filter((s) => s !== 'http' && s !== 'admin');
  for (let tries = 0; ; tries++) {
    const offset = 20000 + Math.floor(Math.random() * 40000);
    if (!((await isFree(offset + 1)) && (await isFree(offset + 80)))) continue;
    const sets = [`portOffset=${offset}`, ...off.map((s) => `${s}.enabled=false`)];
    const proc = startCli(['serve', ...sets.flatMap((set) => ['--set', set])], {
      cwd: tempDir(),
    });
    const started = await Promise.race([
      proc.waitFor(/Press Ctrl-C to stop\./).then(() => true),
      proc.exited.then(() => false),
    ]);
    if (started) return { proc, offset };
    // Another process took a port between the probe and the listen: try another offset.
    if (tries >= 5) throw new Error(`polyport serve did not start:\n${proc.stderr}`);
  }
}

/** curl's status line, headers and body for `url`, following no redirect. */
async function curlGet(url: string): Promise<{ status: number; head: string; body: string }> {
  const run = await runClient('curl', ['-s', '-i', '--max-time', '10', url], { timeout: 20_000 });
  assert.equal(run.code, 0, run.output);
  const split = run.stdout.indexOf('\r\n\r\n');
  const head = run.stdout.slice(0, split);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    head,
    body: run.stdout.slice(split + 4),
  };
}

describe('the admin listener of polyport serve with a portOffset, as curl sees it', () => {
  let proc: CliProcess;
  let offset: number;
  let admin: string;
  before(async () => {
    if (curl.skip !== undefined) return;
    ({ proc, offset } = await serveWithOffset());
    admin = `http://127.0.0.1:${offset + 1}`;
  });
  after(async () => {
    if (proc === undefined) return;
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
  });

  test('the admin port is 1 + portOffset, in the listing and in fact', curl, async () => {
    assert.equal(portFromListing(proc.stdout, 'admin'), offset + 1);
    assert.equal((await curlGet(`${admin}/status`)).status, 200);
  });

  test('an unknown path is 404 at once, with no redirect to follow', curl, async () => {
    for (const path of ['/nope', '/robots.txt', '/statusx', '/status/']) {
      const run = await runClient('curl', [
        ...['-s', '-L', '--max-redirs', '3', '-o', '/dev/null'],
        ...['-w', '%{http_code} %{num_redirects}', `${admin}${path}`],
      ]);
      assert.equal(run.stdout, '404 0', `${path}: ${run.output}`);
    }
  });

  test('/healthz and /readyz answer 200 in plain text that no cache keeps', curl, async () => {
    for (const [path, body] of [
      ['/healthz', 'ok\n'],
      ['/readyz', 'ready\n'],
    ] as const) {
      const got = await curlGet(`${admin}${path}`);
      assert.equal(got.status, 200, path);
      assert.equal(got.body, body, path);
      assert.match(got.head, /\r\nContent-Type: text\/plain; charset=utf-8\r\n/i, path);
      assert.match(got.head, /\r\nCache-Control: no-store\r\n/i, path);
    }
  });

  test(
    '/status.json lists each service with its listeners and the process facts',
    curl,
    async () => {
      const got = await curlGet(`${admin}/status.json`);
      assert.equal(got.status, 200);
      assert.match(got.head, /\r\nContent-Type: application\/json\r\n/i);
      assert.match(got.head, /\r\nCache-Control: no-store\r\n/i);
      const doc = JSON.parse(got.body) as StatusDocument;
      assert.equal(doc.version, VERSION);
      assert.equal(doc.node, process.version);
      assert.ok(!Number.isNaN(Date.parse(doc.startedAt)), doc.startedAt);
      assert.ok(doc.uptimeSeconds >= 0);
      assert.ok(doc.accelerators.length > 0);
      const http = doc.services.find((s) => s.name === 'http');
      assert.deepEqual(http?.listeners, [
        { transport: 'tcp', address: '127.0.0.1', port: offset + 80 },
      ]);
      const adminService = doc.services.find((s) => s.name === 'admin');
      assert.deepEqual(adminService?.listeners, [
        { transport: 'tcp', address: '127.0.0.1', port: offset + 1 },
      ]);
      // This very request is on an open admin connection, counted as it was accepted.
      assert.ok((adminService?.connections.open ?? 0) >= 1, got.body);
      assert.ok((adminService?.connections.total ?? 0) >= 1, got.body);
      for (const key of ['requests', 'bytesIn', 'bytesOut', 'errors', 'uncaughtErrors'] as const) {
        assert.equal(typeof http?.[key], 'number', key);
      }
    },
  );
});

/** Sends one GET on a kept-alive connection and reads its whole response (Content-Length). */
function getOn(socket: Socket, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = data.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
      if (data.length < end + 4 + length) return;
      socket.off('data', onData);
      socket.off('error', reject);
      const body = data.subarray(end + 4, end + 4 + length).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

test('/readyz turns 503 on a connection kept open once the graceful stop begins', async () => {
  const off = SERVICE_TABLES.filter((s) => s !== 'admin' && s !== 'echo');
  const config = testConfig(off.map((s) => `${s}.enabled=false`));
  const host = await serve({ config, logger: memoryLogger().logger });
  const socket = connect(portOf(host, 'admin'), '127.0.0.1');
  let stopped: Promise<void> | undefined;
  try {
    assert.equal(host.ready, true);
    assert.deepEqual(await getOn(socket, '/readyz'), { status: 200, body: 'ready\n' });
    stopped = host.stop(5000);
    assert.equal(host.ready, false);
    assert.deepEqual(await getOn(socket, '/readyz'), { status: 503, body: 'not ready\n' });
    // Alive is not ready: the process still serves what it has.
    assert.deepEqual(await getOn(socket, '/healthz'), { status: 200, body: 'ok\n' });
  } finally {
    socket.destroy();
    await (stopped ?? host.stop(500));
  }
});
