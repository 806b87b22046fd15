/** curl against polyport's FTP server: download, upload, list, resume and FTPS. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { serverTls, startFixture } from '../protocols/ftp/ftp-fixture.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

function curl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('curl', ['-sS', '--max-time', '20', '-u', 'demo:demo', ...args], {
    timeout: 30_000,
    encoding: 'utf8',
  });
}

test('curl downloads, uploads, lists and resumes over plain FTP', needs('curl'), async () => {
  const f = await startFixture();
  const dir = mkdtempSync(join(tmpdir(), 'polyport-curl-'));
  try {
    const base = `ftp://127.0.0.1:${f.port}`;
    assert.equal((await curl(`${base}/hello.txt`)).stdout, 'hello, world\n');
    assert.match((await curl(`${base}/`)).stdout, /hello\.txt/);
    assert.match((await curl('-l', `${base}/pub/`)).stdout, /^readme\.txt\r?\n$/);
    const payload = Buffer.alloc(2 * 1024 * 1024, 0x61);
    writeFileSync(join(dir, 'up.bin'), payload);
    await curl('-T', join(dir, 'up.bin'), `${base}/pub/up.bin`);
    assert.deepEqual(readFileSync(join(f.root, 'pub', 'up.bin')), payload);
    await curl('--ftp-port', '-', '-o', join(dir, 'active.bin'), `${base}/pub/up.bin`);
    assert.deepEqual(readFileSync(join(dir, 'active.bin')), payload);
    writeFileSync(join(dir, 'part.bin'), payload.subarray(0, 1000));
    await curl('-C', '-', '-o', join(dir, 'part.bin'), `${base}/pub/up.bin`);
    assert.deepEqual(readFileSync(join(dir, 'part.bin')), payload);
  } finally {
    await f.stop();
  }
});

test('curl --ssl-reqd uses AUTH TLS and PROT P', needs('curl'), async () => {
  const f = await startFixture({ tls: await serverTls(), requireTls: true });
  const dir = mkdtempSync(join(tmpdir(), 'polyport-curl-'));
  try {
    const base = `ftp://127.0.0.1:${f.port}`;
    assert.equal((await curl('--ssl-reqd', '-k', `${base}/hello.txt`)).stdout, 'hello, world\n');
    writeFileSync(join(dir, 's.txt'), 'secure upload');
    await curl('--ssl-reqd', '-k', '-T', join(dir, 's.txt'), `${base}/s.txt`);
    assert.equal(readFileSync(join(f.root, 's.txt'), 'utf8'), 'secure upload');
    assert.match((await curl('--ssl-reqd', '-k', `${base}/`)).stdout, /s\.txt/);
    assert.ok(f.records.some((r) => r.msg === 'transfer' && r.tls === true));
  } finally {
    await f.stop();
  }
});
