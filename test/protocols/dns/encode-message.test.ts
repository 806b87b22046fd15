import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RRType } from '../../../src/protocols/dns/codec/constants.js';
import { decodeMessage } from '../../../src/protocols/dns/codec/decode-message.js';
import { encodeMessage } from '../../../src/protocols/dns/codec/encode-message.js';
import {
  createQuery,
  type DnsMessage,
  responseTo,
} from '../../../src/protocols/dns/codec/message.js';
import type { DnsRecord, RData } from '../../../src/protocols/dns/codec/rdata.js';

const rr = (name: string, type: number, data: RData, ttl = 300): DnsRecord => ({
  name,
  type,
  class: 1,
  ttl,
  data,
});

const everyType: DnsRecord[] = [
  rr('example.test', RRType.A, { kind: 'A', address: '192.0.2.1' }),
  rr('example.test', RRType.AAAA, { kind: 'AAAA', address: '2001:db8::1' }),
  rr('example.test', RRType.NS, { kind: 'NS', target: 'ns1.example.test' }),
  rr('alias.example.test', RRType.CNAME, { kind: 'CNAME', target: 'www.example.test' }),
  rr('1.2.0.192.in-addr.arpa', RRType.PTR, { kind: 'PTR', target: 'example.test' }),
  rr('example.test', RRType.MX, { kind: 'MX', preference: 10, exchange: 'mail.example.test' }),
  rr('example.test', RRType.TXT, {
    kind: 'TXT',
    strings: [Buffer.from('v=spf1 -all'), Buffer.alloc(0), Buffer.from([0, 255, 0x22])],
  }),
  rr('example.test', RRType.SOA, {
    kind: 'SOA',
    mname: 'ns1.example.test',
    rname: 'hostmaster.example.test',
    serial: 4294967295,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
  }),
  rr('_http._tcp.example.test', RRType.SRV, {
    kind: 'SRV',
    priority: 0,
    weight: 5,
    port: 10080,
    target: 'www.example.test',
  }),
  rr('example.test', RRType.CAA, {
    kind: 'CAA',
    flags: 128,
    tag: 'issue',
    value: Buffer.from('ca.test'),
  }),
  rr('example.test', 65280, { kind: 'unknown', bytes: Buffer.from([1, 2, 3]) }),
  rr('example.test', RRType.HINFO, { kind: 'unknown', bytes: Buffer.from([1, 0x41, 1, 0x42]) }),
  rr('.', RRType.NS, { kind: 'NS', target: 'a.root-servers.test' }),
  rr('odd\\.label\\032x.test', RRType.A, { kind: 'A', address: '0.0.0.0' }),
];

function response(records: DnsRecord[], extra: Partial<DnsMessage> = {}): DnsMessage {
  return {
    ...responseTo(createQuery('example.test', RRType.ANY, { id: 7 })),
    ...extra,
    answers: records,
  };
}

test('encodeMessage() and decodeMessage() round-trip every record type', () => {
  for (const record of everyType) {
    const m = response([record]);
    assert.deepEqual(decodeMessage(encodeMessage(m)), m, record.name);
  }
  const all = response(everyType, { authorities: everyType, additionals: everyType });
  assert.deepEqual(decodeMessage(encodeMessage(all)), all);
});

test('encodeMessage() round-trips every header flag and EDNS field', () => {
  const m: DnsMessage = {
    ...response([]),
    qr: true,
    opcode: 5,
    aa: true,
    tc: true,
    rd: false,
    ra: true,
    z: true,
    ad: true,
    cd: true,
    rcode: 0xabc,
    edns: {
      udpPayloadSize: 4096,
      version: 3,
      dnssecOk: true,
      flags: 0x1234,
      options: [{ code: 65001, data: Buffer.from('x') }],
    },
  };
  assert.deepEqual(decodeMessage(encodeMessage(m)), m);
});

test('encodeMessage() compresses repeated names and points rdata names at earlier ones', () => {
  const records = [
    rr('example.test', RRType.NS, { kind: 'NS', target: 'ns1.example.test' }),
    rr('example.test', RRType.NS, { kind: 'NS', target: 'ns2.example.test' }),
    rr('ns1.example.test', RRType.A, { kind: 'A', address: '192.0.2.1' }),
  ];
  const bytes = encodeMessage({
    ...response(records),
    questions: [{ name: 'example.test', type: 2, class: 1 }],
  });
  // Question name written once (14 bytes); every later mention is a pointer or label+pointer.
  assert.equal(bytes.indexOf(Buffer.from('\x07example\x04test\x00', 'latin1'), 13), -1);
  assert.equal(bytes.indexOf(Buffer.from('\x03ns1\x07example', 'latin1')), -1);
  assert.equal(bytes.length, 12 + 18 + 2 * (12 + 6) + (2 + 10 + 4));
});

test('encodeMessage() does not compress SRV targets (RFC 2782)', () => {
  const srv = everyType.find((r) => r.type === RRType.SRV)!;
  const bytes = encodeMessage(response([srv]));
  assert.notEqual(bytes.indexOf(Buffer.from('\x03www\x07example\x04test\x00', 'latin1')), -1);
});

test('encodeMessage() keeps each name in the case it was given', () => {
  const m = response([
    rr('WWW.Example.Test', RRType.A, { kind: 'A', address: '192.0.2.1' }),
    rr('www.example.test', RRType.A, { kind: 'A', address: '192.0.2.2' }),
  ]);
  const back = decodeMessage(encodeMessage(m));
  assert.deepEqual(
    back.answers.map((r) => r.name),
    ['WWW.Example.Test', 'www.example.test'],
  );
});

test('encodeMessage() rejects bad fields with RangeError and mismatched rdata with TypeError', () => {
  const bad: Array<[DnsRecord, ErrorConstructor]> = [
    [rr('x.test', RRType.A, { kind: 'A', address: '1.2.3' }), RangeError],
    [rr('x.test', RRType.AAAA, { kind: 'AAAA', address: '1.2.3.4' }), RangeError],
    [rr('x.test', RRType.MX, { kind: 'MX', preference: 70000, exchange: 'a' }), RangeError],
    [rr('x.test', RRType.TXT, { kind: 'TXT', strings: [Buffer.alloc(256)] }), RangeError],
    [rr('x.test', RRType.TXT, { kind: 'TXT', strings: [] }), RangeError],
    [
      rr('x.test', RRType.CAA, { kind: 'CAA', flags: 0, tag: 'is-sue', value: Buffer.alloc(0) }),
      RangeError,
    ],
    [rr('x..test', RRType.A, { kind: 'A', address: '1.2.3.4' }), RangeError],
    [rr(`${'a'.repeat(64)}.test`, RRType.A, { kind: 'A', address: '1.2.3.4' }), RangeError],
    [rr('x.test', RRType.A, { kind: 'A', address: '1.2.3.4' }, -1), RangeError],
    [rr('x.test', RRType.MX, { kind: 'A', address: '1.2.3.4' }), TypeError],
  ];
  for (const [record, kind] of bad)
    assert.throws(() => encodeMessage(response([record])), kind, record.name);
  assert.throws(() => encodeMessage({ ...response([]), rcode: 16 }), /needs EDNS/);
});

test('encodeMessage() rejects a name that pointers would make longer than 255 octets', () => {
  // 3 labels of 63: 193 octets on the wire; 61 + 1 more makes 255, 62 + 1 makes 256.
  const suffix = Array.from({ length: 3 }, () => 'b'.repeat(63)).join('.');
  const m = response([
    rr(suffix, RRType.A, { kind: 'A', address: '1.2.3.4' }),
    rr(`${'c'.repeat(61)}.${suffix}`, RRType.A, { kind: 'A', address: '1.2.3.4' }),
  ]);
  assert.doesNotThrow(() => encodeMessage(m));
  const tooLong = response([
    rr(suffix, RRType.A, { kind: 'A', address: '1.2.3.4' }),
    rr(`${'c'.repeat(62)}.${suffix}`, RRType.A, { kind: 'A', address: '1.2.3.4' }),
  ]);
  assert.throws(() => encodeMessage(tooLong), /255 octets/);
});

const txt = (name: string, n: number): DnsRecord =>
  rr(name, RRType.TXT, { kind: 'TXT', strings: [Buffer.alloc(n, 0x78)] });

test('encodeMessage() with maxSize drops whole RRsets from the end and sets TC', () => {
  const m = response([txt('a.test', 200), txt('a.test', 201), txt('b.test', 200)]);
  const full = encodeMessage(m);
  assert.ok(full.length > 512);
  const cut = encodeMessage(m, { maxSize: 512 });
  assert.ok(cut.length <= 512);
  const back = decodeMessage(cut);
  assert.equal(back.tc, true);
  // Both a.test records fit (~470 bytes); the RRset is never split.
  assert.deepEqual(
    back.answers.map((r) => r.name),
    ['a.test', 'a.test'],
  );
  const tight = decodeMessage(encodeMessage(m, { maxSize: 300 }));
  assert.equal(tight.tc, true);
  assert.equal(tight.answers.length, 0);
});

test('encodeMessage() drops optional additional records without setting TC', () => {
  const m = response([txt('a.test', 100)], {
    additionals: [txt('b.test', 250), txt('c.test', 250)],
  });
  const back = decodeMessage(encodeMessage(m, { maxSize: 512 }));
  assert.equal(back.tc, false);
  assert.equal(back.answers.length, 1);
  assert.deepEqual(
    back.additionals.map((r) => r.name),
    ['b.test'],
  );
});

test('encodeMessage() keeps the OPT record when it truncates', () => {
  const edns = { udpPayloadSize: 1232, version: 0, dnssecOk: true, flags: 0, options: [] };
  const m = response([txt('a.test', 250), txt('b.test', 250), txt('c.test', 250)], { edns });
  const back = decodeMessage(encodeMessage(m, { maxSize: 600 }));
  assert.equal(back.tc, true);
  assert.deepEqual(back.edns, edns);
  assert.equal(back.answers.length, 2);
});

test('encodeMessage() sets TC when a referral loses its glue (RFC 9471)', () => {
  const m: DnsMessage = {
    ...response([]),
    authorities: [rr('sub.test', RRType.NS, { kind: 'NS', target: 'ns.sub.test' })],
    additionals: [txt('ns.sub.test', 250), txt('ns.sub.test', 251)],
  };
  const back = decodeMessage(encodeMessage(m, { maxSize: 300 }));
  assert.equal(back.tc, true);
  assert.equal(back.authorities.length, 1);
});

test('encodeMessage() output always decodes back to what was encoded', () => {
  const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,20}$/);
  const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
  const record = fc
    .tuple(name, name, fc.nat({ max: 65535 }))
    .map(([owner, target, pref]) =>
      rr(owner, RRType.MX, { kind: 'MX', preference: pref, exchange: target }),
    );
  fc.assert(
    fc.property(fc.array(record, { maxLength: 20 }), (records) => {
      const m = response(records);
      assert.deepEqual(decodeMessage(encodeMessage(m)), m);
    }),
    { numRuns: 500 },
  );
});
