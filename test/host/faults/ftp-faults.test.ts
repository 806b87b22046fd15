/**
 * FTP faults on purpose, seen by Python's ftplib and curl against `serve()`: a 425 at PASV, a
 * 452 at STOR, a disconnect at RETR, a delay before a reply, and data transfers cut after a
 * number of bytes (RETR, LIST, STOR). Each fault is a capture event with the command's facts
 * (its path resolved as the session resolves it), the client sees exactly it, and the next
 * attempt works.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Host, serve } from '../../../src/host/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const run = promisify(execFile);

/** Runs a Python snippet with `login()` (demo, in pub/) and `port`; its printed lines. */
async function python(port: number, code: string): Promise<string[]> {
  const { stdout } = await run('python3', [
    '-c',
    `import ftplib, io, sys, time
port = int(sys.argv[1])
def login():
    f = ftplib.FTP()
    f.connect('127.0.0.1', port, timeout=20)
    f.login('demo', 'demo')
    f.cwd('pub')
    return f
${code}`,
    String(port),
  ]);
  return stdout.trim().split('\n');
}

/** 100 000 bytes no two 1000-byte pieces of which are alike. */
const BIG = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

describe('FTP faults', { skip: needs('python3').skip }, () => {
  let host: Host;
  let port: number;
  const dataDir = tempDir();
  const pub = join(dataDir, 'ftp', 'pub');
  before(async () => {
    host = await serve({
      config: testConfig(
        SERVICE_TABLES.filter((s) => s !== 'ftp').map((s) => `${s}.enabled=false`),
        dataDir,
      ),
      logger: memoryLogger().logger,
    });
    port = portOf(host, 'ftp');
    writeFileSync(join(pub, 'big.bin'), BIG);
  });
  after(() => host.stop(1000));
  /** The capture's last event id before the test. */
  let since = 0;
  beforeEach(() => {
    host.faults.clear();
    since = host.capture.lastId;
  });
  /** The faults fired during the test, oldest first: [command, path, action]. */
  const fired = () =>
    host.capture
      .list({ service: 'ftp', kind: 'fault', sinceId: since })
      .reverse()
      .map((e) => [e.command, e.path, e.action]);

  test('425 at PASV once: ftplib raises error_temp, the next transfer works', async () => {
    const rule = host.faults.add({
      service: 'ftp',
      match: { command: 'PASV' },
      action: { reply: '425 no passive port for you' },
      times: 1,
    });
    const out = await python(
      port,
      `f = login()
try:
    f.retrbinary('RETR big.bin', lambda b: None)
    print('retrieved')
except ftplib.error_temp as e:
    print(e)
data = io.BytesIO()
f.retrbinary('RETR big.bin', data.write)
print(len(data.getvalue()))
f.quit()`,
    );
    assert.deepEqual(out, ['425 no passive port for you', '100000']);
    const [fault] = host.capture.list({ service: 'ftp', kind: 'fault', sinceId: since });
    assert.equal(fault?.rule, rule.id);
    assert.equal(fault?.command, 'PASV');
    assert.equal(fault?.user, 'demo');
  });

  test('452 at STOR of one path: ftplib raises error_temp, nothing is stored; another path is', async () => {
    host.faults.add({
      service: 'ftp',
      match: { command: 'STOR', path: '/pub/full.bin' },
      action: { reply: '452 disk full on purpose' },
    });
    const out = await python(
      port,
      `f = login()
for name in ('full.bin', 'fine.bin'):
    try:
        print(f.storbinary('STOR ' + name, io.BytesIO(b'x' * 5000)))
    except ftplib.error_temp as e:
        print(e)
f.quit()`,
    );
    assert.deepEqual(out, ['452 disk full on purpose', '226 Transfer complete.']);
    assert.equal(existsSync(join(pub, 'full.bin')), false);
    assert.equal(readFileSync(join(pub, 'fine.bin')).length, 5000);
    const faults = host.capture.list({ service: 'ftp', kind: 'fault', sinceId: since });
    assert.equal(faults.length, 1);
    assert.equal(faults[0]!.path, '/pub/full.bin', 'the path as the session resolves it');
  });

  test(
    'disconnect at RETR: ftplib reads EOF (curl fails too); the next connection is served',
    needs('curl'),
    async () => {
      host.faults.add({
        service: 'ftp',
        match: { command: 'RETR' },
        action: { disconnect: true },
        times: 2,
      });
      const out = await python(
        port,
        `f = login()
try:
    f.retrbinary('RETR big.bin', lambda b: None)
    print('retrieved')
except EOFError:
    print('EOF')`,
      );
      assert.deepEqual(out, ['EOF']);
      const url = `ftp://127.0.0.1:${port}/pub/big.bin`;
      const cut = await runClient('curl', ['-sS', '-u', 'demo:demo', '-o', '/dev/null', url]);
      assert.notEqual(cut.code, 0, cut.output);
      const whole = await runClient('curl', ['-sS', '-u', 'demo:demo', '-o', '-', url]);
      assert.equal(whole.code, 0, whole.output);
      assert.equal(whole.stdout.length, BIG.length);
      const cutOff = { disconnect: true };
      assert.deepEqual(fired(), [
        ['RETR', '/pub/big.bin', cutOff],
        ['RETR', '/pub/big.bin', cutOff],
      ]);
    },
  );

  test('a delay before the reply to PWD: it comes after the delay', async () => {
    host.faults.add({
      service: 'ftp',
      match: { command: 'PWD' },
      action: { delay: 1000 },
      times: 1,
    });
    const out = await python(
      port,
      `f = login()
t = time.monotonic()
where = f.pwd()
print(where, round((time.monotonic() - t) * 1000))
print(f.pwd())
f.quit()`,
    );
    const [where, waited] = out[0]!.split(' ');
    assert.equal(where, '/pub');
    assert.ok(Number(waited) >= 1000, `PWD answered ${waited} ms after it was sent`);
    assert.equal(out[1], '/pub', 'the next PWD is answered');
    assert.deepEqual(fired(), [['PWD', undefined, { delay: 1000 }]]);
  });

  test(
    'cutAfter at RETR: curl gets exactly the first bytes and fails (partial file); then the whole file',
    needs('curl'),
    async () => {
      host.faults.add({
        service: 'ftp',
        match: { command: 'RETR' },
        action: { cutAfter: 1000 },
        times: 1,
      });
      const url = `ftp://127.0.0.1:${port}/pub/big.bin`;
      const dir = tempDir();
      const cut = await runClient('curl', ['-sS', '-u', 'demo:demo', '-o', join(dir, 'cut'), url]);
      assert.notEqual(cut.code, 0, cut.output);
      assert.deepEqual(readFileSync(join(dir, 'cut')), BIG.subarray(0, 1000));
      const whole = await runClient('curl', [
        '-sS',
        '-u',
        'demo:demo',
        '-o',
        join(dir, 'whole'),
        url,
      ]);
      assert.equal(whole.code, 0, whole.output);
      assert.deepEqual(readFileSync(join(dir, 'whole')), BIG);
      const transfers = host.capture.list({ service: 'ftp', kind: 'transfer', sinceId: since });
      assert.deepEqual(
        transfers.map((t) => [t.status, t.bytes, t.reason]),
        [
          ['complete', BIG.length, undefined],
          ['failed', 1000, 'cut by a fault rule'],
        ],
        'newest first',
      );
      assert.deepEqual(fired(), [['RETR', '/pub/big.bin', { cutAfter: 1000 }]]);
    },
  );

  test('cutAfter at LIST: ftplib gets part of the listing, then 426', async () => {
    host.faults.add({
      service: 'ftp',
      match: { command: 'LIST' },
      action: { cutAfter: 10 },
      times: 1,
    });
    const out = await python(
      port,
      `f = login()
got = []
try:
    f.retrlines('LIST', got.append)
    print('listed')
except ftplib.error_temp as e:
    print(e)
print(got)
print(any('big.bin' in line for line in f.nlst()))
f.quit()`,
    );
    assert.equal(out[0], '426 Connection closed; transfer aborted.');
    assert.equal(out[1]!.length - "['']".length, 10, out[1]);
    assert.equal(out[2], 'True');
    assert.deepEqual(fired(), [['LIST', '/pub', { cutAfter: 10 }]]);
  });

  test(
    'cutAfter at STOR: the upload is cut, not committed, and the retry is stored whole',
    needs('curl'),
    async () => {
      host.faults.add({
        service: 'ftp',
        match: { command: 'STOR' },
        action: { cutAfter: 1000 },
        times: 1,
      });
      const dir = tempDir();
      writeFileSync(join(dir, 'up.bin'), BIG);
      const url = `ftp://127.0.0.1:${port}/pub/up.bin`;
      const cut = await runClient('curl', [
        '-sS',
        '-u',
        'demo:demo',
        '-T',
        join(dir, 'up.bin'),
        url,
      ]);
      assert.notEqual(cut.code, 0, cut.output);
      assert.equal(
        existsSync(join(pub, 'up.bin')),
        false,
        'no partial file (keepPartialUploads off)',
      );
      const whole = await runClient('curl', [
        '-sS',
        '-u',
        'demo:demo',
        '-T',
        join(dir, 'up.bin'),
        url,
      ]);
      assert.equal(whole.code, 0, whole.output);
      assert.deepEqual(readFileSync(join(pub, 'up.bin')), BIG);
      assert.deepEqual(fired(), [['STOR', '/pub/up.bin', { cutAfter: 1000 }]]);
    },
  );
});
