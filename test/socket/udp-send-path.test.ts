/**
 * The datagram fast paths: sendto() reaches the kernel inside the call, copies only what the
 * caller still owns, and keeps Python's error reporting; recvfrom() settles without waiting
 * when a datagram is queued and still waits, times out and fails as before when none is.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  MSG_PEEK,
  SOCK_DGRAM,
  type Socket,
  SocketError,
  SocketTimeoutError,
  socket,
} from '../../src/socket/index.js';
import { LOOPBACKS } from './support.js';

async function boundUdp(family = AF_INET, host = '127.0.0.1'): Promise<Socket> {
  const sock = socket(family, SOCK_DGRAM);
  await sock.bind([host, 0]);
  return sock;
}

for (const { family, host } of LOOPBACKS) {
  describe(`datagram send path over ${host}`, () => {
    test('sendtoNowait() on an unbound socket has bound it by the time it returns', async () => {
      const server = await boundUdp(family, host);
      const client = socket(family, SOCK_DGRAM);
      assert.equal(client.sendtoNowait('x', server.getsockname()), 1);
      const port = client.getsockname()[1] as number;
      assert.ok(port > 0);
      const [data, from] = await server.recvfrom(10);
      assert.equal(data.toString(), 'x');
      assert.equal(from[1], port);
      client.close();
      server.close();
    });

    test('sendtoNowait() copies the buffer: changing it after the call changes nothing sent', async () => {
      const server = await boundUdp(family, host);
      const client = await boundUdp(family, host);
      const buffer = Buffer.from('first');
      for (let i = 0; i < 50; i++) client.sendtoNowait(buffer, server.getsockname());
      buffer.write('XXXXX');
      for (let i = 0; i < 50; i++) {
        const [data] = await server.recvfrom(10);
        assert.equal(data.toString(), 'first');
      }
      client.close();
      server.close();
    });

    test('sendtoOwnedNowait() sends exactly the bytes of a view into a larger buffer', async () => {
      const server = await boundUdp(family, host);
      const client = await boundUdp(family, host);
      const backing = new Uint8Array([0x30, 0x31, 0x32, 0x33, 0x34, 0x35]);
      const view = backing.subarray(2, 5);
      assert.equal(client.sendtoOwnedNowait(view, server.getsockname()), 3);
      assert.equal(client.sendtoOwnedNowait(Buffer.from('buf'), server.getsockname()), 3);
      const [first, from] = await server.recvfrom(10);
      assert.equal(first.toString(), '234');
      assert.deepEqual(from, client.getsockname());
      assert.equal((await server.recvfrom(10))[0].toString(), 'buf');
      client.close();
      server.close();
    });
  });
}

describe('datagram send path', () => {
  test('sendtoOwnedNowait() checks its arguments as sendtoNowait() does', async () => {
    const sock = await boundUdp();
    assert.throws(() => sock.sendtoOwnedNowait(42 as unknown as Uint8Array, ['127.0.0.1', 9]), {
      name: 'TypeError',
    });
    assert.throws(() => sock.sendtoOwnedNowait(Buffer.alloc(1), ['127.0.0.1', 70000]), {
      name: 'RangeError',
    });
    assert.throws(() => sock.sendtoOwnedNowait(Buffer.alloc(65508), ['127.0.0.1', 9]), {
      code: 'EMSGSIZE',
    });
    sock.close();
    assert.throws(() => sock.sendtoOwnedNowait(Buffer.alloc(1), ['127.0.0.1', 9]), {
      code: 'EBADF',
    });
  });

  test('sendtoOwnedNowait() on a connected socket fails with EISCONN', async () => {
    const server = await boundUdp();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(server.getsockname());
    assert.throws(() => client.sendtoOwnedNowait(Buffer.from('x'), server.getsockname()), {
      code: 'EISCONN',
    });
    client.close();
    server.close();
  });

  test('a refused broadcast becomes the next call’s error, naming the destination', async () => {
    const sock = socket(AF_INET, SOCK_DGRAM);
    await sock.bind(['0.0.0.0', 0]);
    assert.equal(sock.sendtoNowait('x', ['255.255.255.255', 9]), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const err = (() => {
      try {
        sock.recvfromNowait(10);
        return null;
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof SocketError, 'the failed send is reported');
    assert.ok(['EACCES', 'ENETUNREACH', 'EPERM'].includes(err.code), err.code);
    assert.equal(err.op, 'sendto');
    assert.equal(err.addr, '255.255.255.255:9');
    assert.equal(sock.recvfromNowait(10), null, 'reported once');
    sock.close();
  });

  test('sendtoOwnedNowait() with checkEvery reports a failure that lasts, and always checks the first send', async () => {
    // node:dgram's own path, where checkEvery applies (batched sends report every failure:
    // batched-datagrams.test.ts).
    const saved = process.env.POLYPORT_PUBLIC_DATAGRAMS;
    process.env.POLYPORT_PUBLIC_DATAGRAMS = '1';
    const sock = socket(AF_INET, SOCK_DGRAM);
    try {
      await sock.bind(['0.0.0.0', 0]);
    } finally {
      if (saved === undefined) delete process.env.POLYPORT_PUBLIC_DATAGRAMS;
      else process.env.POLYPORT_PUBLIC_DATAGRAMS = saved;
    }
    const failure = async (): Promise<unknown> => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        sock.recvfromNowait(10);
        return null;
      } catch (e) {
        return e;
      }
    };
    assert.equal(sock.sendtoOwnedNowait(Buffer.from('x'), ['255.255.255.255', 9], 1000), 1);
    const first = await failure();
    assert.ok(first instanceof SocketError, 'the first send is checked');
    assert.equal(first.op, 'sendto');
    // The next 999 go unchecked; the one after is checked again.
    for (let i = 0; i < 999; i++)
      sock.sendtoOwnedNowait(Buffer.from('x'), ['255.255.255.255', 9], 1000);
    assert.equal(await failure(), null, 'unchecked sends report nothing');
    sock.sendtoOwnedNowait(Buffer.from('x'), ['255.255.255.255', 9], 1000);
    assert.ok((await failure()) instanceof SocketError, 'the next checked send reports it');
    sock.close();
  });

  test('sendtoOwnedNowait() with checkEvery still delivers every datagram', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    for (let i = 0; i < 10; i++)
      client.sendtoOwnedNowait(Buffer.from([i]), server.getsockname(), 4);
    for (let i = 0; i < 10; i++) assert.deepEqual((await server.recvfrom(10))[0], Buffer.from([i]));
    client.close();
    server.close();
  });

  test('sendtoOwnedNowait() rejects a checkEvery that is not a positive integer', async () => {
    const sock = await boundUdp();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => sock.sendtoOwnedNowait(Buffer.from('x'), ['127.0.0.1', 9], bad), {
        name: 'RangeError',
      });
    }
    sock.close();
  });

  test('sendto() to a host name still goes through the resolver', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    const port = server.getsockname()[1] as number;
    assert.equal(await client.sendto('named', ['localhost', port]), 5);
    const [data] = await server.recvfrom(10);
    assert.equal(data.toString(), 'named');
    client.close();
    server.close();
  });

  test('sendto() rejects (never throws) for bad arguments and a closed socket', async () => {
    const sock = await boundUdp();
    const bad = sock.sendto(Buffer.alloc(1), ['127.0.0.1', -1]);
    assert.ok(bad instanceof Promise);
    await assert.rejects(bad, { name: 'RangeError' });
    sock.close();
    await assert.rejects(sock.sendto('x', ['127.0.0.1', 9]), { code: 'EBADF' });
  });
});

describe('datagram receive path', () => {
  test('recvfrom() returns a datagram that fits as it came, and cuts a longer one', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    await client.sendto('0123456789', server.getsockname());
    await client.sendto('abc', server.getsockname());
    const [cut] = await server.recvfrom(4);
    assert.equal(cut.toString(), '0123');
    const [whole] = await server.recvfrom(4);
    assert.equal(whole.toString(), 'abc');
    client.close();
    server.close();
  });

  test('recvfrom() with MSG_PEEK leaves the datagram for the next call', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    await client.sendto('peek', server.getsockname());
    const [peeked] = await server.recvfrom(10, MSG_PEEK);
    const [taken] = await server.recvfrom(10);
    assert.equal(peeked.toString(), 'peek');
    assert.equal(taken.toString(), 'peek');
    server.setblocking(false);
    await assert.rejects(server.recvfrom(10), { code: 'EAGAIN' });
    client.close();
    server.close();
  });

  test('recvfrom() that waits is woken by the datagram, and one waiting past its timeout rejects', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    const waiting = server.recvfrom(10);
    setTimeout(() => client.sendtoNowait('late', server.getsockname()), 10);
    assert.equal((await waiting)[0].toString(), 'late');
    server.settimeout(0.05);
    await assert.rejects(server.recvfrom(10), SocketTimeoutError);
    client.close();
    server.close();
  });

  test('recvfrom() waiting when the socket is closed rejects with EBADF', async () => {
    const sock = await boundUdp();
    const waiting = sock.recvfrom(10);
    sock.close();
    await assert.rejects(waiting, { code: 'EBADF' });
  });

  test('recvfrom() rejects (never throws) for a bad size', async () => {
    const sock = await boundUdp();
    const bad = sock.recvfrom(-1);
    assert.ok(bad instanceof Promise);
    await assert.rejects(bad, { name: 'RangeError' });
    sock.close();
  });
});
