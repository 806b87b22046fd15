import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  MSG_PEEK,
  SO_BROADCAST,
  SO_RCVBUF,
  SOCK_DGRAM,
  SOL_SOCKET,
  SocketError,
  socket,
} from '../../src/socket/index.js';
import { LOOPBACKS, sleep } from './support.js';

async function boundUdp(family = AF_INET, host = '127.0.0.1') {
  const sock = socket(family, SOCK_DGRAM);
  await sock.bind([host, 0]);
  return sock;
}

for (const { family, host } of LOOPBACKS) {
  describe(`UDP over ${family === AF_INET6 ? 'IPv6' : 'IPv4'} loopback`, () => {
    test('sendto() and recvfrom() carry a datagram and the sender address', async () => {
      const server = await boundUdp(family, host);
      const client = await boundUdp(family, host);
      assert.equal(await client.sendto('ping', server.getsockname()), 4);
      const [data, from] = await server.recvfrom(100);
      assert.equal(data.toString(), 'ping');
      assert.deepEqual(from, client.getsockname());
      await server.sendto(Buffer.from('pong'), from);
      const [reply] = await client.recvfrom(100);
      assert.equal(reply.toString(), 'pong');
      client.close();
      server.close();
    });

    test('an unbound socket is bound to an ephemeral port by its first sendto()', async () => {
      const server = await boundUdp(family, host);
      const client = socket(family, SOCK_DGRAM);
      assert.equal(client.getsockname()[1], 0);
      await client.sendto('x', server.getsockname());
      assert.ok((client.getsockname()[1] as number) > 0);
      const [, from] = await server.recvfrom(10);
      assert.equal(from[1], client.getsockname()[1]);
      client.close();
      server.close();
    });
  });
}

describe('UDP', () => {
  test('a connected UDP socket uses send() and recv(), and getpeername() names the peer', async () => {
    const server = await boundUdp();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(server.getsockname());
    assert.deepEqual(client.getpeername(), server.getsockname());
    assert.equal(await client.send('hello'), 5);
    const [data, from] = await server.recvfrom(100);
    assert.equal(data.toString(), 'hello');
    await server.sendto('back', from);
    assert.equal((await client.recv(100)).toString(), 'back');
    await assert.rejects(client.sendto('x', server.getsockname()), { code: 'EISCONN' });
    client.close();
    server.close();
  });

  test('send() on an unconnected UDP socket fails with EDESTADDRREQ', async () => {
    const sock = await boundUdp();
    await assert.rejects(sock.send('x'), { code: 'EDESTADDRREQ' });
    sock.close();
  });

  test('MSG_PEEK leaves the datagram to be read again', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    await client.sendto('peek me', server.getsockname());
    const [peeked] = await server.recvfrom(100, MSG_PEEK);
    assert.equal(peeked.toString(), 'peek me');
    const [again] = await server.recvfrom(100);
    assert.equal(again.toString(), 'peek me');
    server.setblocking(false);
    await assert.rejects(server.recvfrom(100), { code: 'EAGAIN' });
    client.close();
    server.close();
  });

  test('a datagram longer than bufsize is truncated and the rest discarded', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    await client.sendto('0123456789', server.getsockname());
    await client.sendto('next', server.getsockname());
    const [first] = await server.recvfrom(4);
    assert.equal(first.toString(), '0123');
    const [second] = await server.recvfrom(100);
    assert.equal(second.toString(), 'next');
    client.close();
    server.close();
  });

  test('recvfromInto() and recvInto() copy the datagram into the caller buffer', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    await client.sendto('abcdef', server.getsockname());
    await client.sendto('xyz', server.getsockname());
    const buffer = Buffer.alloc(4);
    const [n, from] = await server.recvfromInto(buffer);
    assert.equal(n, 4);
    assert.equal(buffer.toString(), 'abcd');
    assert.deepEqual(from, client.getsockname());
    const into = Buffer.alloc(10);
    assert.equal(await server.recvInto(into), 3);
    assert.equal(into.subarray(0, 3).toString(), 'xyz');
    client.close();
    server.close();
  });

  test('a datagram larger than UDP allows fails with EMSGSIZE before anything is sent', async () => {
    const sock = await boundUdp();
    const err = await sock.sendto(Buffer.alloc(65508), ['127.0.0.1', 9]).catch((e: unknown) => e);
    assert.ok(err instanceof SocketError);
    assert.equal(err.code, 'EMSGSIZE');
    assert.equal(err.errno, 90);
    assert.match(err.message, /message too long \(65508 > 65507 bytes\)/);
    assert.equal(await sock.sendto(Buffer.alloc(60000), sock.getsockname()), 60000);
    const [data] = await sock.recvfrom(65535);
    assert.equal(data.length, 60000);
    sock.close();
  });

  test('an empty datagram is delivered as an empty buffer', async () => {
    const server = await boundUdp();
    const client = await boundUdp();
    await client.sendto(Buffer.alloc(0), server.getsockname());
    const [data, from] = await server.recvfrom(10);
    assert.equal(data.length, 0);
    assert.deepEqual(from, client.getsockname());
    client.close();
    server.close();
  });

  test('datagrams beyond SO_RCVBUF are dropped, as a full kernel buffer drops them', async () => {
    const server = socket(AF_INET, SOCK_DGRAM);
    server.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096);
    await server.bind(['127.0.0.1', 0]);
    const client = await boundUdp();
    for (let i = 0; i < 20; i++) await client.sendto(Buffer.alloc(1000, i), server.getsockname());
    await sleep(50);
    server.setblocking(false);
    let count = 0;
    for (;;) {
      const got = server.recvfromNowait(2000);
      if (got === null) break;
      count++;
    }
    assert.ok(count >= 1 && count <= 4, `${count} datagrams kept`);
    client.close();
    server.close();
  });

  test('SO_BROADCAST can be set and read back', async () => {
    const sock = await boundUdp();
    assert.equal(sock.getsockopt(SOL_SOCKET, SO_BROADCAST), 0);
    sock.setsockopt(SOL_SOCKET, SO_BROADCAST, 1);
    assert.equal(sock.getsockopt(SOL_SOCKET, SO_BROADCAST), 1);
    sock.close();
  });

  test('listen() and accept() on a datagram socket fail with EOPNOTSUPP / EINVAL', async () => {
    const sock = await boundUdp();
    await assert.rejects(sock.listen(), { code: 'EOPNOTSUPP' });
    await assert.rejects(sock.accept(), { code: 'EINVAL' });
    sock.close();
  });

  test('fileno() of a bound UDP socket is a descriptor', async () => {
    const sock = await boundUdp();
    assert.ok(sock.fileno() >= 0);
    sock.close();
    assert.equal(sock.fileno(), -1);
  });
});
