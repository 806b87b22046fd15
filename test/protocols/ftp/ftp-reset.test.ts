/**
 * A data connection reset mid-transfer is an abort, not an end of file. Before, a STOR whose
 * data connection was reset got 226 and a truncated file stood under the final name (195,551
 * of 1,048,576 bytes): data loss reported as success.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cuttingPeer } from '../../support/reset-peer.js';
import { raw, startFixture } from './ftp-fixture.js';

type Control = Awaited<ReturnType<typeof raw>>;

async function loggedIn(port: number): Promise<Control> {
  const c = await raw(port);
  assert.match(await c.cmd('USER demo'), /^331 /);
  assert.match(await c.cmd('PASS demo'), /^230 /);
  assert.match(await c.cmd('TYPE I'), /^200 /);
  return c;
}

async function dataPort(c: Control): Promise<number> {
  return Number(/\|\|\|(\d+)\|/.exec(await c.cmd('EPSV'))?.[1]);
}

/** Leftover temporary files of uploads. */
function partFiles(root: string): string[] {
  return readdirSync(root).filter((n) => n.includes('.part-'));
}

const MEGABYTE = Buffer.alloc(1_048_576, 0x5a);
const CUT_AT = 195_551;

/** Starts an upload command and resets its data connection after `CUT_AT` bytes. */
async function resetUpload(c: Control, command: string): Promise<string> {
  const data = await cuttingPeer(await dataPort(c));
  assert.match(await c.cmd(command), /^150 /);
  await data.cut(MEGABYTE.subarray(0, CUT_AT), 'reset');
  return c.read();
}

test('STOR whose data connection is reset mid-way gets 426 and leaves no file, final or temporary', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    assert.match(await resetUpload(c, 'STOR big.bin'), /^426 /);
    assert.deepEqual(readdirSync(f.root).sort(), ['hello.txt', 'pub']);
    // The session goes on: the same upload with a clean end lands whole.
    const data = await cuttingPeer(await dataPort(c));
    assert.match(await c.cmd('STOR big.bin'), /^150 /);
    await data.cut(MEGABYTE, 'end');
    assert.match(await c.read(), /^226 /);
    assert.equal(readFileSync(join(f.root, 'big.bin')).length, MEGABYTE.length);
    assert.deepEqual(partFiles(f.root), []);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('a STOR cut by a reset is logged as failed with the reset as its reason', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    assert.match(await resetUpload(c, 'STOR big.bin'), /^426 /);
    const record = f.records.find((r) => r.msg === 'transfer');
    assert.equal(record?.status, 'failed');
    assert.match(String(record?.reason), /reset/);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('STOU whose data connection is reset gets 426 and creates no file', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    assert.match(await resetUpload(c, 'STOU hello.txt'), /^426 /);
    assert.deepEqual(readdirSync(f.root).sort(), ['hello.txt', 'pub']);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('APPE whose data connection is reset gets 426 and leaves the file as it was', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    assert.match(await resetUpload(c, 'APPE hello.txt'), /^426 /);
    assert.equal(readFileSync(join(f.root, 'hello.txt'), 'utf8'), 'hello, world\n');
    assert.deepEqual(partFiles(f.root), []);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('STOR after REST whose data connection is reset gets 426 and leaves the file at the REST offset', async () => {
  const f = await startFixture();
  const c = await loggedIn(f.port);
  try {
    writeFileSync(join(f.root, 'resume.bin'), Buffer.alloc(1000, 1));
    assert.match(await c.cmd('REST 400'), /^350 /);
    assert.match(await resetUpload(c, 'STOR resume.bin'), /^426 /);
    assert.deepEqual(readFileSync(join(f.root, 'resume.bin')), Buffer.alloc(400, 1));
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('keepPartialUploads keeps a reset STOR for a resume, but the reply is still 426', async () => {
  const f = await startFixture({ keepPartialUploads: true });
  const c = await loggedIn(f.port);
  try {
    assert.match(await resetUpload(c, 'STOR big.bin'), /^426 /);
    const kept = readFileSync(join(f.root, 'big.bin')).length;
    assert.ok(kept <= CUT_AT, `${kept} bytes kept`);
    assert.deepEqual(partFiles(f.root), []);
  } finally {
    c.sock.close();
    await f.stop();
  }
});

test('RETR whose data connection is reset mid-way gets 426', async () => {
  const f = await startFixture();
  // Far more than the socket buffers hold, so the reset comes while the server still sends.
  writeFileSync(join(f.root, 'large.bin'), Buffer.alloc(64 * 1_048_576, 7));
  const c = await loggedIn(f.port);
  try {
    const data = await cuttingPeer(await dataPort(c));
    assert.match(await c.cmd('RETR large.bin'), /^150 /);
    await data.readAtLeast(CUT_AT);
    await data.cut(undefined, 'reset');
    assert.match(await c.read(), /^426 /);
    assert.match(await c.cmd('NOOP'), /^200 /, 'the session goes on');
  } finally {
    c.sock.close();
    await f.stop();
  }
});
