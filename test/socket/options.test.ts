import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_V6ONLY,
  SO_ERROR,
  SO_KEEPALIVE,
  SO_RCVBUF,
  SO_REUSEADDR,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  socket,
  TCP_NODELAY,
} from '../../src/socket/index.js';
import { IPV6_LOOPBACK, listener, tcpPair } from './support.js';

describe('socket options', () => {
  test('SO_TYPE reports the socket type and SO_ERROR is 0 on a healthy socket', () => {
    const tcp = socket();
    const udp = socket(AF_INET, SOCK_DGRAM);
    assert.equal(tcp.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    assert.equal(udp.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
    assert.equal(tcp.getsockopt(SOL_SOCKET, SO_ERROR), 0);
    tcp.close();
    udp.close();
  });

  test('TCP_NODELAY and SO_KEEPALIVE are remembered on a connected socket and inherited by accept()', async () => {
    const server = await listener();
    server.setsockopt(IPPROTO_TCP, TCP_NODELAY, true);
    server.setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1);
    const client = socket();
    const [[conn]] = await Promise.all([server.accept(), client.connect(server.getsockname())]);
    assert.equal(conn.getsockopt(IPPROTO_TCP, TCP_NODELAY), 1);
    assert.equal(conn.getsockopt(SOL_SOCKET, SO_KEEPALIVE), 1);
    assert.equal(client.getsockopt(IPPROTO_TCP, TCP_NODELAY), 0);
    client.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
    assert.equal(client.getsockopt(IPPROTO_TCP, TCP_NODELAY), 1);
    conn.close();
    client.close();
    server.close();
  });

  test('SO_RCVBUF and SO_SNDBUF set the buffer limits a connected socket reports', async () => {
    const [a, b] = await tcpPair();
    assert.equal(a.getsockopt(SOL_SOCKET, SO_RCVBUF), 256 * 1024);
    a.setsockopt(SOL_SOCKET, SO_RCVBUF, 65536);
    a.setsockopt(SOL_SOCKET, SO_SNDBUF, 32768);
    assert.equal(a.getsockopt(SOL_SOCKET, SO_RCVBUF), 65536);
    assert.equal(a.getsockopt(SOL_SOCKET, SO_SNDBUF), 32768);
    assert.throws(() => a.setsockopt(SOL_SOCKET, SO_RCVBUF, 0), RangeError);
    a.close();
    b.close();
  });

  test('SO_REUSEADDR reads 1 on a TCP socket, as Node sets it on every listener', () => {
    const sock = socket();
    assert.equal(sock.getsockopt(SOL_SOCKET, SO_REUSEADDR), 1);
    sock.close();
  });

  test('an unknown option fails with ENOPROTOOPT naming it', () => {
    const sock = socket();
    assert.throws(() => sock.setsockopt(SOL_SOCKET, 9999, 1), {
      code: 'ENOPROTOOPT',
      message: 'setsockopt tcp: option 1/9999 is not supported (ENOPROTOOPT)',
    });
    assert.throws(() => sock.getsockopt(SOL_SOCKET, 9999), { code: 'ENOPROTOOPT' });
    sock.close();
  });

  test('a non-integer option value fails with TypeError', () => {
    const sock = socket();
    assert.throws(() => sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1.5), TypeError);
    sock.close();
  });

  test(
    'IPV6_V6ONLY set to 0 lets an AF_INET6 listener on :: accept IPv4',
    IPV6_LOOPBACK,
    async () => {
      const server = socket(AF_INET6, SOCK_STREAM);
      server.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0);
      await server.bind(['::', 0]);
      await server.listen();
      const [, port] = server.getsockname() as [string, number];
      const client = socket(AF_INET, SOCK_STREAM);
      const [[conn, peer]] = await Promise.all([
        server.accept(),
        client.connect(['127.0.0.1', port]),
      ]);
      assert.equal(peer[0], '::ffff:127.0.0.1');
      conn.close();
      client.close();
      server.close();
    },
  );
});
