/**
 * GNU wget against the HTTP server `serve()` runs: a recursive fetch of the sample site ends
 * cleanly (issue 16 item 9: its status link once gave 404, and every `wget -r` ended with exit 8),
 * and a plain download arrives byte for byte.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { type Host, serve } from '../../src/host/index.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';
import { runClient } from './run-client.js';

const wget = needs('wget');
let host: Host;
let dataDir: string;
let local: string;
let adminPort: number;
let base: string;

/** A port nothing listens on right now (the kernel's pick for port 0, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  // The sample index links the status page by the admin port the config names (a port 0 would
  // show the default, 10001), so the admin listener gets a concrete free port; HTTP takes port 0.
  for (let tries = 0; ; tries++) {
    dataDir = tempDir('polyport-wget-data-');
    adminPort = await freePort();
    const off = SERVICE_TABLES.filter((s) => s !== 'http' && s !== 'admin');
    const config = testConfig(
      [`admin.port=${adminPort}`, ...off.map((s) => `${s}.enabled=false`)],
      dataDir,
    );
    try {
      host = await serve({ config, logger: memoryLogger().logger });
      break;
    } catch (err) {
      // Another process took the port between the probe and the listen: pick another.
      if (tries >= 5) throw err;
    }
  }
  base = `http://127.0.0.1:${portOf(host, 'http')}`;
  local = mkdtempSync(join(tmpdir(), 'polyport-wget-'));
});

after(async () => {
  await host?.stop(500);
  rmSync(local, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort();
}

test('wget -r -np of the sample site follows every link and exits 0', wget, async () => {
  const out = join(local, 'mirror');
  // -H: the status link is on the admin port, which wget counts as another host. robots=off:
  // robots.txt is no link of the site (it is 404 on both ports), and the mirror is meant to
  // hold the site's links only.
  const run = await runClient('wget', [
    ...['-r', '-np', '-H', '-D', '127.0.0.1', '-l', '3', '-e', 'robots=off', '-nv', '-P', out],
    ...['--tries=1', '--timeout=20', `${base}/`],
  ]);
  assert.equal(run.code, 0, run.output);
  assert.doesNotMatch(run.output, /ERROR|failed|broken link/i, run.output);
  const httpDir = `127.0.0.1:${portOf(host, 'http')}`;
  const adminDir = `127.0.0.1:${adminPort}`;
  const files = filesUnder(out);
  for (const page of ['index.html', 'about.html', 'style.css', 'docs/index.html']) {
    assert.ok(files.includes(join(httpDir, page)), `${page} fetched: ${files.join(', ')}`);
  }
  for (const page of ['docs/data.json', 'docs/readme.txt']) {
    assert.ok(files.includes(join(httpDir, page)), `${page} fetched: ${files.join(', ')}`);
    // What wget saved is what the site holds, byte for byte.
    assert.deepEqual(
      readFileSync(join(out, httpDir, page)),
      readFileSync(join(dataDir, 'www', page)),
      page,
    );
  }
  // The status link resolved: wget fetched the page from the admin port.
  assert.ok(files.includes(join(adminDir, 'status')), `status fetched: ${files.join(', ')}`);
  assert.match(readFileSync(join(out, adminDir, 'status'), 'utf8'), /<title>polyport status/);
});

test(
  'wget downloads a 3 MiB binary file byte for byte, and -c resumes a partial one',
  wget,
  async () => {
    const blob = randomBytes(3 * 1024 * 1024);
    writeFileSync(join(dataDir, 'www', 'blob.bin'), blob);
    const target = join(local, 'blob.bin');
    const run = await runClient('wget', ['-nv', '--tries=1', '-O', target, `${base}/blob.bin`]);
    assert.equal(run.code, 0, run.output);
    assert.equal(statSync(target).size, blob.length);
    assert.ok(readFileSync(target).equals(blob), 'the download differs from the file');
    // A resumed download: wget asks for the rest with Range and appends it.
    writeFileSync(target, blob.subarray(0, 1_000_000));
    const resumed = await runClient('wget', [
      '-c',
      '-nv',
      '--tries=1',
      '-O',
      target,
      `${base}/blob.bin`,
    ]);
    assert.equal(resumed.code, 0, resumed.output);
    assert.ok(readFileSync(target).equals(blob), 'the resumed download differs from the file');
    const missing = await runClient('wget', [
      '-nv',
      '--tries=1',
      '-O',
      join(local, 'x'),
      `${base}/nope.bin`,
    ]);
    // wget's exit status 8: the server answered with an error (404 here).
    assert.equal(missing.code, 8, missing.output);
    assert.match(missing.output, /404/);
  },
);
