/** Wildcards in LIST, NLST and STAT paths: resolveListTarget() and the server's answers. */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FtpJail } from '../../../src/protocols/ftp/server/ftp-jail.js';
import {
  listTargetPath,
  resolveListTarget,
} from '../../../src/protocols/ftp/server/list-target.js';
import { createConnection, type Socket } from '../../../src/socket/index.js';
import { type FtpFixture, raw, startFixture } from './ftp-fixture.js';

type Raw = Awaited<ReturnType<typeof raw>>;

function plant(f: FtpFixture): void {
  for (const name of ['a.txt', 'b.txt', 'c.bin', '.hidden.txt', 'x[1].txt']) {
    writeFileSync(join(f.root, name), `${name}\n`);
  }
  writeFileSync(join(f.root, 'pub', 'more.txt'), 'more\n');
  mkdirSync(join(f.root, 'docs.txt'));
  symlinkSync(join(f.outside, 'secret.txt'), join(f.root, 'secret.txt'));
}

async function readAll(sock: Socket): Promise<string> {
  const parts: Buffer[] = [];
  for (;;) {
    const d = await sock.recv(65536);
    if (d.length === 0) return Buffer.concat(parts).toString();
    parts.push(d);
  }
}

/** Runs a listing command; gives its lines, or the refusal when there is no 150. */
async function listing(c: Raw, command: string): Promise<string[] | string> {
  const port = Number(/\|\|\|(\d+)\|/.exec(await c.cmd('EPSV'))?.[1]);
  const data = await createConnection(['127.0.0.1', port], 10);
  try {
    const first = await c.cmd(command);
    if (!first.startsWith('150 ')) return first;
    const body = await readAll(data);
    assert.match(await c.read(), /^226 /);
    return body.split('\r\n').filter((l) => l !== '');
  } finally {
    data.close();
  }
}

async function session(f: FtpFixture): Promise<Raw> {
  const c = await raw(f.port);
  assert.match(await c.cmd('USER demo'), /^331 /);
  assert.match(await c.cmd('PASS demo'), /^230 /);
  return c;
}

test('NLST with wildcards lists the matching names (regression: NLST *.txt got 450)', async () => {
  const f = await startFixture();
  plant(f);
  const c = await session(f);
  try {
    const sorted = async (cmd: string) => [...((await listing(c, cmd)) as string[])].sort();
    // `*` skips hidden names and leaves out the link that leads out of the root.
    assert.deepEqual(await sorted('NLST *.txt'), [
      'a.txt',
      'b.txt',
      'docs.txt',
      'hello.txt',
      'x[1].txt',
    ]);
    assert.deepEqual(await sorted('NLST ?.txt'), ['a.txt', 'b.txt']);
    assert.deepEqual(await sorted('NLST [ab].txt'), ['a.txt', 'b.txt']);
    assert.deepEqual(await sorted('NLST [!ab].*'), ['c.bin']);
    assert.deepEqual(await sorted('NLST .*'), ['.hidden.txt']);
    // A name that exists as written is that file, not a pattern.
    assert.deepEqual(await sorted('NLST x[1].txt'), ['x[1].txt']);
    // As vsftpd: the directory as written goes before each match, so RETR finds it.
    assert.deepEqual(await sorted('NLST pub/*.txt'), ['pub/more.txt', 'pub/readme.txt']);
    assert.deepEqual(await sorted('NLST /pub/r*'), ['/pub/readme.txt']);
    assert.deepEqual(await sorted('NLST -l *.bin'), ['c.bin']);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('a pattern that matches nothing lists nothing with 226, as vsftpd; a missing directory is still refused', async () => {
  const f = await startFixture();
  plant(f);
  const c = await session(f);
  try {
    assert.deepEqual(await listing(c, 'NLST *.none'), []);
    assert.deepEqual(await listing(c, 'LIST *.none'), []);
    assert.match((await listing(c, 'NLST nodir/*.txt')) as string, /^450 /);
    assert.match((await listing(c, 'LIST nodir/*.txt')) as string, /^550 /);
    assert.match((await listing(c, 'NLST hello.txt/*')) as string, /^450 /);
    // `..` stops at the root: the pattern lists the root, never what lies above it.
    const above = (await listing(c, 'NLST ../../*')) as string[];
    assert.ok(above.includes('../../hello.txt') && !above.some((n) => /secret|outside/.test(n)));
    // MLSD takes a directory, never a pattern (RFC 3659).
    assert.match((await listing(c, 'MLSD *.txt')) as string, /^550 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('LIST and STAT expand wildcards too, in ls -l form', async () => {
  const f = await startFixture();
  plant(f);
  const c = await session(f);
  try {
    const list = (await listing(c, 'LIST *.bin')) as string[];
    assert.equal(list.length, 1);
    assert.match(list[0] ?? '', /^-rw.* c\.bin$/);
    const stat = await c.cmd('STAT pub/*.txt');
    assert.match(stat, /^213-Status of \/pub\/\*\.txt:\r\n/);
    assert.match(stat, / more\.txt\r\n/);
    assert.match(stat, / readme\.txt\r\n/);
    assert.doesNotMatch(await c.cmd('STAT *'), /secret/);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('a wildcard listing stops at maxListMatches entries', async () => {
  const f = await startFixture({ maxListMatches: 2 });
  plant(f);
  const c = await session(f);
  try {
    assert.equal(((await listing(c, 'NLST *.txt')) as string[]).length, 2);
    assert.equal(
      ((await listing(c, 'NLST')) as string[]).length >= 7,
      true,
      'plain NLST unbounded',
    );
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('resolveListTarget() takes a path as written first, then its last component as a pattern', async () => {
  const f = await startFixture();
  plant(f);
  try {
    const jail = await FtpJail.open(f.root);
    const literal = await resolveListTarget(jail, '/', 'x[1].txt');
    assert.ok(literal.ok && literal.value.pattern === undefined);
    const glob = await resolveListTarget(jail, '/pub', '../*.txt');
    assert.ok(glob.ok);
    assert.equal(glob.value.path.virtual, '/');
    assert.equal(glob.value.dir, '../');
    assert.equal(listTargetPath(glob.value), '/*.txt');
    const sub = await resolveListTarget(jail, '/', 'pub/r*');
    assert.ok(sub.ok && listTargetPath(sub.value) === '/pub/r*');
    const missing = await resolveListTarget(jail, '/', 'nodir/*.txt');
    assert.ok(!missing.ok && missing.reply.code === 550);
    const outward = await resolveListTarget(jail, '/', '../../../etc/*');
    assert.ok(!outward.ok || outward.value.path.virtual === '/');
  } finally {
    await f.stop();
  }
});
