/**
 * DatagramServer with `proxyProtocol`: datagrams from a load balancer, over real sockets on
 * loopback (the balancer on 127.0.0.1, someone bypassing it on 127.0.0.2).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loop } from '../../src/dispatch/index.js';
import { DatagramServer } from '../../src/server/datagram-server.js';
import { encodeProxyHeaderV1, encodeProxyHeaderV2 } from '../../src/server/proxy-header.js';
import { AF_INET, SOCK_DGRAM, Socket, type SocketAddress } from '../../src/socket/index.js';

/** Waits until `done()` holds (bounded: a hung test fails). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), 'the condition never held');
}

async function udpFrom(host: string): Promise<Socket> {
  const sock = new Socket(AF_INET, SOCK_DGRAM);
  await sock.bind([host, 0]);
  sock.settimeout(5);
  return sock;
}

const CLIENT = { source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 53] } as const;

test('DatagramServer behind a balancer serves the client the header names and replies to the balancer', async () => {
  const map = new Map();
  const seen: Array<{ payload: string; from: SocketAddress }> = [];
  const refused: Array<{ peer: string; reason: string }> = [];
  const requests: string[] = [];
  let bytesIn = 0;
  const server = await DatagramServer.open({
    address: ['127.0.0.1', 0],
    handler: (data, from) => {
      seen.push({ payload: data.toString(), from });
      return Buffer.from(`ok ${data.toString()}`);
    },
    proxyProtocol: { allowed: (host) => host === '127.0.0.1' },
    observer: {
      connectionRefused: (peer, reason) => refused.push({ peer, reason }),
      request: (fields) => requests.push(String(fields.peer)),
      transferred: (received) => {
        bytesIn += received;
      },
    },
    map,
  });
  const running = loop({ map });
  const balancer = await udpFrom('127.0.0.1');
  const otherPort = await udpFrom('127.0.0.1');
  const bypass = await udpFrom('127.0.0.2');
  try {
    const to: [string, number] = ['127.0.0.1', server.boundAddress[1]];
    const v1 = Buffer.concat([Buffer.from(encodeProxyHeaderV1(CLIENT)), Buffer.from('one')]);
    await balancer.sendto(v1, to);
    const [reply] = await balancer.recvfrom(100);
    assert.equal(reply.toString(), 'ok one', 'the reply goes back to the balancer');

    // nginx sends the header on a session's first datagram only: the next comes bare.
    await balancer.sendto('two', to);
    assert.equal((await balancer.recvfrom(100))[0].toString(), 'ok two');

    const v2 = encodeProxyHeaderV2({
      source: ['2001:db8::9', 7],
      destination: ['::1', 53],
      transport: 'datagram',
    });
    await balancer.sendto(Buffer.concat([v2, Buffer.from('three')]), to);
    assert.equal((await balancer.recvfrom(100))[0].toString(), 'ok three');

    const local = Buffer.concat([encodeProxyHeaderV2({ local: true }), Buffer.from('check')]);
    await balancer.sendto(local, to);
    assert.equal((await balancer.recvfrom(100))[0].toString(), 'ok check');

    await bypass.sendto(v1, to); // a forged header from an address not allowed
    await otherPort.sendto('bare', to); // no header, no session on that balancer port
    await until(() => server.received === 6);
    await until(() => refused.length === 2);

    const balancerAddress = balancer.getsockname() as [string, number];
    assert.deepEqual(seen, [
      { payload: 'one', from: ['203.0.113.7', 5000] },
      { payload: 'two', from: ['203.0.113.7', 5000] },
      { payload: 'three', from: ['2001:db8::9', 7] },
      { payload: 'check', from: balancerAddress },
    ]);
    assert.deepEqual(requests, [
      '203.0.113.7:5000',
      '203.0.113.7:5000',
      '[2001:db8::9]:7',
      `127.0.0.1:${balancerAddress[1]}`,
    ]);
    assert.deepEqual(
      refused.map((r) => r.peer.split(':')[0]),
      ['127.0.0.2', '127.0.0.1'],
    );
    assert.equal(refused[0]?.reason, 'PROXY protocol from an address not in proxyProtocolFrom');
    assert.match(refused[1]?.reason ?? '', /^bad PROXY header: /);
    await until(() => bytesIn === v1.length + 3 + v2.length + 5 + local.length + v1.length + 4);
  } finally {
    for (const sock of [balancer, otherPort, bypass]) sock.close();
    server.close();
    await running;
  }
});

test('DatagramServer behind a balancer rate limits the client the header names, not the balancer', async () => {
  const map = new Map();
  const served: string[] = [];
  const server = await DatagramServer.open({
    address: ['127.0.0.1', 0],
    handler: (data) => {
      served.push(data.toString());
      return null;
    },
    rate: { perSecond: 0.001, burst: 1, exemptLoopback: false },
    proxyProtocol: { allowed: () => true },
    map,
  });
  const running = loop({ map });
  const balancer = await udpFrom('127.0.0.1');
  try {
    const to: [string, number] = ['127.0.0.1', server.boundAddress[1]];
    const from = (host: string, payload: string): Buffer =>
      Buffer.concat([
        Buffer.from(encodeProxyHeaderV1({ ...CLIENT, source: [host, 5000] })),
        Buffer.from(payload),
      ]);
    await balancer.sendto(from('192.0.2.1', 'a1'), to);
    await balancer.sendto(from('192.0.2.1', 'a2'), to); // over client a's burst
    await balancer.sendto(from('192.0.2.2', 'b1'), to); // client b has its own
    await until(() => server.received === 3);
    assert.deepEqual(served, ['a1', 'b1']);
    assert.equal(server.refused, 1);
  } finally {
    balancer.close();
    server.close();
    await running;
  }
});
