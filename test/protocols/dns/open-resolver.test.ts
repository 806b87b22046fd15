import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AddressList,
  createQuery,
  DnsQueryHandler,
  encodeMessage,
  Forwarder,
  Rcode,
  RRType,
  sampleZone,
  Zone,
  ZoneSet,
} from '../../../src/protocols/dns/index.js';
import { type LiveServer, startLive, tcpAsk, udpAsk } from './live-server.js';

const UPSTREAM_ZONE = `$ORIGIN upstream.test.
$TTL 600
@      SOA ns hostmaster 7 3600 600 86400 60
@      NS  ns
ns     A   127.0.0.1
www    A   192.0.2.10
cached A   192.0.2.11
`;

let upstream: LiveServer;
/** Forwards for private ranges only: the test client on 127.0.0.1 is outside its list. */
let closed: LiveServer;
/** Forwards for the default list, which holds loopback. */
let open: LiveServer;
before(async () => {
  upstream = await startLive({
    zones: new ZoneSet([Zone.fromText(UPSTREAM_ZONE, { origin: 'upstream.test' })]),
  });
  closed = await startLive({
    forwarders: [upstream.address],
    forwarding: { timeout: 1 },
    allowRecursion: ['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7'],
  });
  open = await startLive({ forwarders: [upstream.address], forwarding: { timeout: 1 } });
});
after(async () => {
  await closed.stop();
  await open.stop();
  await upstream.stop();
});

const ask = (name: string, rd = true, id = 99): Buffer =>
  encodeMessage(createQuery(name, RRType.A, { id, rd }));

const upstreamQueries = (name: string): number =>
  upstream.queries.filter((q) => q.name === name).length;

test('a client outside dns.allowRecursion gets REFUSED without RA, and nothing is forwarded', async () => {
  for (const send of [udpAsk, tcpAsk]) {
    const reply = await send(closed.port, ask('www.upstream.test'));
    assert.equal(reply.rcode, Rcode.REFUSED);
    assert.equal(reply.ra, false, 'no recursion for this client');
    assert.equal(reply.answers.length, 0);
  }
  assert.equal(upstreamQueries('www.upstream.test'), 0);
  assert.equal(closed.queries.at(-1)?.source, 'refused');
});

test('a client outside the allow list still gets the zones answered authoritatively, without RA', async () => {
  // Twice each way: the second answer comes from the answer cache.
  for (const send of [udpAsk, tcpAsk, udpAsk, tcpAsk]) {
    const reply = await send(closed.port, ask('www.example.test'));
    assert.equal(reply.rcode, Rcode.NOERROR);
    assert.ok(reply.aa);
    assert.equal(reply.ra, false, 'recursion is not available to this client');
    assert.equal(reply.answers.length, 1);
  }
  for (const send of [udpAsk, udpAsk]) {
    assert.ok((await send(open.port, ask('www.example.test'))).ra, 'RA for an allowed client');
  }
});

test('a client outside the allow list gets no answer from the cache either', async () => {
  // No client may fill this server's cache, so the test fills it through the forwarder's API.
  await closed.service.forwarder?.forward(createQuery('cached.upstream.test', RRType.A));
  assert.notEqual(closed.service.forwarder?.cache?.get('cached.upstream.test', RRType.A), null);
  const reply = await udpAsk(closed.port, ask('cached.upstream.test'));
  assert.equal(reply.rcode, Rcode.REFUSED);
  assert.equal(reply.answers.length, 0);
});

test('loopback is in the default allow list: the same question is forwarded', async () => {
  const reply = await udpAsk(open.port, ask('www.upstream.test'));
  assert.equal(reply.rcode, Rcode.NOERROR);
  assert.ok(reply.ra);
  assert.equal(reply.answers.length, 1);
});

test('a query with RD=0 is never forwarded, even for an allowed client', async () => {
  const before = upstreamQueries('ns.upstream.test');
  for (const send of [udpAsk, tcpAsk]) {
    const reply = await send(open.port, ask('ns.upstream.test', false));
    assert.equal(reply.rcode, Rcode.REFUSED);
    assert.equal(reply.rd, false);
    assert.equal(reply.answers.length, 0);
  }
  assert.equal(upstreamQueries('ns.upstream.test'), before);
  assert.equal(open.queries.at(-1)?.source, 'refused');
  // RD=0 does not reveal the cache either (no cache snooping).
  await udpAsk(open.port, ask('ns.upstream.test', true));
  const snoop = await udpAsk(open.port, ask('ns.upstream.test', false));
  assert.equal(snoop.rcode, Rcode.REFUSED);
  assert.equal(snoop.answers.length, 0);
});

test('RD=0 for a name in the zones is answered as before', async () => {
  const reply = await udpAsk(open.port, ask('www.example.test', false));
  assert.equal(reply.rcode, Rcode.NOERROR);
  assert.ok(reply.aa);
});

test('a refusal for one client is not served to another from the answer cache', async () => {
  const forwarder = new Forwarder({ upstreams: [upstream.address], timeout: 1 });
  const handler = new DnsQueryHandler({
    zones: new ZoneSet([sampleZone()]),
    forwarder,
    allowRecursion: new AddressList(['127.0.0.1']),
  });
  const q = ask('www.upstream.test', true, 5);
  const refused = await handler.handle(q, 'udp', 'p', '192.0.2.99');
  assert.ok(refused instanceof Buffer);
  assert.equal(refused[3]! & 0x0f, Rcode.REFUSED);
  const forwarded = await handler.handle(q, 'udp', 'p', '127.0.0.1');
  assert.ok(forwarded instanceof Buffer);
  assert.equal(forwarded[3]! & 0x0f, Rcode.NOERROR);
  // An unknown client (no address: a Unix socket) is not forwarded for.
  const unknown = await handler.handle(q, 'udp', 'p');
  assert.equal((unknown as Buffer)[3]! & 0x0f, Rcode.REFUSED);
});

test('AddressList matches addresses and CIDR ranges, IPv4-mapped IPv6 included', () => {
  const list = new AddressList(['127.0.0.0/8', '172.16.0.0/12', 'fc00::/7', '192.0.2.7', '::1']);
  for (const yes of ['127.0.0.1', '127.255.1.2', '172.31.255.255', 'fd12::1', '192.0.2.7']) {
    assert.ok(list.includes(yes), yes);
  }
  for (const yes of ['::1', '::ffff:127.0.0.1', 'fc00::1%eth0']) {
    assert.ok(list.includes(yes), yes);
  }
  for (const no of ['172.32.0.1', '192.0.2.8', 'fe80::1', '8.8.8.8', '::2', '', 'localhost']) {
    assert.ok(!list.includes(no), no);
  }
  assert.ok(new AddressList(['0.0.0.0/0']).includes('203.0.113.1'));
  assert.ok(!new AddressList([]).includes('127.0.0.1'));
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0/8', 'example.test', '10.0.0.0/']) {
    assert.throws(() => new AddressList([bad]), SyntaxError, bad);
  }
});
