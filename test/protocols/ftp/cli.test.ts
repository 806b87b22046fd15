/** `polyport ftp` run in-process against a test server. */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIO } from '../../../src/protocols/common/index.js';
import { ftpCommand } from '../../../src/protocols/ftp/index.js';
import { FaultProxy } from '../../../src/testing/index.js';
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

test('polyport ftp answers a wrong number of operands, get - --continue, and put - without a file name or with --continue with exit 2, before connecting', async () => {
  // Nothing listens on port 1: a command that tried to connect would exit 1, not 2.
  const url = 'ftp://127.0.0.1:1/hello.txt';
  const folder = 'ftp://127.0.0.1:1/pub/';
  for (const argv of [
    [],
    ['ls'],
    ['put', url],
    ['get', url, '-', '--continue'],
    ['put', '-', folder],
    ['put', '-', 'ftp://127.0.0.1:1'],
    ['put', '-', url, '--continue'],
  ]) {
    const cli = io();
    assert.equal(await ftpCommand.run(argv, cli), 2, `${argv.join(' ')}: ${cli.err()}`);
    assert.match(cli.err(), /^polyport ftp: /);
  }
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

test('polyport ftp put and get move a multi-MiB file byte for byte, and get --continue resumes it', async () => {
  const f = await startFixture();
  const local = mkdtempSync(join(tmpdir(), 'polyport-ftp-cli-'));
  try {
    const base = `ftp://127.0.0.1:${f.port}`;
    // Many batches on both sides and a ragged end, in bytes that differ from place to place.
    const big = Buffer.alloc(3 * 1024 * 1024 + 5);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
    writeFileSync(join(local, 'big.bin'), big);
    const put = io();
    assert.equal(
      await ftpCommand.run(['put', join(local, 'big.bin'), `${base}/pub/`], put),
      0,
      put.err(),
    );
    assert.ok(readFileSync(join(f.root, 'pub', 'big.bin')).equals(big), 'uploaded whole');
    const target = join(local, 'back.bin');
    const get = io();
    assert.equal(await ftpCommand.run(['get', `${base}/pub/big.bin`, target], get), 0, get.err());
    assert.ok(readFileSync(target).equals(big), 'downloaded whole');
    writeFileSync(target, big.subarray(0, 1024 * 1024 + 3));
    const resume = io();
    assert.equal(await ftpCommand.run(['get', '-c', `${base}/pub/big.bin`, target], resume), 0);
    assert.ok(readFileSync(target).equals(big), 'resumed to the same bytes');
  } finally {
    await f.stop();
  }
});

test('polyport ftp get URL - writes the file to stdout', async () => {
  const f = await startFixture();
  try {
    const cli = io();
    assert.equal(await ftpCommand.run(['get', `ftp://127.0.0.1:${f.port}/hello.txt`, '-'], cli), 0);
    assert.equal(cli.out(), 'hello, world\n');
  } finally {
    await f.stop();
  }
});

test('polyport ftp put - uploads stdin to the file the URL names, and removes its bar at the end', async () => {
  const f = await startFixture();
  try {
    const cli = io();
    Object.assign(cli.stderr, { isTTY: true });
    // More than one read of stdin, in bytes that differ from place to place.
    const bytes = Buffer.alloc(300 * 1024 + 7);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + (i >> 10)) & 0xff;
    const stdin = cli.stdin as PassThrough;
    stdin.write(bytes.subarray(0, 100_000));
    setImmediate(() => stdin.end(bytes.subarray(100_000)));
    const url = `ftp://127.0.0.1:${f.port}/pub/from-stdin.bin`;
    assert.equal(await ftpCommand.run(['put', '-', url], cli), 0, cli.err());
    assert.ok(readFileSync(join(f.root, 'pub', 'from-stdin.bin')).equals(bytes), 'uploaded whole');
    // Its size unknown, the bar is not removed by reaching it: by the end of the transfer.
    assert.match(cli.err(), /\r/, 'a bar was drawn on the terminal');
    assert.ok(cli.err().endsWith('\r\x1b[2K'), JSON.stringify(cli.err().slice(-40)));
  } finally {
    await f.stop();
  }
});

test('polyport ftp get asks for the size (SIZE) only when it draws a progress bar', async () => {
  const f = await startFixture();
  // The proxy carries the control connection only (the data connection goes to the port the
  // server names), so its byte count is what the client said.
  const proxy = await FaultProxy.listen({ target: ['127.0.0.1', f.port] });
  const local = mkdtempSync(join(tmpdir(), 'polyport-ftp-cli-'));
  try {
    const url = `ftp://127.0.0.1:${proxy.port}/hello.txt`;
    const plain = io();
    assert.equal(await ftpCommand.run(['get', url, join(local, 'a')], plain), 0, plain.err());
    const tty = io();
    Object.assign(tty.stderr, { isTTY: true });
    assert.equal(await ftpCommand.run(['get', url, join(local, 'b')], tty), 0, tty.err());
    assert.match(tty.err(), /\r/, 'a bar was drawn on the terminal');
    const [first, second] = proxy.connections;
    await Promise.all([first?.closed, second?.closed]);
    assert.equal(
      (second?.toServer.bytes ?? 0) - (first?.toServer.bytes ?? 0),
      'TYPE I\r\nSIZE hello.txt\r\n'.length,
      'the bar run said TYPE I and SIZE more, the plain run nothing else',
    );
    assert.equal(readFileSync(join(local, 'a'), 'utf8'), 'hello, world\n');
    assert.equal(readFileSync(join(local, 'b'), 'utf8'), 'hello, world\n');
  } finally {
    await proxy.close();
    await f.stop();
  }
});

test('polyport ftp ls of a file lists that file', async () => {
  const f = await startFixture();
  try {
    const cli = io();
    const code = await ftpCommand.run(['ls', `ftp://127.0.0.1:${f.port}/pub/readme.txt`], cli);
    assert.equal(code, 0, cli.err());
    const lines = cli.out().trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^-\S+\s.*\s8\s.*\sreadme\.txt$/);
  } finally {
    await f.stop();
  }
});

test('polyport ftp mirror keeps mtimes, skips unchanged files, and --delete removes extras', async () => {
  const f = await startFixture();
  const local = mkdtempSync(join(tmpdir(), 'polyport-ftp-mirror-'));
  try {
    const base = `ftp://127.0.0.1:${f.port}`;
    const old = new Date('2020-01-02T03:04:05Z');
    utimesSync(join(f.root, 'pub', 'readme.txt'), old, old);
    const first = io();
    assert.equal(await ftpCommand.run(['mirror', `${base}/pub`, local], first), 0, first.err());
    assert.equal(statSync(join(local, 'readme.txt')).mtime.getTime(), old.getTime());
    const second = io();
    writeFileSync(join(local, 'extra.txt'), 'not on the server');
    assert.equal(await ftpCommand.run(['mirror', `${base}/pub`, local], second), 0);
    assert.match(second.err(), /^0 files downloaded, \d+ unchanged\n$/);
    assert.ok(existsSync(join(local, 'extra.txt')));
    const third = io();
    assert.equal(await ftpCommand.run(['mirror', '--delete', `${base}/pub`, local], third), 0);
    assert.match(third.err(), /^0 files downloaded, \d+ unchanged, 1 deleted\n$/);
    assert.ok(!existsSync(join(local, 'extra.txt')));
  } finally {
    await f.stop();
  }
});

test('polyport ftp mirror --reverse sets the remote mtime, skips unchanged files, and --delete removes extras', async () => {
  const f = await startFixture();
  const local = mkdtempSync(join(tmpdir(), 'polyport-ftp-mirror-up-'));
  try {
    const base = `ftp://127.0.0.1:${f.port}`;
    const old = new Date('2021-05-06T07:08:09Z');
    writeFileSync(join(local, 'a.txt'), 'aaa');
    utimesSync(join(local, 'a.txt'), old, old);
    const first = io();
    assert.equal(
      await ftpCommand.run(['mirror', '--reverse', local, `${base}/up`], first),
      0,
      first.err(),
    );
    assert.equal(statSync(join(f.root, 'up', 'a.txt')).mtime.getTime(), old.getTime());
    writeFileSync(join(f.root, 'up', 'stale.txt'), 'gone locally');
    const second = io();
    assert.equal(
      await ftpCommand.run(['mirror', '--reverse', '--delete', local, `${base}/up`], second),
      0,
      second.err(),
    );
    assert.equal(second.err(), '0 files uploaded, 1 unchanged, 1 deleted\n');
    assert.ok(!existsSync(join(f.root, 'up', 'stale.txt')));
  } finally {
    await f.stop();
  }
});
