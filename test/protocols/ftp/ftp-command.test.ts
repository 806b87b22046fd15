/** `polyport ftp` run in-process against a test server. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIO } from '../../../src/protocols/common/index.js';
import { ftpCommand } from '../../../src/protocols/ftp/index.js';
import { startFixture } from './ftp-fixture.js';

function io(): CliIO & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return {
    stdin: new PassThrough(),
    stdout,
    stderr,
    isTTY: false,
    interrupted: new Promise<void>(() => {}),
    out: () => out,
    err: () => err,
  };
}

test('polyport ftp --help prints the usage and exits 0', async () => {
  const cli = io();
  assert.equal(await ftpCommand.run(['--help'], cli), 0);
  assert.match(cli.out(), /Usage: polyport ftp ls URL/);
});

test('polyport ftp exits 2 for an unknown action or a bad URL', async () => {
  assert.equal(await ftpCommand.run(['frob', 'ftp://x/'], io()), 2);
  assert.equal(await ftpCommand.run(['ls', 'http://x/'], io()), 2);
  assert.equal(await ftpCommand.run(['--bogus'], io()), 2);
});

test('polyport ftp ls, get, put and mirror work against the server with demo/demo on loopback', async () => {
  const f = await startFixture();
  const local = mkdtempSync(join(tmpdir(), 'polyport-ftp-cli-'));
  try {
    const base = `ftp://127.0.0.1:${f.port}`;
    const ls = io();
    assert.equal(await ftpCommand.run(['ls', `${base}/`], ls), 0, ls.err());
    assert.match(ls.out(), /hello\.txt/);
    const target = join(local, 'h.txt');
    assert.equal(await ftpCommand.run(['get', `${base}/hello.txt`, target], io()), 0);
    assert.equal(readFileSync(target, 'utf8'), 'hello, world\n');
    writeFileSync(join(local, 'up.txt'), 'uploaded');
    assert.equal(await ftpCommand.run(['put', join(local, 'up.txt'), `${base}/pub/`], io()), 0);
    assert.equal(readFileSync(join(f.root, 'pub', 'up.txt'), 'utf8'), 'uploaded');
    const tree = join(local, 'tree');
    assert.equal(await ftpCommand.run(['mirror', `${base}/`, tree], io()), 0);
    assert.equal(readFileSync(join(tree, 'pub', 'readme.txt'), 'utf8'), 'read me\n');
    mkdirSync(join(local, 'src', 'sub'), { recursive: true });
    writeFileSync(join(local, 'src', 'sub', 'z.txt'), 'zzz');
    const rev = io();
    assert.equal(
      await ftpCommand.run(['mirror', '--reverse', join(local, 'src'), `${base}/back`], rev),
      0,
      rev.err(),
    );
    assert.equal(readFileSync(join(f.root, 'back', 'sub', 'z.txt'), 'utf8'), 'zzz');
    const missing = io();
    assert.equal(await ftpCommand.run(['get', `${base}/nope.txt`, join(local, 'n')], missing), 1);
    assert.match(missing.err(), /550/);
  } finally {
    await f.stop();
  }
});
