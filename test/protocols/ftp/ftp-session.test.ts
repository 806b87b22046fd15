/** The FTP server's command handling, driven over a raw control connection. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { createConnection, type Socket } from '../../../src/socket/index.js';
import { raw, serverTls, startFixture } from './ftp-fixture.js';

async function loggedIn(port: number): Promise<Awaited<ReturnType<typeof raw>>> {
  const c = await raw(port);
  assert.match(await c.cmd('USER demo'), /^331 /);
  assert.match(await c.cmd('PASS demo'), /^230 /);
  return c;
}

async function dataPort(c: Awaited<ReturnType<typeof raw>>): Promise<number> {
  return Number(/\|\|\|(\d+)\|/.exec(await c.cmd('EPSV'))?.[1]);
}

async function readAll(sock: Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const d = await sock.recv(65536);
    if (d.length === 0) return Buffer.concat(parts);
    parts.push(d);
  }
}

test('the server greets, names its system, and answers unknown, unimplemented and early commands', async () => {
  const f = await startFixture();
  const c = await raw(f.port);
  try {
    assert.match(await c.cmd('SYST'), /^215 UNIX Type: L8/);
    assert.match(await c.cmd('NOOP'), /^200 /);
    assert.match(await c.cmd('FROB'), /^500 /);
    assert.match(await c.cmd('SITE CHMOD 777 x'), /^502 /);
    assert.match(await c.cmd('ACCT x'), /^502 /);
    assert.match(await c.cmd('PWD'), /^530 /);
    assert.match(await c.cmd('RETR hello.txt'), /^530 /);
    assert.match(await c.cmd('PASS demo'), /^503 /);
    assert.match(await c.cmd('HELP'), /^214-/);
    assert.match(await c.cmd('HELP RETR'), /^214 Syntax: RETR/);
    assert.match(await c.cmd('HELP SITE'), /^214[- ]SITE <sp> subcommand/);
    const feat = await c.cmd('FEAT');
    assert.match(feat, /^211-Features:/);
    assert.match(feat, / MLST type\*;/);
    assert.doesNotMatch(feat, /AUTH TLS/, 'no TLS offered without a certificate');
    assert.match(await c.cmd('AUTH TLS'), /^502 /);
    assert.match(await c.cmd('QUIT'), /^221 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('FEAT offers AUTH TLS, PBSZ and PROT when the server has a certificate', async () => {
  const f = await startFixture({ tls: await serverTls() });
  const c = await raw(f.port);
  try {
    const feat = await c.cmd('FEAT');
    assert.match(feat, / AUTH TLS\r\n/);
    assert.match(feat, / PBSZ\r\n PROT\r\n/);
    assert.match(await c.cmd('PBSZ 0'), /^503 /);
    assert.match(await c.cmd('AUTH XYZ'), /^504 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('anonymous users log in read-only and a disabled anonymous login is refused', async () => {
  const f = await startFixture();
  const c = await raw(f.port);
  try {
    assert.match(await c.cmd('USER anonymous'), /^331 /);
    assert.match(await c.cmd('PASS me@example.test'), /^230 /);
    assert.match(await c.cmd('SIZE hello.txt'), /^213 13/);
    assert.match(await c.cmd('MKD x'), /^550 /);
    assert.match(await c.cmd('REIN'), /^220 /);
    assert.match(await c.cmd('PWD'), /^530 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
  const g = await startFixture({ anonymous: false });
  const d = await raw(g.port);
  try {
    assert.match(await d.cmd('USER ftp'), /^530 /);
  } finally {
    d.sock.close();
    await g.stop();
  }
});

test('TYPE A converts line ends both ways; TYPE I leaves bytes alone', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    assert.match(await c.cmd('TYPE A'), /^200 /);
    let data = await createConnection(['127.0.0.1', await dataPort(c)], 10);
    assert.match(await c.cmd('STOR text.txt'), /^150 /);
    await data.sendall('one\r\ntwo\r\n');
    data.close();
    assert.match(await c.read(), /^226 /);
    assert.equal(readFileSync(join(f.root, 'text.txt'), 'utf8'), 'one\ntwo\n');
    data = await createConnection(['127.0.0.1', await dataPort(c)], 10);
    assert.match(await c.cmd('RETR text.txt'), /^150 Opening ASCII mode/);
    assert.equal((await readAll(data)).toString(), 'one\r\ntwo\r\n');
    data.close();
    assert.match(await c.read(), /^226 /);
    assert.match(await c.cmd('TYPE L 8'), /^200 Switching to Binary/);
    assert.match(await c.cmd('TYPE E'), /^504 /);
    assert.match(await c.cmd('MODE B'), /^504 /);
    assert.match(await c.cmd('STRU F'), /^200 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('STOU stores under a unique name and says which', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    const data = await createConnection(['127.0.0.1', await dataPort(c)], 10);
    const started = await c.cmd('STOU hello.txt');
    assert.match(started, /^150 FILE: hello\.txt\.1/);
    await data.sendall('unique');
    data.close();
    assert.match(await c.read(), /^226 /);
    assert.equal(readFileSync(join(f.root, 'hello.txt.1'), 'utf8'), 'unique');
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('MLST, OPTS MLST, MDTM, MFMT and STAT path describe files on the control connection', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    const mlst = await c.cmd('MLST hello.txt');
    assert.match(
      mlst,
      /^250-Listing \/hello\.txt\r\n type=file;size=13;modify=\d{14};perm=adfrw;unique=[^;]+; \/hello\.txt\r\n250 End/,
    );
    assert.match(await c.cmd('OPTS MLST size;type;'), /^200 MLST OPTS type;size;/);
    assert.match(await c.cmd('MLST pub'), / type=dir; \/pub\r\n/);
    assert.match(await c.cmd('OPTS UTF8 ON'), /^200 /);
    assert.match(
      await c.cmd('MFMT 20200102030405 hello.txt'),
      /^213 Modify=20200102030405; hello\.txt/,
    );
    assert.match(await c.cmd('MDTM hello.txt'), /^213 20200102030405/);
    const stat = await c.cmd('STAT -la /pub');
    assert.match(stat, /^213-Status of \/pub:\r\n-rw-r--r-- .* readme\.txt\r\n213 End of status/);
    assert.match(await c.cmd('STAT'), /^211-polyport FTP server status:/);
    assert.match(await c.cmd('RNTO x'), /^503 /);
    assert.match(await c.cmd('RNFR hello.txt'), /^350 /);
    assert.match(await c.cmd('NOOP'), /^200 /);
    assert.match(await c.cmd('RNTO x'), /^503 /, 'RNFR is forgotten after another command');
    assert.match(await c.cmd('REST abc'), /^501 /);
    assert.match(await c.cmd('RETR nope.txt'), /^425 |^550 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('EPSV ALL refuses PASV and PORT afterwards; PASV announces passiveAddress from the range', async () => {
  const f = await startFixture({ passivePorts: [40100, 40140], passiveAddress: '192.0.2.9' });
  const c = await loggedIn(f.port);
  try {
    const pasv = await c.cmd('PASV');
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(pasv);
    assert.ok(m, pasv);
    assert.equal(m.slice(1, 5).join('.'), '192.0.2.9');
    const port = Number(m[5]) * 256 + Number(m[6]);
    assert.ok(port >= 40100 && port <= 40140, String(port));
    assert.match(await c.cmd('EPSV 2'), /^522 /);
    assert.match(await c.cmd('EPSV ALL'), /^200 /);
    assert.match(await c.cmd('PASV'), /^503 /);
    assert.match(await c.cmd('PORT 127,0,0,1,200,10'), /^503 /);
    assert.match(await c.cmd('EPSV'), /^229 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('keepPartialUploads keeps a cut upload under its final name for a resume', async () => {
  const f = await startFixture({ keepPartialUploads: true });
  const c = await loggedIn(f.port);
  try {
    await c.cmd('TYPE I');
    const data = await createConnection(['127.0.0.1', await dataPort(c)], 10);
    assert.match(await c.cmd('STOR part.bin'), /^150 /);
    await data.sendall(Buffer.alloc(5000, 1));
    await new Promise((r) => setTimeout(r, 200));
    assert.match(await c.cmd('ABOR'), /^426 /);
    assert.match(await c.read(), /^226 /);
    data.close();
    assert.equal(readFileSync(join(f.root, 'part.bin')).length, 5000);
    assert.deepEqual(
      readdirSync(f.root).filter((n) => n.includes('.part-')),
      [],
    );
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('an idle control connection gets 421 and is closed', async () => {
  const f = await startFixture({
    limits: {
      maxConnections: 10,
      maxConnectionsPerAddress: 10,
      idleTimeout: 1,
      readTimeout: 5,
      maxRequestSize: 4096,
    },
  });
  const c = await raw(f.port);
  try {
    assert.match(await c.read(), /^421 Timeout/);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('a connection over maxConnections gets 421 busy', async () => {
  const f = await startFixture({
    limits: {
      maxConnections: 1,
      maxConnectionsPerAddress: 1,
      idleTimeout: 30,
      readTimeout: 5,
      maxRequestSize: 4096,
    },
  });
  const first = await raw(f.port);
  try {
    const second = await createConnection(['127.0.0.1', f.port], 5);
    assert.match((await readAll(second)).toString(), /^421 Too many connections/);
    second.close();
  } finally {
    first.sock.close();
    await f.stop();
  }
});

test('a command flood gets 421 and the connection is closed', async () => {
  const f = await startFixture({ maxCommandsPerSecond: 5 });
  const sock = await createConnection(['127.0.0.1', f.port], 5);
  try {
    await sock.sendall('NOOP\r\n'.repeat(100));
    const all = (await readAll(sock)).toString();
    assert.match(all, /421 Too many commands/);
    assert.ok((all.match(/^200 /gm) ?? []).length < 20);
  } finally {
    sock.close();
    await f.stop();
  }
});

test('random bytes on the control connection get replies, never a crash', async () => {
  const f = await startFixture({ maxCommandsPerSecond: 0 });
  const sock = await createConnection(['127.0.0.1', f.port], 10);
  let seen = '';
  const until = async (marker: RegExp): Promise<void> => {
    while (!marker.test(seen)) {
      const d = await sock.recv(65536);
      assert.notEqual(d.length, 0, `connection closed; saw ${seen.slice(-300)}`);
      seen += d.toString('latin1');
    }
  };
  try {
    await until(/^220 /m);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (junk) => {
        const text = Buffer.from(junk).toString('latin1');
        fc.pre(!/QUIT|REIN|USER|PASS|AUTH/i.test(text));
        n += 1;
        seen = '';
        await sock.sendall(Buffer.concat([Buffer.from(junk), Buffer.from(`\r\nHELP X${n}Y\r\n`)]));
        await until(new RegExp(`501 Unknown command X${n}Y`));
      }),
      { numRuns: 60 },
    );
  } finally {
    sock.close();
    await f.stop();
  }
});
