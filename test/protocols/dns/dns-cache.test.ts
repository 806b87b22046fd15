import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DnsCache } from '../../../src/protocols/dns/client/dns-cache.js';
import { Rcode, RRType } from '../../../src/protocols/dns/codec/constants.js';
import {
  createQuery,
  type DnsMessage,
  responseTo,
} from '../../../src/protocols/dns/codec/message.js';
import type { DnsRecord } from '../../../src/protocols/dns/codec/rdata.js';
import { ManualClock } from '../../../src/testing/index.js';

/** A ManualClock that counts in seconds, the unit of TTLs. */
function ttlClock(): { now: () => number; advance: (seconds: number) => void } {
  const clock = new ManualClock(1_000_000);
  return { now: () => clock.now(), advance: (seconds) => clock.advance(seconds * 1000) };
}

const a = (name: string, ttl: number, address = '192.0.2.1'): DnsRecord => ({
  name,
  type: RRType.A,
  class: 1,
  ttl,
  data: { kind: 'A', address },
});

const soa = (ttl: number, minimum: number): DnsRecord => ({
  name: 'example.test',
  type: RRType.SOA,
  class: 1,
  ttl,
  data: {
    kind: 'SOA',
    mname: 'ns',
    rname: 'h',
    serial: 1,
    refresh: 2,
    retry: 3,
    expire: 4,
    minimum,
  },
});

test('DnsCache returns records with TTLs decremented, until the smallest TTL runs out', () => {
  const clock = ttlClock();
  const cache = new DnsCache({ now: clock.now });
  cache.set('WWW.example.test', RRType.A, [
    a('www.example.test', 300),
    a('www.example.test', 100, '192.0.2.2'),
  ]);
  clock.advance(40.5);
  const hit = cache.get('www.EXAMPLE.test', RRType.A);
  assert.ok(hit?.type === 'records');
  assert.deepEqual(
    hit.records.map((r) => r.ttl),
    [60, 60],
  );
  clock.advance(59);
  assert.equal(cache.get('www.example.test', RRType.A)?.type, 'records');
  clock.advance(1);
  assert.equal(cache.get('www.example.test', RRType.A), null);
  assert.equal(cache.size, 0);
});

test('DnsCache keeps entries apart by type and class', () => {
  const cache = new DnsCache({ now: () => 0 });
  cache.set('x.test', RRType.A, [a('x.test', 10)]);
  assert.equal(cache.get('x.test', RRType.AAAA), null);
  assert.equal(cache.get('x.test', RRType.A, 3), null);
});

test('DnsCache caches NXDOMAIN for every type with the SOA-derived TTL (RFC 2308)', () => {
  const clock = ttlClock();
  const cache = new DnsCache({ now: clock.now });
  cache.setNegative('gone.test', RRType.A, 'nxdomain', soa(3600, 120));
  const hit = cache.get('gone.test', RRType.MX);
  assert.ok(hit?.type === 'nxdomain');
  assert.equal(hit.soa.ttl, 120);
  clock.advance(119);
  assert.equal(cache.get('gone.test', RRType.AAAA)?.type, 'nxdomain');
  clock.advance(1);
  assert.equal(cache.get('gone.test', RRType.A), null);
});

test('DnsCache caches NODATA per type for min(SOA TTL, minimum)', () => {
  const clock = ttlClock();
  const cache = new DnsCache({ now: clock.now });
  cache.setNegative('x.test', RRType.MX, 'nodata', soa(30, 600));
  assert.equal(cache.get('x.test', RRType.MX)?.type, 'nodata');
  assert.equal(cache.get('x.test', RRType.A), null);
  clock.advance(30);
  assert.equal(cache.get('x.test', RRType.MX), null);
});

test('DnsCache caps TTLs at maxTtl and maxNegativeTtl and skips TTL 0', () => {
  const clock = ttlClock();
  const cache = new DnsCache({ now: clock.now, maxTtl: 10, maxNegativeTtl: 5 });
  cache.set('x.test', RRType.A, [a('x.test', 1000)]);
  const hit = cache.get('x.test', RRType.A);
  assert.ok(hit?.type === 'records' && hit.records[0]?.ttl === 10);
  cache.setNegative('y.test', RRType.A, 'nxdomain', soa(1000, 1000));
  clock.advance(5);
  assert.equal(cache.get('y.test', RRType.A), null);
  cache.set('z.test', RRType.A, [a('z.test', 0)]);
  assert.equal(cache.get('z.test', RRType.A), null);
});

test('DnsCache evicts the least recently used entry beyond maxEntries', () => {
  const cache = new DnsCache({ now: () => 0, maxEntries: 2 });
  cache.set('one.test', RRType.A, [a('one.test', 60)]);
  cache.set('two.test', RRType.A, [a('two.test', 60)]);
  cache.get('one.test', RRType.A); // one is now more recent than two
  cache.set('three.test', RRType.A, [a('three.test', 60)]);
  assert.equal(cache.size, 2);
  assert.equal(cache.get('two.test', RRType.A), null);
  assert.notEqual(cache.get('one.test', RRType.A), null);
  assert.notEqual(cache.get('three.test', RRType.A), null);
  assert.throws(() => new DnsCache({ now: () => 0, maxEntries: 0 }), RangeError);
});

test('DnsCache.prune() drops expired entries and clear() drops all', () => {
  const clock = ttlClock();
  const cache = new DnsCache({ now: clock.now });
  cache.set('short.test', RRType.A, [a('short.test', 1)]);
  cache.set('long.test', RRType.A, [a('long.test', 100)]);
  clock.advance(2);
  assert.equal(cache.prune(), 1);
  assert.equal(cache.size, 1);
  cache.clear();
  assert.equal(cache.size, 0);
});

const reply = (extra: Partial<DnsMessage>): DnsMessage => ({
  ...responseTo(createQuery('x.test', RRType.A)),
  ...extra,
});

test('DnsCache.storeResponse() caches answers, NXDOMAIN and NODATA from a forwarded response', () => {
  const cache = new DnsCache({ now: () => 0 });
  assert.ok(cache.storeResponse(reply({ answers: [a('x.test', 60)] })));
  assert.equal(cache.get('x.test', RRType.A)?.type, 'records');
  cache.clear();
  // The negative answers come with the SOA of the zone that holds the name (example.test).
  const inZone = (extra: Partial<DnsMessage>): DnsMessage => ({
    ...responseTo(createQuery('x.example.test', RRType.A)),
    ...extra,
  });
  assert.ok(cache.storeResponse(inZone({ rcode: Rcode.NXDOMAIN, authorities: [soa(60, 60)] })));
  assert.equal(cache.get('x.example.test', RRType.TXT)?.type, 'nxdomain');
  cache.clear();
  assert.ok(cache.storeResponse(inZone({ authorities: [soa(60, 60)] })));
  assert.equal(cache.get('x.example.test', RRType.A)?.type, 'nodata');
});

test('DnsCache.storeResponse() keeps only records about the question and in-bailiwick SOAs', () => {
  const cache = new DnsCache({ now: () => 0 });
  // A record for another name beside the answer is dropped; the answer is kept.
  assert.ok(cache.storeResponse(reply({ answers: [a('x.test', 60), a('victim.test', 60)] })));
  assert.equal(cache.get('victim.test', RRType.A), null);
  const hit = cache.get('x.test', RRType.A);
  assert.deepEqual(hit?.type === 'records' ? hit.records.map((r) => r.name) : hit, ['x.test']);
  cache.clear();
  // Only records for other names: nothing to cache.
  assert.ok(!cache.storeResponse(reply({ answers: [a('victim.test', 60)] })));
  // A negative answer whose SOA is not the question's zone or an ancestor's (here example.test
  // for x.test) cannot deny the name.
  assert.ok(!cache.storeResponse(reply({ rcode: Rcode.NXDOMAIN, authorities: [soa(60, 60)] })));
  assert.ok(!cache.storeResponse(reply({ authorities: [soa(60, 60)] })));
  assert.equal(cache.size, 0);
});

test('DnsCache.storeResponse() skips truncated, SOA-less negative and failed responses', () => {
  const cache = new DnsCache({ now: () => 0 });
  assert.ok(!cache.storeResponse(reply({ tc: true, answers: [a('x.test', 60)] })));
  assert.ok(!cache.storeResponse(reply({ rcode: Rcode.NXDOMAIN })));
  assert.ok(!cache.storeResponse(reply({})));
  assert.ok(!cache.storeResponse(reply({ rcode: Rcode.SERVFAIL })));
  assert.ok(!cache.storeResponse({ ...reply({ answers: [a('x.test', 60)] }), qr: false }));
  assert.equal(cache.size, 0);
});
