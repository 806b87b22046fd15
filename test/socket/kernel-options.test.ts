import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_TCP,
  SO_BINDTODEVICE,
  SO_KEEPALIVE,
  SO_PRIORITY,
  SO_RCVBUF,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  socket,
  TCP_CONGESTION,
  TCP_MAXSEG,
  TCP_NODELAY,
} from '../../src/socket/index.js';
import { needsFdSockets } from './fd-socket-support.js';
import { listener, tcpPair } from './support.js';

describe(
  'setsockopt()/getsockopt() reach the kernel on the sockets Node owns',
  needsFdSockets(),
  () => {
    test('IP_TTL set on a connected TCP socket reads back from the kernel', async () => {
      const [a, b] = await tcpPair();
      assert.equal(a.getsockopt(IPPROTO_IP, IP_TTL), 64);
      a.setsockopt(IPPROTO_IP, IP_TTL, 33);
      assert.equal(a.getsockopt(IPPROTO_IP, IP_TTL), 33);
      // The accepted side is its own descriptor, untouched.
      assert.equal(b.getsockopt(IPPROTO_IP, IP_TTL), 64);
      a.close();
      b.close();
    });

    test('an option set before connect() reads back at once and is on the descriptor after', async () => {
      const server = await listener();
      const client = socket(AF_INET, SOCK_STREAM);
      client.setsockopt(SOL_SOCKET, SO_PRIORITY, 5);
      client.setsockopt(IPPROTO_IP, IP_TTL, 21);
      assert.equal(client.getsockopt(SOL_SOCKET, SO_PRIORITY), 5);
      assert.equal(client.getsockopt(IPPROTO_IP, IP_TTL), 21);
      const [[conn]] = await Promise.all([server.accept(), client.connect(server.getsockname())]);
      assert.ok(client.fileno() >= 0);
      assert.equal(client.getsockopt(SOL_SOCKET, SO_PRIORITY), 5);
      assert.equal(client.getsockopt(IPPROTO_IP, IP_TTL), 21);
      conn.close();
      client.close();
      server.close();
    });

    test('SO_PRIORITY on a listener and on a bound UDP socket is the kernel’s', async () => {
      const server = await listener();
      server.setsockopt(SOL_SOCKET, SO_PRIORITY, 3);
      assert.equal(server.getsockopt(SOL_SOCKET, SO_PRIORITY), 3);
      const udp = socket(AF_INET, SOCK_DGRAM);
      udp.setsockopt(SOL_SOCKET, SO_PRIORITY, 4);
      await udp.bind(['127.0.0.1', 0]);
      assert.equal(udp.getsockopt(SOL_SOCKET, SO_PRIORITY), 4);
      udp.setsockopt(SOL_SOCKET, SO_PRIORITY, 6);
      assert.equal(udp.getsockopt(SOL_SOCKET, SO_PRIORITY), 6);
      server.close();
      udp.close();
    });

    test('SO_TYPE comes from the kernel on TCP and UDP, before and after a descriptor exists', async () => {
      const [a, b] = await tcpPair();
      const udp = socket(AF_INET, SOCK_DGRAM);
      assert.equal(udp.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
      await udp.bind(['127.0.0.1', 0]);
      assert.equal(a.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
      assert.equal(udp.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
      assert.equal(socket().getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
      a.close();
      b.close();
      udp.close();
    });

    test('SO_RCVBUF on UDP reads back doubled, as Linux reports it; on TCP it stays polyport’s bound', async () => {
      const udp = socket(AF_INET, SOCK_DGRAM);
      await udp.bind(['127.0.0.1', 0]);
      udp.setsockopt(SOL_SOCKET, SO_RCVBUF, 40000);
      assert.equal(udp.getsockopt(SOL_SOCKET, SO_RCVBUF), 80000);
      udp.setsockopt(SOL_SOCKET, SO_SNDBUF, 30000);
      assert.equal(udp.getsockopt(SOL_SOCKET, SO_SNDBUF), 60000);
      const [a, b] = await tcpPair();
      a.setsockopt(SOL_SOCKET, SO_RCVBUF, 65536);
      assert.equal(a.getsockopt(SOL_SOCKET, SO_RCVBUF), 65536);
      a.close();
      b.close();
      udp.close();
    });

    test('TCP_NODELAY and SO_KEEPALIVE set through Node read back from the kernel', async () => {
      const [a, b] = await tcpPair();
      a.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
      a.setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1);
      assert.equal(a.getsockopt(IPPROTO_TCP, TCP_NODELAY), 1);
      assert.equal(a.getsockopt(SOL_SOCKET, SO_KEEPALIVE), 1);
      a.setsockopt(SOL_SOCKET, SO_KEEPALIVE, 0);
      assert.equal(a.getsockopt(SOL_SOCKET, SO_KEEPALIVE), 0);
      assert.ok((a.getsockopt(IPPROTO_TCP, TCP_MAXSEG) as number) > 0);
      a.close();
      b.close();
    });

    test('a bytes value: TCP_CONGESTION set to reno reads back as bytes with buflen', async () => {
      const [a, b] = await tcpPair();
      a.setsockopt(IPPROTO_TCP, TCP_CONGESTION, Buffer.from('reno'));
      const name = a.getsockopt(IPPROTO_TCP, TCP_CONGESTION, 16) as Buffer;
      assert.ok(Buffer.isBuffer(name));
      assert.equal(name.toString('latin1').replace(/\0.*$/s, ''), 'reno');
      a.close();
      b.close();
    });

    test('a bytes value: SO_BINDTODEVICE "lo" on a UDP socket reads back, and it still talks on loopback', {
      skip: process.getuid?.() === 0 ? false : 'SO_BINDTODEVICE needs CAP_NET_RAW (root)',
    }, async () => {
      const server = socket(AF_INET, SOCK_DGRAM);
      server.setsockopt(SOL_SOCKET, SO_BINDTODEVICE, Buffer.from('lo'));
      await server.bind(['127.0.0.1', 0]);
      const device = server.getsockopt(SOL_SOCKET, SO_BINDTODEVICE, 16) as Buffer;
      assert.equal(device.toString('latin1').replace(/\0.*$/s, ''), 'lo');
      const client = socket(AF_INET, SOCK_DGRAM);
      await client.sendto('hi', server.getsockname());
      const [data] = await server.recvfrom(16);
      assert.equal(data.toString(), 'hi');
      server.close();
      client.close();
    });

    test('a value the kernel refuses fails at setsockopt(), before and after the descriptor exists', async () => {
      const unbound = socket();
      assert.throws(() => unbound.setsockopt(IPPROTO_IP, IP_TTL, 300), { code: 'EINVAL' });
      assert.equal(unbound.getsockopt(IPPROTO_IP, IP_TTL), 64);
      const [a, b] = await tcpPair();
      assert.throws(() => a.setsockopt(IPPROTO_IP, IP_TTL, 0), { code: 'EINVAL' });
      assert.throws(() => a.setsockopt(IPPROTO_TCP, TCP_CONGESTION, Buffer.from('no-such')), {
        code: 'ENOENT',
      });
      assert.throws(() => a.getsockopt(SOL_SOCKET, 9999), {
        code: 'ENOPROTOOPT',
        message: /option 1\/9999 is not supported/,
      });
      unbound.close();
      a.close();
      b.close();
    });
  },
);
