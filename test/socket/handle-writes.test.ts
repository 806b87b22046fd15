import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket as NetSocket } from 'node:net';
import { describe, test } from 'node:test';
import {
  HandleWriter,
  handleWritesWanted,
  learnWriteWrap,
} from '../../src/socket/handle-writes.js';
import { MSG_ZEROCOPY, READY_WRITE, SocketError } from '../../src/socket/index.js';
import { closeWithReset, netPair, readAll, readExactly, sleep, tcpPair } from './support.js';

function collect(sock: NetSocket): () => Promise<Buffer> {
  const parts: Buffer[] = [];
  sock.on('data', (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise<void>((resolve) => sock.once('end', resolve));
  return async () => {
    await ended;
    return Buffer.concat(parts);
  };
}

describe('direct writes of accepted TCP connections', { skip: !handleWritesWanted() }, () => {
  test('learnWriteWrap() learns the request class from a public write and leaves the handle as it was', async () => {
    const [client, conn, stop] = await netPair();
    const received = collect(client);
    const handle = (conn as unknown as { _handle: object })._handle;
    learnWriteWrap(conn, () => conn.write(Buffer.from('public ')));
    assert.equal(HandleWriter.ready, true);
    assert.equal(Object.hasOwn(handle, 'writeBuffer'), false, 'no watch left on the handle');
    const writer = new HandleWriter(
      conn,
      () => {},
      () => {},
    );
    assert.equal(writer.write(Buffer.from('direct')), true);
    assert.equal(writer.pending, 0, 'the kernel took a small write at once');
    conn.end();
    assert.equal((await received()).toString(), 'public direct');
    stop();
  });

  test('HandleWriter.write() refuses (writes nothing) once the stream has no handle', async () => {
    const [client, conn, stop] = await netPair();
    learnWriteWrap(conn, () => conn.write(Buffer.from('x')));
    conn.destroy();
    assert.equal(
      new HandleWriter(
        conn,
        () => {},
        () => {},
      ).write(Buffer.from('late')),
      false,
    );
    client.destroy();
    stop();
  });

  test('a direct write the kernel cannot take at once completes, then notifies, in order', async () => {
    const [client, conn, stop] = await netPair();
    learnWriteWrap(conn, () => conn.write(Buffer.from('>')));
    client.pause();
    let notified = 0;
    const writer = new HandleWriter(
      conn,
      () => notified++,
      () => {},
    );
    const big = randomBytes(8 * 1024 * 1024);
    assert.equal(writer.write(big), true);
    assert.ok(writer.pending > 0, 'libuv holds the rest while the client does not read');
    assert.equal(writer.write(Buffer.from('x')), false, 'one direct write in flight at a time');
    // What the caller then writes publicly queues behind it in libuv.
    conn.write(Buffer.from('<'));
    conn.end();
    const received = collect(client);
    client.resume();
    const all = await received();
    assert.equal(all.length, big.length + 2);
    assert.equal(all[0], '>'.charCodeAt(0));
    assert.ok(all.subarray(1, 1 + big.length).equals(big));
    assert.equal(all.at(-1), '<'.charCodeAt(0));
    assert.equal(writer.pending, 0);
    assert.equal(notified, 1, 'completion reported once');
    stop();
  });

  test('a polyport send that waits in libuv is counted against the send buffer and delivered in order', async () => {
    const [a, b] = await tcpPair();
    await b.sendall(Buffer.from('warm-up'));
    assert.equal((await readExactly(a, 7)).toString(), 'warm-up');
    // More than loopback's socket buffers hold, so the sender must wait for the reader.
    const payload = randomBytes(48 * 1024 * 1024);
    let settled = false;
    const sending = b.sendall(payload, MSG_ZEROCOPY).then(() => {
      settled = true;
      b.close();
    });
    // Until the client reads, the queued bytes fill b's send buffer: b stops being writable.
    while (!settled && (b.readiness & READY_WRITE) !== 0) await sleep(5);
    assert.equal(settled, false);
    const all = await readAll(a);
    await sending;
    assert.ok(all.equals(payload));
    a.close();
  });

  test('close() after a send that waits still delivers every byte, then end of stream', async () => {
    const [a, b] = await tcpPair();
    await b.sendall(Buffer.from('.'));
    await readExactly(a, 1);
    const payload = randomBytes(200 * 1024);
    let sent = 0;
    while (sent < payload.length) {
      const n = b.sendNowait(payload.subarray(sent));
      if (n < 0) break;
      sent += n;
    }
    b.close();
    const all = await readAll(a);
    assert.ok(all.equals(payload.subarray(0, sent)));
    a.close();
  });

  test('bytes sent without MSG_ZEROCOPY are the socket’s copy: changing the buffer later changes nothing', async () => {
    const [a, b] = await tcpPair();
    const data = Buffer.from('before');
    assert.equal(b.sendNowait(data), data.length);
    data.write('AFTER!');
    b.close();
    assert.equal((await readAll(a)).toString(), 'before');
    a.close();
  });

  test('a sender in a tight loop learns of a reset within a call or two, not a tick later', async () => {
    // chargen's producer sends while there is room; a failed write reported only on the
    // 'error' event (a tick later) left it looping forever with the event loop blocked.
    const [a, b] = await tcpPair();
    await b.sendall(Buffer.from('hi'));
    await readExactly(a, 2);
    // No await from here on: the reset reaches b's kernel socket inside close(), and b's
    // loop must stop on its own write's failure, before any read could report the reset.
    closeWithReset(a);
    let calls = 0;
    let failure: unknown = null;
    for (; calls < 10_000 && failure === null; calls++) {
      try {
        if (b.sendNowait(Buffer.alloc(1024)) < 0) break;
      } catch (err) {
        failure = err;
      }
    }
    assert.ok(failure instanceof SocketError, `no error after ${calls} sends`);
    assert.ok(calls <= 2, `the error came only after ${calls} sends`);
    b.close();
  });
});

test('POLYPORT_PUBLIC_WRITES=1 (or POLYPORT_PUBLIC_READS=1) forces the public write path', () => {
  const saved = [process.env.POLYPORT_PUBLIC_WRITES, process.env.POLYPORT_PUBLIC_READS];
  try {
    delete process.env.POLYPORT_PUBLIC_READS;
    process.env.POLYPORT_PUBLIC_WRITES = '1';
    assert.equal(handleWritesWanted(), false);
    delete process.env.POLYPORT_PUBLIC_WRITES;
    assert.equal(handleWritesWanted(), true);
    process.env.POLYPORT_PUBLIC_READS = '1';
    assert.equal(handleWritesWanted(), false);
  } finally {
    const [writes, reads] = saved;
    if (writes === undefined) delete process.env.POLYPORT_PUBLIC_WRITES;
    else process.env.POLYPORT_PUBLIC_WRITES = writes;
    if (reads === undefined) delete process.env.POLYPORT_PUBLIC_READS;
    else process.env.POLYPORT_PUBLIC_READS = reads;
  }
});
