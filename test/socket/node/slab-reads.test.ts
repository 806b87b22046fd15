import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
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
