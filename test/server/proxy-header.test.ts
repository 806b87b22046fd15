/**
 * parseProxyHeader(): the PROXY protocol header (v1 text, v2 binary), fed every way it can be cut;
 * parseDatagramProxyHeader(): the same at the start of a datagram.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeProxyHeaderV1,
  encodeProxyHeaderV2,
  PROXY_V2_SIGNATURE,
  type ProxyHeaderParse,
  parseDatagramProxyHeader,
  parseProxyHeader,
} from '../../src/server/proxy-header.js';
import { chunkings } from '../../src/testing/index.js';

const V4 = { source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 80] } as const;
const V6 = { source: ['2001:db8::7', 5000], destination: ['::1', 443] } as const;

/** Feeds the pieces as they would accumulate, checking that only the whole header completes. */
function parseInPieces(pieces: readonly Uint8Array[]): ProxyHeaderParse {
  let seen: Buffer = Buffer.alloc(0);
  let last: ProxyHeaderParse = parseProxyHeader(seen);
  for (const piece of pieces) {
    seen = Buffer.concat([seen, piece]);
    last = parseProxyHeader(seen);
    if (last.type !== 'incomplete') return last;
    assert.ok(last.need > seen.length, 'incomplete asks for more than it has');
  }
  return last;
}

for (const [name, bytes, header] of [
  ['v1 TCP4', Buffer.from(encodeProxyHeaderV1(V4)), { version: 1, ...V4 }],
  ['v1 TCP6', Buffer.from(encodeProxyHeaderV1(V6)), { version: 1, ...V6 }],
  ['v1 UNKNOWN', Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'), { version: 1, local: true }],
  ['v2 PROXY IPv4', encodeProxyHeaderV2(V4), { version: 2, ...V4 }],
  ['v2 PROXY IPv6', encodeProxyHeaderV2(V6), { version: 2, ...V6 }],
  ['v2 LOCAL', encodeProxyHeaderV2({ local: true }), { version: 2, local: true }],
  [
    'v2 with TLVs (skipped)',
    encodeProxyHeaderV2(V4, Buffer.from([0x01, 0x00, 0x02, 0x68, 0x32, 0x04, 0x00, 0x00])),
    { version: 2, ...V4 },
  ],
] as const) {
  test(`parseProxyHeader() reads a ${name} header cut every way, and leaves what follows`, () => {
    const input = Buffer.concat([bytes, Buffer.from('GET / HTTP/1.0\r\n')]);
    for (const { label, chunks } of chunkings(bytes)) {
      const parsed = parseInPieces(chunks);
      assert.deepEqual(parsed, { type: 'header', header, length: bytes.length }, label);
    }
    assert.deepEqual(parseProxyHeader(input), { type: 'header', header, length: bytes.length });
  });
}

test('parseProxyHeader() keeps the family of v2 UNSPEC and UNIX headers local (the balancer)', () => {
  const unspec = Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x21, 0x00, 0, 0])]);
  const unix = Buffer.concat([
    PROXY_V2_SIGNATURE,
    Buffer.from([0x21, 0x31, 0, 216]),
    Buffer.alloc(216),
  ]);
  for (const bytes of [unspec, unix]) {
    assert.deepEqual(parseProxyHeader(bytes), {
      type: 'header',
      header: { version: 2, local: true },
      length: bytes.length,
    });
  }
});

test('parseProxyHeader() asks for the whole v2 header once its length field is in', () => {
  const bytes = encodeProxyHeaderV2(V6);
  assert.deepEqual(parseProxyHeader(bytes.subarray(0, 5)), { type: 'incomplete', need: 16 });
  assert.deepEqual(parseProxyHeader(bytes.subarray(0, 16)), {
    type: 'incomplete',
    need: bytes.length,
  });
});

const v2 = (fixed: number[], body: Buffer = Buffer.alloc(0)): Buffer =>
  Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from(fixed), body]);

for (const [name, bytes, reason] of [
  ['an HTTP request', 'GET / HTTP/1.1\r\n', /not a PROXY protocol header/],
  ['a TLS ClientHello', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5]), /not a PROXY protocol header/],
  ['lower-case proxy', 'proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n', /not a PROXY protocol header/],
  ['v1 without CRLF', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n', /CRLF/],
  ['v1 with a bad family', 'PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n', /family/],
  ['v1 with an IPv6 address as TCP4', 'PROXY TCP4 ::1 ::1 1 2\r\n', /address/],
  ['v1 with a short address', 'PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n', /address/],
  ['v1 with a port too big', 'PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n', /port/],
  ['v1 with a leading zero port', 'PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n', /port/],
  ['v1 with double spaces', 'PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n', /6 fields/],
  ['v1 with a field missing', 'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', /6 fields/],
  ['v1 longer than 107 bytes', `PROXY TCP6 ${'a'.repeat(120)}`, /longer than 107/],
  ['v2 with a bad signature', Buffer.from('\r\n\r\n\0\r\nQUIX\n'), /not a PROXY/],
  ['v2 of version 1', v2([0x11, 0x11, 0, 12], Buffer.alloc(12)), /version 1/],
  ['v2 with command 2', v2([0x22, 0x11, 0, 12], Buffer.alloc(12)), /command 2/],
  ['v2 with family 4', v2([0x21, 0x41, 0, 12], Buffer.alloc(12)), /family 4/],
  ['v2 over UDP', v2([0x21, 0x12, 0, 12], Buffer.alloc(12)), /STREAM/],
  ['v2 with a short IPv6 block', v2([0x21, 0x21, 0, 12], Buffer.alloc(12)), /shorter/],
  ['v2 declaring 64 KiB', v2([0x21, 0x11, 0xff, 0xff]), /too long/],
  ['v2 with 1100 bytes of TLVs', v2([0x21, 0x11, 0x04, 0x58], Buffer.alloc(1112)), /TLVs/],
] as const) {
  test(`parseProxyHeader() refuses ${name}`, () => {
    const parsed = parseProxyHeader(Buffer.from(bytes));
    assert.equal(parsed.type, 'error');
    assert.match(parsed.type === 'error' ? parsed.reason : '', reason);
  });
}

test('parseProxyHeader() refuses a wrong byte as soon as it arrives, not at the end', () => {
  assert.equal(parseProxyHeader(Buffer.from('PROXX')).type, 'error');
  assert.equal(parseProxyHeader(Buffer.from('\r\n\r\n\0\r\nQ')).type, 'incomplete');
  assert.equal(parseProxyHeader(Buffer.from('\r\n\r\n\0\r\nX')).type, 'error');
});

test('encodeProxyHeaderV1() refuses mixed families', () => {
  assert.throws(
    () => encodeProxyHeaderV1({ source: ['192.0.2.1', 1], destination: ['::1', 2] }),
    TypeError,
  );
});

const V4_UDP = { ...V4, transport: 'datagram' } as const;
const V6_UDP = { ...V6, transport: 'datagram' } as const;

test('encodeProxyHeaderV2() names UDP over IPv4 0x12 and over IPv6 0x22', () => {
  assert.equal(encodeProxyHeaderV2(V4_UDP)[13], 0x12);
  assert.equal(encodeProxyHeaderV2(V6_UDP)[13], 0x22);
  assert.equal(encodeProxyHeaderV2(V4)[13], 0x11);
});

for (const [name, bytes, header] of [
  // What nginx's stream module sends for UDP (seen on the wire): v1 has no word for UDP.
  [
    'nginx v1 TCP4',
    Buffer.from('PROXY TCP4 127.0.0.2 127.0.0.1 44740 19054\r\n'),
    { version: 1, source: ['127.0.0.2', 44740], destination: ['127.0.0.1', 19054] },
  ],
  [
    'nginx v1 TCP6',
    Buffer.from('PROXY TCP6 ::1 ::1 59753 19056\r\n'),
    { version: 1, source: ['::1', 59753], destination: ['::1', 19056] },
  ],
  ['v1 UNKNOWN', Buffer.from('PROXY UNKNOWN\r\n'), { version: 1, local: true }],
  ['v2 DGRAM IPv4', encodeProxyHeaderV2(V4_UDP), { version: 2, ...V4 }],
  ['v2 DGRAM IPv6', encodeProxyHeaderV2(V6_UDP), { version: 2, ...V6 }],
  ['v2 LOCAL', encodeProxyHeaderV2({ local: true }), { version: 2, local: true }],
  [
    'v2 DGRAM with TLVs (skipped)',
    encodeProxyHeaderV2(V4_UDP, Buffer.from([0x04, 0x00, 0x01, 0x00])),
    { version: 2, ...V4 },
  ],
] as const) {
  test(`parseDatagramProxyHeader() reads a ${name} header and leaves the payload after it`, () => {
    const payload = Buffer.from([0x50, 0x52, 0x01, 0x00, 0x00, 0x01]); // a DNS query's start
    for (const tail of [Buffer.alloc(0), payload]) {
      assert.deepEqual(parseDatagramProxyHeader(Buffer.concat([bytes, tail])), {
        type: 'header',
        header,
        length: bytes.length,
      });
    }
  });
}

test('parseDatagramProxyHeader() refuses a header cut short: a datagram never gets more bytes', () => {
  for (const bytes of [
    Buffer.from(encodeProxyHeaderV1(V4)),
    encodeProxyHeaderV2(V4_UDP),
    encodeProxyHeaderV2(V6_UDP),
  ]) {
    for (let cut = 1; cut < bytes.length; cut++) {
      const parsed = parseDatagramProxyHeader(bytes.subarray(0, cut));
      assert.equal(parsed.type, 'error', `cut at ${cut}`);
    }
  }
  assert.deepEqual(parseDatagramProxyHeader(Buffer.alloc(0)), {
    type: 'error',
    reason: 'not a PROXY protocol header',
  });
  assert.match(
    (parseDatagramProxyHeader(encodeProxyHeaderV2(V4_UDP).subarray(0, 20)) as { reason: string })
      .reason,
    /shorter than its PROXY header/,
  );
});

for (const [name, bytes, reason] of [
  ['a bare DNS query', Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01]), /not a PROXY/],
  ['v2 over TCP (STREAM)', encodeProxyHeaderV2(V4), /not DGRAM/],
  ['v2 over TCP6 (STREAM)', encodeProxyHeaderV2(V6), /not DGRAM/],
  ['v2 INET with UNSPEC transport', v2([0x21, 0x10, 0, 12], Buffer.alloc(12)), /not DGRAM/],
  ['v2 with command 2', v2([0x22, 0x12, 0, 12], Buffer.alloc(12)), /command 2/],
  ['v1 UDP4 (no such word)', Buffer.from('PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n'), /family/],
] as const) {
  test(`parseDatagramProxyHeader() refuses ${name}`, () => {
    const parsed = parseDatagramProxyHeader(Buffer.from(bytes));
    assert.equal(parsed.type, 'error');
    assert.match(parsed.type === 'error' ? parsed.reason : '', reason);
  });
}

test('parseProxyHeader() still refuses v2 DGRAM on a connection', () => {
  const parsed = parseProxyHeader(encodeProxyHeaderV2(V4_UDP));
  assert.equal(parsed.type, 'error');
  assert.match(parsed.type === 'error' ? parsed.reason : '', /not STREAM/);
});
