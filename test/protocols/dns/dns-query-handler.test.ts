import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  createQuery,
  DnsQueryHandler,
  decodeMessage,
  encodeMessage,
  Forwarder,
  RRType,
  sampleZone,
  Zone,
  ZoneSet,
} from '../../../src/protocols/dns/index.js';
import { type LiveServer, startLive } from './live-server.js';

type Line = Readonly<Record<string, unknown>>;

function handlerPair(zones = new ZoneSet([sampleZone()])) {
  const cachedLog: Line[] = [];
  const freshLog: Line[] = [];
  const cached = new DnsQueryHandler({ zones, observer: { request: (f) => cachedLog.push(f) } });
  const fresh = new DnsQueryHandler({
    zones,
    answerCache: false,
    observer: { request: (f) => freshLog.push(f) },
  });
  return { zones, cached, fresh, cachedLog, freshLog };
}

const NAMES = [
  'www.example.test',
  'example.test',
  'alias.example.test',
  'nope.example.test',
  'big.example.test',
  'a.wild.example.test',
  'outside.invalid',
];
const TYPES = [RRType.A, RRType.AAAA, RRType.MX, RRType.TXT, RRType.ANY, RRType.NS, RRType.AXFR];

/** A query variant: name (in random case), type, ID, RD, EDNS size and DO bit. */
const queryArb = fc
  .record({
    name: fc.constantFrom(...NAMES),
    caseMask: fc.integer({ min: 0, max: 0xffff }),
    type: fc.constantFrom(...TYPES),
    id: fc.integer({ min: 0, max: 0xffff }),
    rd: fc.boolean(),
    edns: fc.option(fc.constantFrom(512, 1232, 4096, 65535), { nil: undefined }),
    dnssecOk: fc.boolean(),
  })
  .map(({ name, caseMask, type, id, rd, edns, dnssecOk }) => {
    const cased = [...name]
      .map((c, i) => ((caseMask >> (i % 16)) & 1 ? c.toUpperCase() : c))
      .join('');
    return encodeMessage(
      createQuery(cased, type, {
        id,
        rd,
        ...(edns !== undefined ? { ednsPayloadSize: edns } : {}),
        ...(edns !== undefined && dnssecOk ? { dnssecOk } : {}),
      }),
    );
  });

test('a cached answer is byte for byte what a fresh answer would be, with the same log line', () => {
  const { cached, fresh, cachedLog, freshLog } = handlerPair();
  fc.assert(
    fc.property(fc.array(queryArb, { minLength: 1, maxLength: 30 }), fc.boolean(), (qs, tcp) => {
      const transport = tcp ? 'tcp' : 'udp';
      // Each query twice: the second is answered from the cache whenever the first was stored.
      for (const q of [...qs, ...qs]) {
        assert.deepEqual(cached.handle(q, transport, 'p'), fresh.handle(q, transport, 'p'));
      }
    }),
    { numRuns: 60 },
  );
  assert.ok((cached.cache?.hits ?? 0) > 0, 'the property exercised the cache');
  assert.deepEqual(cachedLog, freshLog);
});

test('a cached answer carries the ID of the query it answers', () => {
  const { cached } = handlerPair();
  const ask = (id: number) =>
    cached.handle(encodeMessage(createQuery('www.example.test', RRType.A, { id })), 'udp', 'p');
  ask(1);
  const reply = ask(0x4321);
  assert.ok(reply instanceof Buffer);
  assert.equal(decodeMessage(reply).id, 0x4321);
  assert.equal(cached.cache?.hits, 1);
});

test('the handler logs one query line per query, whether answered from the cache or not', () => {
  const { cached, cachedLog } = handlerPair();
  const q = encodeMessage(createQuery('www.example.test', RRType.A, { id: 7 }));
  for (let i = 0; i < 3; i++) cached.handle(q, 'udp', `127.0.0.1:${1000 + i}`);
  assert.equal(cachedLog.length, 3);
  assert.deepEqual(
    cachedLog.map((l) => l.peer),
    ['127.0.0.1:1000', '127.0.0.1:1001', '127.0.0.1:1002'],
  );
  assert.ok(cachedLog.every((l) => l.name === 'www.example.test' && l.source === 'zone'));
});

test('the handler keeps UDP and TCP answers apart: a truncated UDP answer never goes over TCP', () => {
  const { cached } = handlerPair();
  const q = encodeMessage(createQuery('big.example.test', RRType.TXT, { id: 9 }));
  const udp = cached.handle(q, 'udp', 'p') as Buffer;
  const tcp = cached.handle(q, 'tcp', 'p') as Buffer;
  assert.ok(decodeMessage(udp).tc);
  assert.ok(!decodeMessage(tcp).tc);
  assert.ok(decodeMessage(cached.handle(q, 'udp', 'p') as Buffer).tc);
  assert.ok(!decodeMessage(cached.handle(q, 'tcp', 'p') as Buffer).tc);
});

const CHANGED_ZONE = `$ORIGIN example.test.
@ 300 SOA ns1 hostmaster 2 3600 600 86400 60
@ 300 NS ns1
ns1 300 A 127.0.0.1
www 300 A 192.0.2.99
`;

test('a zone replaced in the ZoneSet is answered from the new data at once, never the cached', () => {
  const { zones, cached } = handlerPair();
  const q = encodeMessage(createQuery('www.example.test', RRType.A, { id: 3 }));
  const before = decodeMessage(cached.handle(q, 'udp', 'p') as Buffer);
  cached.handle(q, 'udp', 'p');
  assert.equal(cached.cache?.hits, 1);
  zones.remove('example.test');
  const refused = decodeMessage(cached.handle(q, 'udp', 'p') as Buffer);
  assert.equal(refused.rcode, 5, 'REFUSED once the zone is gone');
  zones.add(Zone.fromText(CHANGED_ZONE, { origin: 'example.test' }));
  const after = decodeMessage(cached.handle(q, 'udp', 'p') as Buffer);
  assert.notDeepEqual(after.answers, before.answers);
  assert.equal(after.answers[0]?.data.kind === 'A' && after.answers[0].data.address, '192.0.2.99');
});

test('a handler with answerCache: false caches nothing', () => {
  const { fresh } = handlerPair();
  assert.equal(fresh.cache, null);
});

test('a query that is not DNS stays unanswered, and the cache does not keep it', () => {
  const { cached } = handlerPair();
  const response = Buffer.from(encodeMessage(createQuery('www.example.test', RRType.A)));
  response[2] = (response[2] ?? 0) | 0x80;
  assert.equal(cached.handle(response, 'udp', 'p'), null);
  assert.equal(cached.handle(response, 'udp', 'p'), null);
  assert.equal(cached.cache?.size, 0);
});

let upstream: LiveServer;
before(async () => {
  upstream = await startLive();
});
after(() => upstream.stop());

test('forwarded answers are not cached here (the forwarder has its own TTL cache)', async () => {
  const forwarder = new Forwarder({ upstreams: [upstream.address], timeout: 1 });
  const handler = new DnsQueryHandler({ zones: new ZoneSet(), forwarder });
  const q = encodeMessage(createQuery('www.example.test', RRType.AAAA, { id: 11 }));
  for (let i = 0; i < 2; i++) {
    const reply = await handler.handle(q, 'udp', 'p', '127.0.0.1');
    assert.ok(reply instanceof Buffer);
    assert.equal(decodeMessage(reply).answers.length, 1);
  }
  assert.equal(handler.cache?.size, 0);
});
