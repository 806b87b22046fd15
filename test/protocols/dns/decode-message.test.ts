import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EdnsOption, RRType } from '../../../src/protocols/dns/codec/constants.js';
import { decodeMessage } from '../../../src/protocols/dns/codec/decode-message.js';
import { encodeMessage } from '../../../src/protocols/dns/codec/encode-message.js';
import { DnsFormatError } from '../../../src/protocols/dns/codec/errors.js';
import { loadHex } from './support.js';

/** A header with the given counts, then `body`. */
function message(counts: [number, number, number, number], body: number[]): Buffer {
  return Buffer.from([
    0x12,
    0x34,
    0x01,
    0x00,
    0,
    counts[0],
    0,
    counts[1],
    0,
    counts[2],
    0,
    counts[3],
    ...body,
  ]);
}

test('decodeMessage() reads a captured dig A query with EDNS and a client cookie', () => {
  const m = decodeMessage(loadHex('dig-query-a-edns-cookie.hex'));
  assert.equal(m.id, 0x8d0c);
  assert.deepEqual([m.qr, m.rd, m.ad, m.cd, m.opcode, m.rcode], [false, true, true, false, 0, 0]);
  assert.deepEqual(m.questions, [{ name: 'www.example.test', type: RRType.A, class: 1 }]);
  assert.equal(m.additionals.length, 0);
  assert.equal(m.edns?.udpPayloadSize, 1232);
  assert.equal(m.edns?.version, 0);
  assert.equal(m.edns?.dnssecOk, false);
  assert.equal(m.edns?.options[0]?.code, EdnsOption.COOKIE);
  assert.equal(Buffer.from(m.edns!.options[0]!.data).toString('hex'), '4b7f18c9afde7920');
});

test('decodeMessage() keeps the case of a captured mixed-case query and reads the DO bit', () => {
  const m = decodeMessage(loadHex('dig-query-txt-dnssec.hex'));
  assert.equal(m.questions[0]?.name, 'Big.Example.Test');
  assert.equal(m.questions[0]?.type, RRType.TXT);
  assert.equal(m.edns?.dnssecOk, true);
  assert.deepEqual(m.edns?.options, []);
});

test('decodeMessage() reads captured queries without EDNS and for reverse names', () => {
  const mx = decodeMessage(loadHex('dig-query-mx-noedns.hex'));
  assert.equal(mx.edns, null);
  assert.equal(mx.questions[0]?.type, RRType.MX);
  const ptr = decodeMessage(loadHex('dig-query-ptr-reverse.hex'));
  assert.equal(ptr.questions[0]?.name, '1.0.0.127.in-addr.arpa');
  assert.equal(ptr.questions[0]?.type, RRType.PTR);
});

test('decodeMessage() follows pointers into the question and into other rdata', () => {
  const m = decodeMessage(loadHex('answer-ns-compressed.hex'));
  assert.ok(m.qr && m.aa);
  assert.deepEqual(
    m.answers.map((r) => r.data),
    [
      { kind: 'NS', target: 'ns1.example.test' },
      { kind: 'NS', target: 'ns2.example.test' },
    ],
  );
  assert.deepEqual(
    m.additionals.map((r) => [r.name, r.data]),
    [
      ['ns1.example.test', { kind: 'A', address: '192.0.2.1' }],
      ['ns2.example.test', { kind: 'AAAA', address: '2001:db8::2' }],
    ],
  );
  assert.equal(m.edns?.options[0]?.data.length, 24);
});

test('decodeMessage() reads an NXDOMAIN whose SOA names are compressed', () => {
  const m = decodeMessage(loadHex('answer-nxdomain-soa.hex'));
  assert.equal(m.rcode, 3);
  assert.deepEqual(m.authorities[0]?.data, {
    kind: 'SOA',
    mname: 'ns1.example.test',
    rname: 'hostmaster.example.test',
    serial: 2024010101,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
  });
});

test('captured messages re-encode to the same bytes', () => {
  for (const name of [
    'dig-query-a-edns-cookie.hex',
    'dig-query-mx-noedns.hex',
    'dig-query-txt-dnssec.hex',
    'dig-query-ptr-reverse.hex',
    'answer-ns-compressed.hex',
    'answer-nxdomain-soa.hex',
  ]) {
    const bytes = loadHex(name);
    assert.deepEqual(
      encodeMessage(decodeMessage(bytes)).toString('hex'),
      bytes.toString('hex'),
      name,
    );
  }
});

test('decodeMessage() rejects a pointer to itself as a loop', () => {
  const bytes = message([1, 0, 0, 0], [0xc0, 12, 0, 1, 0, 1]);
  assert.throws(() => decodeMessage(bytes), /loop or forward pointer/);
});

test('decodeMessage() rejects two pointers that point at each other', () => {
  // Question name: label "a" then a pointer to offset 12 (its own start): a loop through a label.
  const bytes = message([1, 0, 0, 0], [1, 0x61, 0xc0, 12, 0, 1, 0, 1]);
  assert.throws(() => decodeMessage(bytes), DnsFormatError);
  // Answer owner points to the question's pointer, which points back to the answer.
  const mutual = message(
    [1, 1, 0, 0],
    [0xc0, 18, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0],
  );
  assert.throws(() => decodeMessage(mutual), /loop or forward pointer/);
});

test('decodeMessage() rejects a forward pointer and a pointer past the end', () => {
  const forward = message([1, 0, 0, 0], [0xc0, 18, 0, 1, 0, 1, 0]);
  assert.throws(() => decodeMessage(forward), /loop or forward pointer/);
  const outside = message([1, 0, 0, 0], [0xc0, 0xff, 0, 1, 0, 1]);
  assert.throws(() => decodeMessage(outside), /out of range/);
});

test('decodeMessage() rejects the reserved label types 0x40 and 0x80', () => {
  assert.throws(
    () => decodeMessage(message([1, 0, 0, 0], [0x41, 0x61, 0, 0, 1, 0, 1])),
    /label type/,
  );
  assert.throws(
    () => decodeMessage(message([1, 0, 0, 0], [0x81, 0x61, 0, 0, 1, 0, 1])),
    /label type/,
  );
});

test('decodeMessage() rejects a name longer than 255 octets, even through pointers', () => {
  const label = [63, ...Buffer.alloc(63, 0x61)];
  const long = message([1, 0, 0, 0], [...label, ...label, ...label, ...label, 0, 0, 1, 0, 1]);
  assert.throws(() => decodeMessage(long), /255 octets/);
  const first = [...label, ...label, ...label, 0]; // 193 octets at offset 12
  const second = [...label, 0xc0, 12]; // 64 + 193 = 257
  const viaPointer = message([2, 0, 0, 0], [...first, 0, 1, 0, 1, ...second, 0, 1, 0, 1]);
  assert.throws(() => decodeMessage(viaPointer), /255 octets/);
});

test('decodeMessage() rejects a message cut at any offset with DnsFormatError', () => {
  const bytes = loadHex('answer-ns-compressed.hex');
  for (let i = 0; i < bytes.length; i++) {
    assert.throws(() => decodeMessage(bytes.subarray(0, i)), DnsFormatError, `cut at ${i}`);
  }
});

test('decodeMessage() rejects rdata whose length disagrees with its type', () => {
  const a5 = message([0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5]);
  assert.throws(() => decodeMessage(a5), /A rdata is not 4 bytes/);
  // An MX whose name runs past its rdlength.
  const mx = message([0, 1, 0, 0], [0, 0, 15, 0, 1, 0, 0, 0, 1, 0, 4, 0, 10, 1, 0x61, 0]);
  assert.throws(() => decodeMessage(mx), DnsFormatError);
  const caa = message([0, 1, 0, 0], [0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 3, 0, 1, 0x2d]);
  assert.throws(() => decodeMessage(caa), /alphanumeric/);
});

test('decodeMessage() rejects OPT outside the additional section, twice, or not at the root', () => {
  const opt = [0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0];
  assert.throws(() => decodeMessage(message([0, 1, 0, 0], opt)), /outside the additional/);
  assert.throws(() => decodeMessage(message([0, 0, 0, 2], [...opt, ...opt])), /more than one OPT/);
  assert.throws(() => decodeMessage(message([0, 0, 0, 1], [1, 0x61, ...opt])), /not the root/);
  const badOption = [0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 4, 0, 10, 0, 8];
  assert.throws(() => decodeMessage(message([0, 0, 0, 1], badOption)), /EDNS option/);
});

test('decodeMessage() joins the OPT extended rcode to the header rcode', () => {
  // Header rcode 0, OPT extended rcode 1: BADVERS (16).
  const bytes = message([0, 0, 0, 1], [0, 0, 41, 4, 0xd0, 1, 0, 0, 0, 0, 0]);
  bytes[2] = 0x80;
  assert.equal(decodeMessage(bytes).rcode, 16);
});

test('decodeMessage() reads a TTL with the top bit set as zero (RFC 2181 §8)', () => {
  const bytes = message([0, 1, 0, 0], [0, 0, 1, 0, 1, 0x80, 0, 0, 1, 0, 4, 1, 2, 3, 4]);
  assert.equal(decodeMessage(bytes).answers[0]?.ttl, 0);
});

test('decodeMessage() ignores bytes after the last record', () => {
  const bytes = Buffer.concat([loadHex('dig-query-mx-noedns.hex'), Buffer.from([1, 2, 3])]);
  assert.equal(decodeMessage(bytes).questions.length, 1);
});

test('decodeMessage() never throws anything but DnsFormatError on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        decodeMessage(bytes);
      } catch (error) {
        if (!(error instanceof DnsFormatError)) throw error;
      }
    }),
    { numRuns: 3000 },
  );
});

test('decodeMessage() survives random mutations of real messages', () => {
  const seeds = [loadHex('answer-ns-compressed.hex'), loadHex('answer-nxdomain-soa.hex')];
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      (which, edits) => {
        const bytes = Buffer.from(seeds[which]!);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        try {
          const m = decodeMessage(bytes);
          // Whatever decodes must encode again without throwing a non-range error.
          try {
            encodeMessage(m);
          } catch (error) {
            if (!(error instanceof RangeError)) throw error;
          }
        } catch (error) {
          if (!(error instanceof DnsFormatError)) throw error;
        }
      },
    ),
    { numRuns: 3000 },
  );
});
