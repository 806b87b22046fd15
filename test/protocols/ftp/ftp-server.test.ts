/** The FTP server and client over real loopback sockets. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FtpClient, FtpError } from '../../../src/protocols/ftp/index.js';
import {
  CERT_NONE,
  createConnection,
  PROTOCOL_TLS_CLIENT,
  type Socket,
  SSLContext,
} from '../../../src/socket/index.js';
import { type FtpFixture, raw, serverTls, startFixture } from './ftp-fixture.js';

async function withServer(
  run: (f: FtpFixture, ftp: FtpClient) => Promise<void>,
  extra: Parameters<typeof startFixture>[0] = {},
): Promise<void> {
  const f = await startFixture(extra);
  const ftp = await FtpClient.connect('127.0.0.1', f.port, { timeout: 10 });
  try {
    await run(f, ftp);
  } finally {
    ftp.close();
    await f.stop();
  }
}

test('a user logs in, lists, downloads and uploads over passive connections', async () => {
  await withServer(async (f, ftp) => {
    await ftp.login('demo', 'demo');
    assert.equal(await ftp.pwd(), '/');
    const names = (await ftp.list()).map((e) => e.name).sort();
    assert.deepEqual(names, ['hello.txt', 'pub']);
    const chunks: Buffer[] = [];
    for await (const c of ftp.getStream('hello.txt')) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'hello, world\n');
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await ftp.putStream('pub/big.bin', [big]);
    assert.deepEqual(readFileSync(join(f.root, 'pub', 'big.bin')), big);
    assert.equal(await ftp.size('pub/big.bin'), big.length);
    assert.ok(
      f.records.some((r) => r.msg === 'transfer' && r.command === 'STOR' && r.bytes === big.length),
    );
  });
});

test('active mode transfers go to the client itself', async () => {
  const f = await startFixture();
  const ftp = await FtpClient.connect('127.0.0.1', f.port, { timeout: 10, active: true });
  try {
    await ftp.login('demo', 'demo');
    assert.deepEqual(await ftp.nlst('pub'), ['readme.txt']);
    await ftp.putStream('a.txt', [Buffer.from('active')]);
    assert.equal(readFileSync(join(f.root, 'a.txt'), 'utf8'), 'active');
  } finally {
    ftp.close();
    await f.stop();
  }
});

test('directory commands make, rename and remove files and directories', async () => {
  await withServer(async (f, ftp) => {
    await ftp.login('demo', 'demo');
    assert.equal(await ftp.mkdir('new'), '/new');
    await ftp.cwd('new');
    assert.equal(await ftp.pwd(), '/new');
    await ftp.putStream('x.txt', [Buffer.from('x')]);
    await ftp.rename('x.txt', '/pub/y.txt');
    assert.ok(existsSync(join(f.root, 'pub', 'y.txt')));
    await ftp.cwd('/');
    await ftp.rmdir('new');
    await ftp.delete('pub/y.txt');
    assert.ok(!existsSync(join(f.root, 'pub', 'y.txt')));
    assert.equal((await ftp.mdtm('hello.txt')).getUTCFullYear() > 2000, true);
  });
});

test('a wrong password is refused and the third failure closes the connection', async () => {
  await withServer(async (_f, ftp) => {
    await assert.rejects(ftp.login('demo', 'nope'), FtpError);
    await assert.rejects(ftp.login('demo', 'nope'), FtpError);
    const last = await ftp.command('USER demo').then(() => ftp.command('PASS nope'));
    assert.equal(last.code, 421);
  });
});

test('a read-only user cannot upload or delete', async () => {
  await withServer(async (_f, ftp) => {
    await ftp.login('reader', 'reader');
    assert.equal((await ftp.command('DELE hello.txt')).code, 550);
    assert.equal((await ftp.command('MKD x')).code, 550);
  });
});

test('the jail keeps .., encoded names and outward symlinks inside the root', async () => {
  await withServer(async (f, ftp) => {
    symlinkSync(f.outside, join(f.root, 'escape'));
    symlinkSync(join(f.outside, 'secret.txt'), join(f.root, 'secret-link'));
    await ftp.login('demo', 'demo');
    await ftp.cwd('../../..');
    assert.equal(await ftp.pwd(), '/');
    assert.equal((await ftp.command('CWD escape')).code, 550);
    assert.equal((await ftp.command('SIZE secret-link')).code, 550);
    assert.equal((await ftp.command('SIZE escape/secret.txt')).code, 550);
    assert.equal((await ftp.command('SIZE %2e%2e/outside/secret.txt')).code, 550);
    assert.equal((await ftp.command('SIZE ..\\outside\\secret.txt')).code, 550);
    await assert.rejects(ftp.putStream('escape/planted.txt', [Buffer.from('x')]), FtpError);
    await assert.rejects(ftp.putStream('secret-link', [Buffer.from('x')]), FtpError);
    assert.equal(readFileSync(join(f.outside, 'secret.txt'), 'utf8'), 'secret\n');
    assert.deepEqual(readdirSync(f.outside).sort(), ['secret.txt']);
  });
});

test('PORT and EPRT to another host or a privileged port are refused (bounce)', async () => {
  const f = await startFixture();
  const c = await raw(f.port);
  try {
    await c.cmd('USER demo');
    await c.cmd('PASS demo');
    assert.match(await c.cmd('PORT 10,0,0,1,200,10'), /^504 /);
    assert.match(await c.cmd('PORT 127,0,0,1,0,25'), /^504 /);
    assert.match(await c.cmd('EPRT |1|192.0.2.1|40000|'), /^504 /);
    assert.match(await c.cmd('PORT 127,0,0,1,200,10'), /^200 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('REST then RETR resumes a download and APPE continues an upload', async () => {
  await withServer(async (f, ftp) => {
    await ftp.login('demo', 'demo');
    const parts: Buffer[] = [];
    for await (const c of ftp.getStream('hello.txt', { offset: 7 })) parts.push(c as Buffer);
    assert.equal(Buffer.concat(parts).toString(), 'world\n');
    await ftp.putStream('log.txt', [Buffer.from('one ')]);
    await ftp.putStream('log.txt', [Buffer.from('two')], { append: true });
    assert.equal(readFileSync(join(f.root, 'log.txt'), 'utf8'), 'one two');
    await ftp.putStream('log.txt', [Buffer.from('TWO')], { offset: 4 });
    assert.equal(readFileSync(join(f.root, 'log.txt'), 'utf8'), 'one TWO');
  });
});

test('a cut upload leaves no file under its final name', async () => {
  const f = await startFixture();
  const c = await raw(f.port);
  try {
    await c.cmd('USER demo');
    await c.cmd('PASS demo');
    await c.cmd('TYPE I');
    const port = Number(/\|\|\|(\d+)\|/.exec(await c.cmd('EPSV'))?.[1]);
    const data = await createConnection(['127.0.0.1', port], 10);
    assert.match(await c.cmd('STOR cut.bin'), /^150 /);
    await data.sendall(Buffer.alloc(100_000, 1));
    c.sock.close();
    await new Promise((r) => setTimeout(r, 300));
    data.close();
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!existsSync(join(f.root, 'cut.bin')));
    assert.deepEqual(
      readdirSync(f.root).filter((n) => n.includes('cut')),
      [],
      'the temporary file is deleted too',
    );
  } finally {
    await f.stop();
  }
});

/** Logs `c` in as demo and starts RETR of large.bin over EPSV; returns once bytes arrive. */
async function downloadUnderWay(c: Awaited<ReturnType<typeof raw>>): Promise<Socket> {
  await c.cmd('USER demo');
  await c.cmd('PASS demo');
  await c.cmd('TYPE I');
  const port = Number(/\|\|\|(\d+)\|/.exec(await c.cmd('EPSV'))?.[1]);
  const data = await createConnection(['127.0.0.1', port], 10);
  assert.match(await c.cmd('RETR large.bin'), /^150 /);
  await data.recv(65536);
  return data;
}

test('ABOR during a download answers 426 then 226', async () => {
  const f = await startFixture();
  writeFileSync(join(f.root, 'large.bin'), Buffer.alloc(64 * 1024 * 1024));
  const c = await raw(f.port);
  try {
    const data = await downloadUnderWay(c);
    assert.match(await c.cmd('STAT'), /^213 /);
    const abort = await c.cmd('ABOR');
    assert.match(abort, /^426 /);
    data.close();
    assert.match(await c.cmd('NOOP'), /^226 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('ABOR after a Synch whose urgent IAC was lost still cuts the download (regression: tnftp got 500 and the whole file)', async () => {
  const f = await startFixture();
  writeFileSync(join(f.root, 'large.bin'), Buffer.alloc(64 * 1024 * 1024));
  const c = await raw(f.port);
  try {
    const data = await downloadUnderWay(c);
    // What Linux hands the server of tnftp's IAC IP IAC (urgent) and DM ABOR CRLF.
    await c.sock.sendall(Buffer.from([0xff, 0xf4]));
    await c.sock.sendall(Buffer.from('\xf2ABOR\r\n', 'latin1'));
    assert.match(await c.read(), /^426 /);
    assert.match(await c.read(), /^226 /);
    data.close();
    assert.match(await c.cmd('NOOP'), /^200 /);
    assert.equal(f.records.find((r) => r.msg === 'transfer')?.status, 'aborted');
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('a passive data connection from another address is refused', async () => {
  const f = await startFixture({ dataTimeout: 2 });
  const c = await raw(f.port);
  try {
    await c.cmd('USER demo');
    await c.cmd('PASS demo');
    const reply = await c.cmd('EPSV');
    const port = Number(/\|\|\|(\d+)\|/.exec(reply)?.[1]);
    // 127.0.0.2 is loopback too, but not the control connection's address.
    const stranger = await createConnection(['127.0.0.1', port], 5, ['127.0.0.2', 0]);
    assert.match(await c.cmd('RETR hello.txt'), /^150 /);
    assert.equal((await stranger.recv(100)).length, 0);
    stranger.close();
    assert.match(await c.read(), /^425 /);
    assert.ok(f.records.some((r) => r.from === '127.0.0.2'));
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('AUTH TLS and PROT P protect the control and data connections', async () => {
  const tls = await serverTls();
  await withServer(
    async (f, ftp) => {
      const client = new SSLContext(PROTOCOL_TLS_CLIENT);
      client.checkHostname = false;
      client.verifyMode = CERT_NONE;
      await ftp.authTls(client);
      await ftp.login('demo', 'demo');
      await ftp.putStream('secure.txt', [Buffer.from('over tls')]);
      const parts: Buffer[] = [];
      for await (const c of ftp.getStream('secure.txt')) parts.push(c as Buffer);
      assert.equal(Buffer.concat(parts).toString(), 'over tls');
      assert.ok(f.records.some((r) => r.msg === 'transfer' && r.tls === true));
      // put() and get() of a file: chunks handed to the TLS socket uncopied, batched writes.
      const big = Buffer.alloc(2 * 1024 * 1024 + 3);
      for (let i = 0; i < big.length; i++) big[i] = (i * 13 + (i >> 11)) & 0xff;
      writeFileSync(join(f.outside, 'big.bin'), big);
      await ftp.put(join(f.outside, 'big.bin'), 'big.bin');
      assert.ok(readFileSync(join(f.root, 'big.bin')).equals(big), 'uploaded over TLS whole');
      await ftp.get('big.bin', join(f.outside, 'back.bin'));
      assert.ok(readFileSync(join(f.outside, 'back.bin')).equals(big), 'downloaded whole');
    },
    { tls, requireTls: true },
  );
});

test('requireTls refuses a login in the clear', async () => {
  const tls = await serverTls();
  await withServer(
    async (_f, ftp) => {
      assert.equal((await ftp.command('USER demo')).code, 530);
    },
    { tls, requireTls: true },
  );
});
