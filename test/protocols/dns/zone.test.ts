import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RRType } from '../../../src/protocols/dns/codec/constants.js';
import { sampleZone } from '../../../src/protocols/dns/codec/sample-zone.js';
import { Zone } from '../../../src/protocols/dns/codec/zone.js';
import { ZoneSet } from '../../../src/protocols/dns/codec/zone-set.js';

test('Zone indexes records by lower-case name and type', () => {
  const zone = sampleZone();
  assert.equal(zone.origin, 'example.test');
  assert.equal(zone.get('www.example.test', RRType.A)?.length, 1);
  assert.equal(zone.get('www.example.test', RRType.MX), undefined);
  assert.equal(zone.node('example.test')?.size, 6);
});

test('Zone knows empty non-terminals exist and finds delegation points', () => {
  const zone = sampleZone();
  assert.ok(zone.has('_tcp.example.test'));
  assert.ok(zone.has('wild.example.test'));
  assert.ok(!zone.has('nope.example.test'));
  assert.equal(zone.node('_tcp.example.test'), undefined);
  assert.equal(zone.findCut('a.b.sub.example.test'), 'sub.example.test');
  assert.equal(zone.findCut('sub.example.test'), 'sub.example.test');
  assert.equal(zone.findCut('www.example.test'), undefined);
  assert.equal(zone.findCut('example.test'), undefined);
});

test('Zone derives the negative-answer SOA TTL as min(TTL, minimum) (RFC 2308)', () => {
  const zone = Zone.fromText('@ 3600 SOA ns h 1 2 3 4 60\n', { origin: 'e.test' });
  assert.equal(zone.negativeSoa.ttl, 60);
  assert.equal(zone.soa.ttl, 3600);
});

test('Zone refuses data outside its apex, a missing SOA, and CNAME beside other data', () => {
  const soa = '@ 1 SOA ns h 1 2 3 4 5\n';
  assert.throws(
    () => Zone.fromText(`${soa}other.test. 1 A 192.0.2.1\n`, { origin: 'e.test' }),
    /outside/,
  );
  assert.throws(
    () => Zone.fromText('www 1 A 192.0.2.1\n', { origin: 'e.test' }),
    /exactly one SOA/,
  );
  assert.throws(() => Zone.fromText(`${soa}${soa}`, { origin: 'e.test' }), /exactly one SOA/);
  assert.throws(
    () => Zone.fromText(`${soa}x 1 CNAME y\nx 1 A 192.0.2.1\n`, { origin: 'e.test' }),
    /CNAME and other data/,
  );
});

test('ZoneSet finds the closest enclosing zone, ignoring case', () => {
  const parent = sampleZone();
  const child = Zone.fromText('@ 1 SOA ns h 1 2 3 4 5\n', { origin: 'sub.example.test' });
  const zones = new ZoneSet([parent, child]);
  assert.equal(zones.find('WWW.Example.Test'), parent);
  assert.equal(zones.find('a.SUB.example.test'), child);
  assert.equal(zones.find('sub.example.test'), child);
  assert.equal(zones.find('other.test'), undefined);
  assert.throws(() => zones.add(sampleZone()), /already loaded/);
  assert.ok(zones.remove('SUB.example.test.'));
  assert.equal(zones.find('a.sub.example.test'), parent);
  assert.equal(zones.zones.length, 1);
});

test('ZoneSet can hold the root zone', () => {
  const root = Zone.fromText('@ 1 SOA a.root h 1 2 3 4 5\n', { origin: '.' });
  assert.equal(new ZoneSet([root]).find('anything.at.all'), root);
});

test('ZoneSet.generation changes on every add and remove that changes the set', () => {
  const zones = new ZoneSet();
  const start = zones.generation;
  zones.add(sampleZone());
  const added = zones.generation;
  assert.notEqual(added, start);
  assert.equal(zones.remove('absent.test'), false);
  assert.equal(zones.generation, added, 'nothing removed, nothing changed');
  assert.equal(zones.remove('EXAMPLE.test.'), true);
  assert.notEqual(zones.generation, added);
});
