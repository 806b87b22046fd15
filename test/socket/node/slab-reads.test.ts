import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { releaseSlabBytes } from '../../../src/socket/node/read-slab.js';
import { attachSlabReads, slabReads } from '../../../src/socket/node/slab-reads.js';
import { netPair, readAll, readExactly, sleep, tcpPair } from '../support.js';
import { withSwitchOff } from './switches.js';

// The accelerator's own tests run it on every major, also where it is off by default.
process.env.POLYPORT_ACCELERATE = 'force';

describe('slab reads of accepted TCP connections', () => {
  // The accelerator's own tests run it even in CI's pass with every accelerator switched off.
  before(async () => {
    assert.equal(await withSwitchOff('POLYPORT_PUBLIC_READS', () => slabReads.ready()), true);
  });

  test('its self-test passes on this Node and the accelerator reports itself active', () => {
    withSwitchOff('POLYPORT_PUBLIC_READS', () => {
      assert.deepEqual(slabReads.status(), { name: 'slab_reads', active: true, reason: '' });
    });
  });

  test('bytes recv() returned are never rewritten by later reads', async () => {
    const [a, b] = await tcpPair();
    const first = randomBytes(1000);
    await a.sendall(first);
    const got = await readExactly(b, first.length);
    const kept = Buffer.from(got);
    // Several MiB more: enough to use up the slab the first bytes sit in and start new ones.
    const rest = randomBytes(3 * 1024 * 1024 + 17);
    const reader = readExactly(b, rest.length);
    await a.sendall(rest);
    assert.deepEqual(await reader, rest);
    assert.deepEqual(got, kept);
    a.close();
    b.close();
  });

  test('slabs whose every byte was released are reused; held bytes never are', async () => {
    const [client, conn, stop] = await netPair(true);
    const slabs = new Set<ArrayBufferLike>();
    const held: Array<[Buffer, Buffer]> = [];
    const received: Buffer[] = [];
    let total = 0;
    withSwitchOff('POLYPORT_PUBLIC_READS', () =>
      attachSlabReads(conn, (chunk) => {
        slabs.add(chunk.buffer);
        received.push(Buffer.from(chunk));
        // The first 2 MiB are kept (as recv() views would be), the rest released.
        if (total < 2 * 1024 * 1024) held.push([chunk, Buffer.from(chunk)]);
        else releaseSlabBytes(chunk.buffer, chunk.length);
        total += chunk.length;
      }),
    );
    conn.resume();
    const ended = new Promise((resolve) => conn.once('end', resolve));
    const payload = randomBytes(12 * 1024 * 1024);
    client.end(payload);
    await ended;
    conn.destroy();
    stop();
    assert.ok(Buffer.concat(received).equals(payload));
    for (const [view, copy] of held) assert.ok(view.equals(copy), 'a held view was rewritten');
    // 12 MiB through 1 MiB slabs takes 12 or 13 without reuse: the slabs with kept chunks (3 at
    // most) are never reused, and the others are.
    assert.ok(slabs.size <= 6, `${slabs.size} slabs`);
  });

  test('a connection whose chunks are all released at once reads through two or three slabs', async () => {
    const [client, conn, stop] = await netPair(true);
    const slabs = new Set<ArrayBufferLike>();
    withSwitchOff('POLYPORT_PUBLIC_READS', () =>
      attachSlabReads(conn, (chunk) => {
        slabs.add(chunk.buffer);
        releaseSlabBytes(chunk.buffer, chunk.length);
      }),
    );
    conn.resume();
    const ended = new Promise((resolve) => conn.once('end', resolve));
    client.end(randomBytes(8 * 1024 * 1024));
    await ended;
    assert.ok(slabs.size <= 3, `8 MiB used ${slabs.size} slabs: released ones are reused`);
    conn.destroy();
    stop();
  });

  test('a connection that does not read is paused and later gets every byte in order', async () => {
    const [a, b] = await tcpPair();
    const payload = randomBytes(4 * 1024 * 1024);
    // sendall() can only finish once b resumes reading, so start it and let the buffers fill.
    const sending = a.sendall(payload).then(() => a.close());
    await sleep(50);
    const all = await readAll(b, 100_000);
    await sending;
    assert.equal(all.length, payload.length);
    assert.ok(all.equals(payload));
    b.close();
  });

  test('after the peer half-closes, recv() returns b"" and sending still works', async () => {
    const [a, b] = await tcpPair();
    await a.sendall(Buffer.from('last words'));
    a.shutdown(1);
    assert.equal((await readAll(b)).toString(), 'last words');
    await b.sendall(Buffer.from('reply'));
    b.close();
    assert.equal((await readAll(a)).toString(), 'reply');
    a.close();
  });

  test('attachSlabReads() delivers chunks in place of data events', async () => {
    const [client, conn, stop] = await netPair(true);
    const chunks: Buffer[] = [];
    assert.equal(
      withSwitchOff('POLYPORT_PUBLIC_READS', () =>
        attachSlabReads(conn, (chunk) => chunks.push(chunk)),
      ),
      true,
    );
    conn.resume();
    const ended = new Promise((resolve) => conn.once('end', resolve));
    client.end('hello slab');
    await ended;
    assert.equal(Buffer.concat(chunks).toString(), 'hello slab');
    conn.destroy();
    stop();
  });

  test('attachSlabReads() refuses a stream that is already reading and changes nothing', async () => {
    const [client, conn, stop] = await netPair(true);
    const received: string[] = [];
    const first = new Promise((resolve) => conn.once('data', resolve));
    conn.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    conn.resume();
    client.write('one ');
    await first;
    try {
      assert.equal(
        withSwitchOff('POLYPORT_PUBLIC_READS', () =>
          attachSlabReads(conn, () => assert.fail('slab reads attached')),
        ),
        false,
      );
      const second = new Promise((resolve) => conn.once('data', resolve));
      client.write('two');
      await second;
      assert.equal(received.join(''), 'one two');
    } finally {
      client.destroy();
      conn.destroy();
      stop();
    }
  });

  test('POLYPORT_PUBLIC_READS=1 forces the public path and says so', () => {
    const saved = process.env.POLYPORT_PUBLIC_READS;
    try {
      process.env.POLYPORT_PUBLIC_READS = '1';
      assert.equal(slabReads.usable(), false);
      assert.deepEqual(slabReads.status(), {
        name: 'slab_reads',
        active: false,
        reason: 'POLYPORT_PUBLIC_READS=1',
      });
      delete process.env.POLYPORT_PUBLIC_READS;
      assert.equal(slabReads.usable(), true);
    } finally {
      if (saved === undefined) delete process.env.POLYPORT_PUBLIC_READS;
      else process.env.POLYPORT_PUBLIC_READS = saved;
    }
  });
});
