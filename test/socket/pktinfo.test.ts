import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  CMSG_SPACE,
  IP_PKTINFO,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_PKTINFO,
  IPV6_RECVPKTINFO,
  inetAton,
  inetNtoa,
  inetNtop,
  SOCK_DGRAM,
  socket,
} from '../../src/socket/index.js';
import { ipv6LoopbackMissing, requires } from '../support/interop.js';
import { needsFdSockets } from './fd-socket-support.js';

describe('IP_PKTINFO and IPV6_PKTINFO on UDP sockets', needsFdSockets(), () => {
  test('IP_PKTINFO reports 127.0.0.2 for a datagram sent to 127.0.0.2, and a reply can name its source', async () => {
    const server = socket(AF_INET, SOCK_DGRAM);
    const client = socket(AF_INET, SOCK_DGRAM);
    server.settimeout(10);
    client.settimeout(10);
    try {
      server.setsockopt(IPPROTO_IP, IP_PKTINFO, 1);
      assert.equal(server.getsockopt(IPPROTO_IP, IP_PKTINFO), 1, "the kernel's value");
      await server.bind(['127.0.0.2', 0]);
      const [, port] = server.getsockname() as [string, number];
      await client.bind(['127.0.0.1', 0]);
      await client.sendto('which address?', ['127.0.0.2', port]);
      const [data, ancdata, , from] = await server.recvmsg(100, CMSG_SPACE(12));
      assert.equal(data.toString(), 'which address?');
      assert.deepEqual(from, client.getsockname());
      const info = ancdata.find(([level, type]) => level === IPPROTO_IP && type === IP_PKTINFO);
      assert.ok(info !== undefined, 'an IP_PKTINFO item came');
      const pktinfo = info[2];
      assert.equal(pktinfo.length, 12, 'struct in_pktinfo');
      assert.equal(inetNtoa(pktinfo.subarray(8, 12)), '127.0.0.2', 'ipi_addr: the destination');
      assert.ok(pktinfo.readInt32LE(0) > 0, 'ipi_ifindex: the loopback interface');
      // The answer names its source address in the same structure (ipi_spec_dst).
      const reply = Buffer.alloc(12);
      inetAton('127.0.0.2').copy(reply, 4);
      await server.sendmsg(['from 127.0.0.2'], [[IPPROTO_IP, IP_PKTINFO, reply]], 0, from);
      const [answer, source] = await client.recvfrom(100);
      assert.equal(answer.toString(), 'from 127.0.0.2');
      assert.deepEqual(source, ['127.0.0.2', port]);
    } finally {
      client.close();
      server.close();
    }
  });

  test('sendmsgNowait() sends a reply naming its source at once, and wants an IP address', async () => {
    const server = socket(AF_INET, SOCK_DGRAM);
    const client = socket(AF_INET, SOCK_DGRAM);
    client.settimeout(10);
    try {
      server.setsockopt(IPPROTO_IP, IP_PKTINFO, 1);
      await server.bind(['127.0.0.1', 0]);
      const [, port] = server.getsockname() as [string, number];
      await client.bind(['127.0.0.1', 0]);
      const source = Buffer.alloc(12);
      inetAton('127.0.0.3').copy(source, 4);
      const to = client.getsockname();
      assert.equal(server.sendmsgNowait(['now'], [[IPPROTO_IP, IP_PKTINFO, source]], 0, to), 3);
      const [answer, from] = await client.recvfrom(100);
      assert.equal(answer.toString(), 'now');
      assert.deepEqual(from, ['127.0.0.3', port], 'the source the item named');
      assert.throws(() => server.sendmsgNowait(['x'], [], 0, ['localhost', 9]), TypeError);
    } finally {
      client.close();
      server.close();
    }
  });

  test('IPV6_RECVPKTINFO reports ::1 for a datagram sent to ::1', async (t) => {
    const missing = await ipv6LoopbackMissing();
    if (missing !== null) {
      requires(missing);
      t.skip(missing);
      return;
    }
    const server = socket(AF_INET6, SOCK_DGRAM);
    const client = socket(AF_INET6, SOCK_DGRAM);
    server.settimeout(10);
    try {
      server.setsockopt(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
      await server.bind(['::1', 0]);
      const [, port] = server.getsockname() as [string, number];
      await client.sendto('v6', ['::1', port]);
      const [data, ancdata] = await server.recvmsg(100, CMSG_SPACE(20));
      assert.equal(data.toString(), 'v6');
      const info = ancdata.find(([level, type]) => level === IPPROTO_IPV6 && type === IPV6_PKTINFO);
      assert.ok(info !== undefined, 'an IPV6_PKTINFO item came');
      assert.equal(inetNtop(AF_INET6, info[2].subarray(0, 16)), '::1');
    } finally {
      client.close();
      server.close();
    }
  });

  test('IP_PKTINFO set after bind() is refused with EINVAL, saying to set it first', async () => {
    const sock = socket(AF_INET, SOCK_DGRAM);
    try {
      await sock.bind(['127.0.0.1', 0]);
      assert.throws(() => sock.setsockopt(IPPROTO_IP, IP_PKTINFO, 1), {
        code: 'EINVAL',
        message: /before the socket is bound/,
      });
    } finally {
      sock.close();
    }
  });
});
