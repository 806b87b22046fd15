/** ProxyDatagramReader: which client a datagram from a load balancer speaks for. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProxyDatagramReader } from '../../src/server/proxy-datagram-reader.js';
import { encodeProxyHeaderV1, encodeProxyHeaderV2 } from '../../src/server/proxy-header.js';

const BALANCER: [string, number] = ['127.0.0.1', 40000];
const CLIENT = { source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 53] } as const;
const allowed = (host: string): boolean => host === '127.0.0.1';

const withHeader = (payload: string): Buffer =>
  Buffer.concat([Buffer.from(encodeProxyHeaderV1(CLIENT)), Buffer.from(payload)]);

test('ProxyDatagramReader takes the client a header names and the payload after it', () => {
  const reader = new ProxyDatagramReader({ allowed });
  const v2 = encodeProxyHeaderV2({ ...CLIENT, transport: 'datagram' });
  for (const data of [withHeader('query'), Buffer.concat([v2, Buffer.from('query')])]) {
    const read = reader.read(data, BALANCER, 0);
    assert.equal(read.type, 'datagram');
    if (read.type !== 'datagram') return;
    assert.deepEqual(read.client, ['203.0.113.7', 5000]);
    assert.equal(read.payload.toString(), 'query');
  }
});

test('ProxyDatagramReader refuses a datagram from an address not allowed, header or not', () => {
  const reader = new ProxyDatagramReader({ allowed });
  assert.deepEqual(reader.read(withHeader('forged'), ['127.0.0.2', 5353], 0), {
    type: 'refused',
    reason: 'PROXY protocol from an address not in proxyProtocolFrom',
  });
  assert.equal(reader.sessions, 0);
});

test('ProxyDatagramReader refuses a bare datagram from a balancer port with no session', () => {
  const reader = new ProxyDatagramReader({ allowed });
  reader.read(withHeader('first'), BALANCER, 0);
  const read = reader.read(Buffer.from('bare'), ['127.0.0.1', 40001], 0);
  assert.equal(read.type, 'refused');
  assert.match(read.type === 'refused' ? read.reason : '', /^bad PROXY header: /);
});

test('ProxyDatagramReader gives the bare datagrams of a session the client of its first header', () => {
  // nginx's stream module prepends the header to the first datagram of a session only.
  const reader = new ProxyDatagramReader({ allowed });
  reader.read(withHeader('first'), BALANCER, 0);
  const read = reader.read(Buffer.from('second'), BALANCER, 1000);
  assert.deepEqual(read, {
    type: 'datagram',
    payload: Buffer.from('second'),
    client: ['203.0.113.7', 5000],
  });
});

test('ProxyDatagramReader takes a new header on a known balancer port as a new session', () => {
  const reader = new ProxyDatagramReader({ allowed });
  reader.read(withHeader('first'), BALANCER, 0);
  const other = encodeProxyHeaderV1({ ...CLIENT, source: ['198.51.100.9', 6000] });
  reader.read(Buffer.from(`${other}again`), BALANCER, 10);
  const read = reader.read(Buffer.from('bare'), BALANCER, 20);
  assert.deepEqual(read.type === 'datagram' ? read.client : null, ['198.51.100.9', 6000]);
  assert.equal(reader.sessions, 1);
});

test('ProxyDatagramReader keeps the balancer as the client of a LOCAL header', () => {
  const reader = new ProxyDatagramReader({ allowed });
  const local = Buffer.concat([encodeProxyHeaderV2({ local: true }), Buffer.from('check')]);
  const read = reader.read(local, BALANCER, 0);
  assert.deepEqual(read, { type: 'datagram', payload: Buffer.from('check'), client: BALANCER });
});

test('ProxyDatagramReader forgets a session idle longer than sessionTimeout', () => {
  const reader = new ProxyDatagramReader({ allowed, sessionTimeout: 10 });
  reader.read(withHeader('first'), BALANCER, 0);
  assert.equal(reader.read(Buffer.from('in time'), BALANCER, 10_000).type, 'datagram');
  // Each datagram of the session restarts its idle time.
  assert.equal(reader.read(Buffer.from('still'), BALANCER, 20_000).type, 'datagram');
  assert.equal(reader.read(Buffer.from('too late'), BALANCER, 30_001).type, 'refused');
  assert.equal(reader.sessions, 0);
});

test('ProxyDatagramReader remembers at most maxSessions, forgetting the least recently used', () => {
  const reader = new ProxyDatagramReader({ allowed, maxSessions: 2 });
  const port = (n: number): [string, number] => ['127.0.0.1', 40000 + n];
  reader.read(withHeader('a'), port(1), 0);
  reader.read(withHeader('b'), port(2), 1);
  reader.read(Buffer.from('a again'), port(1), 2); // port 2 is now the least recently used
  reader.read(withHeader('c'), port(3), 3);
  assert.equal(reader.sessions, 2);
  assert.equal(reader.read(Buffer.from('x'), port(1), 4).type, 'datagram');
  assert.equal(reader.read(Buffer.from('x'), port(2), 4).type, 'refused');
  assert.equal(reader.read(Buffer.from('x'), port(3), 4).type, 'datagram');
});

test('ProxyDatagramReader drops timed-out sessions when it remembers a new one', () => {
  const reader = new ProxyDatagramReader({ allowed, sessionTimeout: 1 });
  for (let n = 0; n < 100; n++) reader.read(withHeader('q'), ['127.0.0.1', 41000 + n], n);
  reader.read(withHeader('late'), BALANCER, 5000);
  assert.equal(reader.sessions, 1);
});
