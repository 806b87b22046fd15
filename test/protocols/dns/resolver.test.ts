import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DnsNoDataError,
  DnsNxdomainError,
  DnsRefusedError,
  DnsServfailError,
  DnsTimeoutError,
  Rcode,
  Resolver,
  RRType,
} from '../../../src/protocols/dns/index.js';
import { type LiveServer, silentPort, startLive } from './live-server.js';

let live: LiveServer;
let resolver: Resolver;
before(async () => {
  live = await startLive();
  resolver = new Resolver({ server: live.address, timeout: 2 });
});
after(() => live.stop());

test('resolve4() and resolve6() return the addresses of a name', async () => {
  assert.deepEqual(await resolver.resolve4('www.example.test'), ['127.0.0.1']);
  assert.deepEqual(await resolver.resolve6('www.example.test'), ['::1']);
});

test('resolve4() follows the CNAME the server followed', async () => {
  assert.deepEqual(await resolver.resolve4('alias.example.test'), ['127.0.0.1']);
  assert.deepEqual(await resolver.resolveCname('alias.example.test'), ['www.example.test']);
});

test('resolveMx(), resolveTxt(), resolveSrv(), resolveNs() and resolveSoa() give typed data', async () => {
  assert.deepEqual(await resolver.resolveMx('example.test'), [
    { preference: 10, exchange: 'mail.example.test' },
  ]);
  assert.deepEqual(await resolver.resolveTxt('example.test'), [['v=spf1 -all']]);
  assert.deepEqual(await resolver.resolveSrv('_http._tcp.example.test'), [
    { priority: 0, weight: 5, port: 10080, target: 'www.example.test' },
  ]);
  assert.deepEqual(await resolver.resolveNs('example.test'), ['ns1.example.test']);
  const soa = await resolver.resolveSoa('example.test');
  assert.equal(soa.serial, 1);
  assert.equal(soa.mname, 'ns1.example.test');
});

test('reverse() finds the PTR name of an address', async () => {
  assert.deepEqual(await resolver.reverse('127.0.0.1'), ['localhost']);
  await assert.rejects(resolver.reverse('not an address'), RangeError);
});

test('the Resolver retries a truncated UDP answer over TCP automatically', async () => {
  const result = await resolver.queryWithSize('big.example.test', 'TXT');
  assert.ok(result.tcp);
  assert.ok(!result.response.tc);
  const txt = await resolver.resolveTxt('big.example.test');
  assert.equal(txt[0]?.length, 20);
});

test('query() with tcp asks over TCP from the start', async () => {
  const before = live.queries.length;
  const reply = await resolver.query('www.example.test', RRType.A, { tcp: true });
  assert.equal(reply.answers.length, 1);
  assert.ok(live.queries.slice(before).every((q) => q.transport === 'tcp'));
});

test('query() sends EDNS by default and none with edns: false', async () => {
  assert.equal((await resolver.query('www.example.test')).edns?.udpPayloadSize, 1232);
  assert.equal((await resolver.query('www.example.test', 'A', { edns: false })).edns, null);
});

test('query() returns NXDOMAIN responses; the helpers throw DnsNxdomainError', async () => {
  const reply = await resolver.query('nope.example.test', 'A');
  assert.equal(reply.rcode, Rcode.NXDOMAIN);
  await assert.rejects(resolver.resolve4('nope.example.test'), (err: unknown) => {
    assert.ok(err instanceof DnsNxdomainError);
    assert.equal(err.code, 'ENXDOMAIN');
    assert.equal(err.response.authorities[0]?.type, RRType.SOA);
    return true;
  });
});

test('the helpers throw DnsNoDataError for a name without records of the type', async () => {
  await assert.rejects(resolver.resolveMx('www.example.test'), DnsNoDataError);
});

test('the helpers throw DnsRefusedError for a name the server will not answer', async () => {
  await assert.rejects(resolver.resolve4('example.org'), DnsRefusedError);
});

test('the helpers throw DnsServfailError when the server fails', async () => {
  const dead = await silentPort();
  const failing = await startLive({
    forwarders: [['127.0.0.1', dead.port]],
    forwarding: { timeout: 0.1, rounds: 1 },
  });
  try {
    const r = new Resolver({ server: failing.address, timeout: 2 });
    await assert.rejects(r.resolve4('example.org'), DnsServfailError);
  } finally {
    await failing.stop();
    dead.close();
  }
});

test('a server that never answers gives DnsTimeoutError after every try', async () => {
  const dead = await silentPort();
  try {
    const r = new Resolver({ server: ['127.0.0.1', dead.port], timeout: 0.1, tries: 2 });
    const started = Date.now();
    await assert.rejects(r.resolve4('www.example.test'), (err: unknown) => {
      assert.ok(err instanceof DnsTimeoutError);
      assert.equal(err.code, 'ETIMEOUT');
      return true;
    });
    assert.ok(Date.now() - started >= 150, 'two tries of 0.1 s');
  } finally {
    dead.close();
  }
});

test('query() accepts type mnemonics and rejects unknown ones and bad settings', async () => {
  assert.equal((await resolver.query('example.test', 'mx')).answers.length, 1);
  await assert.rejects(resolver.query('example.test', 'BOGUS'), RangeError);
  assert.throws(() => new Resolver({ timeout: 0 }), RangeError);
  assert.throws(() => new Resolver({ tries: 0 }), RangeError);
  assert.throws(() => new Resolver({ edns: 100 }), RangeError);
});

test('query() uses a different random id for each query', async () => {
  const ids = new Set<number>();
  for (let i = 0; i < 8; i++) ids.add((await resolver.query('www.example.test')).id);
  assert.ok(ids.size > 1);
});
