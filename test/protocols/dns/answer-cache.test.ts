import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AnswerCache,
  createQuery,
  encodeMessage,
  RRType,
  sampleZone,
  Zone,
  ZoneSet,
} from '../../../src/protocols/dns/index.js';

const FIELDS = { name: 'www.example.test', type: 'A', rcode: 'NOERROR' };

const query = (name: string, id = 1): Buffer => encodeMessage(createQuery(name, RRType.A, { id }));

const OTHER_ZONE = `$ORIGIN other.test.
@ 300 SOA ns hostmaster 1 3600 600 86400 60
@ 300 NS ns
ns 300 A 192.0.2.1
`;

test('AnswerCache.get() finds a response by the query bytes after the ID', () => {
  const cache = new AnswerCache(new ZoneSet([sampleZone()]));
  const response = Buffer.from([0, 1, 0x84, 0, 9, 9]);
  assert.equal(cache.set(query('www.example.test', 1), 'udp', response, FIELDS), true);
  const hit = cache.get(query('www.example.test', 0xbeef), 'udp');
  assert.ok(hit !== undefined);
  assert.deepEqual(hit.bytes, response);
  assert.equal(hit.name, 'www.example.test');
  assert.equal(cache.hits, 1);
  assert.equal(cache.get(query('WWW.example.test', 1), 'udp'), undefined, 'case is part of key');
  assert.equal(cache.get(query('www.example.test', 1), 'tcp'), undefined, 'transport is too');
  assert.equal(cache.misses, 2);
});

test('AnswerCache.set() keeps a copy: changing the buffer given changes nothing cached', () => {
  const cache = new AnswerCache(new ZoneSet([sampleZone()]));
  const response = Buffer.from([0, 1, 0x84, 0]);
  cache.set(query('www.example.test'), 'udp', response, FIELDS);
  response.fill(0xff);
  assert.deepEqual(
    cache.get(query('www.example.test'), 'udp')?.bytes,
    Buffer.from([0, 1, 0x84, 0]),
  );
});

test('AnswerCache.reply() copies the response with the ID of the query it answers', () => {
  const cache = new AnswerCache(new ZoneSet([sampleZone()]));
  cache.set(query('www.example.test', 1), 'udp', Buffer.from([0, 1, 0x84, 0, 7]), FIELDS);
  const asked = query('www.example.test', 0xa1b2);
  const hit = cache.get(asked, 'udp');
  assert.ok(hit !== undefined);
  const first = AnswerCache.reply(hit, asked);
  assert.deepEqual(first, Buffer.from([0xa1, 0xb2, 0x84, 0, 7]));
  const second = AnswerCache.reply(hit, query('www.example.test', 2));
  assert.deepEqual(second.subarray(0, 2), Buffer.from([0, 2]));
  assert.deepEqual(first.subarray(0, 2), Buffer.from([0xa1, 0xb2]), 'each reply is its own');
  assert.deepEqual(hit.bytes.subarray(0, 2), Buffer.from([0, 1]), 'the entry is untouched');
});

test('AnswerCache empties itself when a zone is added to or removed from its ZoneSet', () => {
  const zones = new ZoneSet([sampleZone()]);
  const cache = new AnswerCache(zones);
  cache.set(query('www.example.test'), 'udp', Buffer.from([0, 1, 2]), FIELDS);
  zones.add(Zone.fromText(OTHER_ZONE, { origin: 'other.test' }));
  assert.equal(cache.get(query('www.example.test'), 'udp'), undefined);
  assert.equal(cache.size, 0);
  cache.set(query('www.example.test'), 'udp', Buffer.from([0, 1, 2]), FIELDS);
  assert.equal(zones.remove('nothing.test'), false);
  assert.ok(cache.get(query('www.example.test'), 'udp') !== undefined, 'no change, no reset');
  zones.remove('other.test');
  assert.equal(cache.get(query('www.example.test'), 'udp'), undefined);
});

test('AnswerCache holds at most maxEntries, dropping the oldest first', () => {
  const cache = new AnswerCache(new ZoneSet([sampleZone()]), { maxEntries: 3 });
  for (let i = 0; i < 5; i++) {
    cache.set(query(`n${i}.example.test`), 'udp', Buffer.from([0, 0, i]), FIELDS);
  }
  assert.equal(cache.size, 3);
  assert.equal(cache.get(query('n0.example.test'), 'udp'), undefined);
  assert.equal(cache.get(query('n1.example.test'), 'udp'), undefined);
  assert.deepEqual(cache.get(query('n4.example.test'), 'udp')?.bytes, Buffer.from([0, 0, 4]));
  cache.set(query('t.example.test'), 'tcp', Buffer.from([0, 0, 9]), FIELDS);
  assert.equal(cache.size, 3, 'both transports share the bound');
});

test('AnswerCache holds at most maxBytes of keys and responses', () => {
  const q = query('www.example.test');
  const cost = q.length - 2 + 100;
  const cache = new AnswerCache(new ZoneSet([sampleZone()]), { maxBytes: cost * 2 });
  for (let i = 0; i < 4; i++) {
    cache.set(query(`n${i}.example.test`), 'udp', Buffer.alloc(100), FIELDS);
    assert.ok(cache.bytes <= cost * 2, `${cache.bytes} bytes held`);
  }
  assert.equal(cache.size, 2);
  assert.equal(cache.set(q, 'udp', Buffer.alloc(cost * 2), FIELDS), false, 'too big to hold');
  assert.equal(cache.size, 2);
});

test('AnswerCache neither stores nor looks up a query longer than maxQueryLength', () => {
  const long = query('a-rather-long-label-for-this-test.example.test');
  const cache = new AnswerCache(new ZoneSet([sampleZone()]), { maxQueryLength: long.length - 1 });
  assert.equal(cache.set(long, 'udp', Buffer.from([0, 0]), FIELDS), false);
  assert.equal(cache.size, 0);
  assert.equal(cache.get(long, 'udp'), undefined);
});

test('AnswerCache takes a query given as a plain Uint8Array view', () => {
  const cache = new AnswerCache(new ZoneSet([sampleZone()]));
  const bytes = query('www.example.test');
  const backing = new Uint8Array(bytes.length + 8);
  backing.set(bytes, 4);
  const view = backing.subarray(4, 4 + bytes.length);
  cache.set(view, 'udp', Buffer.from([0, 0, 1]), FIELDS);
  assert.ok(cache.get(bytes, 'udp') !== undefined);
});

test('AnswerCache rejects bounds that are not positive integers', () => {
  const zones = new ZoneSet();
  assert.throws(() => new AnswerCache(zones, { maxEntries: 0 }), RangeError);
  assert.throws(() => new AnswerCache(zones, { maxBytes: 1.5 }), RangeError);
  assert.throws(() => new AnswerCache(zones, { maxQueryLength: -1 }), RangeError);
});

test('AnswerCache.clear() drops every entry', () => {
  const cache = new AnswerCache(new ZoneSet([sampleZone()]));
  cache.set(query('www.example.test'), 'udp', Buffer.from([0, 0, 1]), FIELDS);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
});
