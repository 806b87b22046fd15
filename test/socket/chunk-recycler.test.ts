/**
 * A download's chunks are read into buffers the socket is done with, never into one it still
 * holds: the bytes a slow reader gets are the file's, byte for byte, while chunks are reused.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { ChunkRecycler } from '../../src/socket/chunk-recycler.js';
import { raw, startFixture } from '../protocols/ftp/ftp-fixture.js';

test('ChunkRecycler gives a chunk back only once the socket holds less than was handed after it', () => {
  const recycler = new ChunkRecycler();
  const a = Buffer.allocUnsafeSlow(100);
  const b = Buffer.allocUnsafeSlow(100);
  recycler.reading(a);
  recycler.handed(60);
  recycler.handed(40); // a wholly handed: its end is at 100
  recycler.reading(b);
  recycler.handed(100); // b's end is at 200
  assert.equal(recycler.take(undefined), undefined, 'a socket that cannot tell reuses nothing');
  assert.equal(recycler.take(101), undefined, 'the socket still holds a byte of a');
  assert.equal(recycler.take(100), a);
  assert.equal(recycler.take(0), b);
  assert.equal(recycler.take(0), undefined);
  // A view of part of a buffer (a file's last chunk) is never reused.
  recycler.reading(Buffer.allocUnsafeSlow(100).subarray(0, 10));
  recycler.handed(10);
  assert.equal(recycler.take(0), undefined);
});

test('ChunkRecycler counts bytes sent between chunks (a response head) before the next chunk', () => {
  const recycler = new ChunkRecycler();
  const a = Buffer.allocUnsafeSlow(100);
  const b = Buffer.allocUnsafeSlow(100);
  recycler.handed(30); // a head, before any chunk
  recycler.reading(a); // a's end is at 130
  recycler.handed(100);
  recycler.handed(20); // another head
  recycler.reading(b); // b's end is at 250
  recycler.handed(100);
  assert.equal(recycler.take(121), undefined, 'the socket still holds a byte of a');
  assert.equal(recycler.take(120), a);
  assert.equal(recycler.take(1), undefined, 'nor is b done');
  assert.equal(recycler.take(0), b);
});

test('RETR to a slow reader sends the file byte for byte while its chunks are reused', async () => {
  const f = await startFixture();
  const file = randomBytes(12 * 1024 * 1024 + 12_345);
  writeFileSync(join(f.root, 'big.bin'), file);
  const c = await raw(f.port);
  try {
    assert.match(await c.cmd('USER demo'), /^331 /);
    assert.match(await c.cmd('PASS demo'), /^230 /);
    assert.match(await c.cmd('TYPE I'), /^200 /);
    const port = Number(/\|\|\|(\d+)\|/.exec(await c.cmd('EPSV'))?.[1]);
    const data = connect(port, '127.0.0.1');
    const hash = createHash('sha256');
    let received = 0;
    let sincePause = 0;
    // Read in bursts with pauses, so the server's socket is full and holds chunks for a while.
    const done = new Promise<void>((resolve, reject) => {
      data.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
        sincePause += chunk.length;
        if (sincePause >= 256 * 1024) {
          sincePause = 0;
          data.pause();
          setTimeout(() => data.resume(), 2);
        }
      });
      data.on('end', resolve);
      data.on('error', reject);
    });
    assert.match(await c.cmd('RETR big.bin'), /^150 /);
    await done;
    assert.match(await c.read(), /^226 /);
    assert.equal(received, file.length);
    assert.equal(hash.digest('hex'), createHash('sha256').update(file).digest('hex'));
  } finally {
    c.sock.close();
    await f.stop();
  }
});
