import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeEcho,
  encodeEcho,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
} from '../../src/protocols/ping/codec/icmp-echo.js';
import { select } from '../../src/select/index.js';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  PermissionError,
  SOCK_DGRAM,
  SOCK_RAW,
  type Socket,
  socket,
} from '../../src/socket/index.js';
import { needsIpv6Loopback, requires } from '../support/interop.js';
import { needsPingNamespace, runInPingNamespace } from '../support/ping-namespace.js';
import { needsFdSockets } from './fd-socket-support.js';

const CHILD = join(import.meta.dirname, 'fixtures/icmp-child.ts');
const isRoot = process.getuid?.() === 0;
const ipv6 = await needsIpv6Loopback();

/** Reads until an echo reply with `id` and `sequence` comes (a raw socket sees every ICMP message). */
async function replyTo(sock: Socket, id: number, sequence: number, withIpHeader: boolean) {
  for (;;) {
    const [data, from] = await sock.recvfrom(65536);
    const message = decodeEcho(data, withIpHeader);
    if (message === null) continue;
    if (message.type !== ICMP_ECHO_REPLY && message.type !== ICMPV6_ECHO_REPLY) continue;
    if (message.id === id && message.sequence === sequence) return { message, from };
  }
}

/** Whether this process's group may open ICMP datagram sockets in this network namespace. */
function pingGroupAllows(): boolean {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ping_group_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  const gid = process.getgid?.() ?? 0;
  return (low as number) <= gid && gid <= (high as number);
}

describe('raw ICMP sockets', needsFdSockets(), () => {
  test(
    'a raw socket pings 127.0.0.1: the reply carries our id, sequence and payload',
    requires(isRoot ? null : 'raw sockets need root (CAP_NET_RAW)'),
    async () => {
      const sock = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
      sock.settimeout(10);
      try {
        const id = process.pid & 0xffff;
        const payload = Buffer.from('polyport raw ping over IPv4');
        const request = encodeEcho({ type: ICMP_ECHO_REQUEST, id, sequence: 1, payload });
        assert.equal(await sock.sendto(request, ['127.0.0.1', 0]), request.length);
        const { message, from } = await replyTo(sock, id, 1, true);
        assert.deepEqual(from, ['127.0.0.1', 0]);
        assert.equal(message.payload.toString(), payload.toString());
        assert.ok((message.ttl ?? 0) > 0, 'the IPv4 header came with it');
      } finally {
        sock.close();
      }
    },
  );

  test('a raw ICMPv6 socket pings ::1: the reply carries our id, sequence and payload', {
    ...requires(isRoot ? null : 'raw sockets need root (CAP_NET_RAW)'),
    ...ipv6,
  }, async () => {
    const sock = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
    sock.settimeout(10);
    try {
      const id = (process.pid + 1) & 0xffff;
      const payload = Buffer.from('polyport raw ping over IPv6');
      await sock.sendto(encodeEcho({ type: ICMPV6_ECHO_REQUEST, id, sequence: 2, payload }), [
        '::1',
        0,
        0,
        0,
      ]);
      const { message, from } = await replyTo(sock, id, 2, false);
      assert.equal((from as [string, number])[0], '::1');
      assert.equal(message.payload.toString(), payload.toString());
    } finally {
      sock.close();
    }
  });

  test(
    'select() reports a raw socket readable when the reply arrives',
    requires(isRoot ? null : 'raw sockets need root (CAP_NET_RAW)'),
    async () => {
      const sock = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
      try {
        sock.setblocking(false);
        const id = (process.pid + 2) & 0xffff;
        const ready = select([sock], [], [], 10);
        await sock.sendto(
          encodeEcho({ type: ICMP_ECHO_REQUEST, id, sequence: 3, payload: Buffer.from('s') }),
          ['127.0.0.1', 0],
        );
        assert.deepEqual((await ready)[0], [sock]);
        sock.setblocking(true);
        sock.settimeout(10);
        const { message } = await replyTo(sock, id, 3, true);
        assert.equal(message.payload.toString(), 's');
      } finally {
        sock.close();
      }
    },
  );

  test('without the privilege an ICMP datagram socket is a PermissionError, as in Python', (t) => {
    if (pingGroupAllows()) {
      t.skip('net.ipv4.ping_group_range allows this group here');
      return;
    }
    assert.throws(
      () => socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP),
      (err: unknown) =>
        err instanceof PermissionError &&
        ['EACCES', 'EPERM'].includes(err.code) &&
        /permission denied|not permitted/.test(err.message),
    );
  });

  test(
    'the unprivileged ICMP datagram socket pings 127.0.0.1 and ::1 with checked replies (own network namespace)',
    needsPingNamespace(),
    async () => {
      const {
        code,
        stdout: out,
        stderr,
      } = await runInPingNamespace([process.execPath, '--import', 'tsx', CHILD]);
      assert.equal(code, 0, `${stderr}${out}`);
      const results = JSON.parse(out) as Array<Record<string, unknown>>;
      assert.equal(results.length, 2);
      for (const [index, host] of ['127.0.0.1', '::1'].entries()) {
        const result = results[index] as Record<string, unknown>;
        assert.equal(result.host, host);
        assert.equal(result.from, host);
        assert.equal(result.type, host === '::1' ? ICMPV6_ECHO_REPLY : ICMP_ECHO_REPLY);
        assert.equal(result.id, result.port, "the kernel's identifier is the socket's port");
        assert.equal(result.sequence, 7);
        assert.equal(result.payload, `polyport ${host}`);
      }
    },
  );
});
