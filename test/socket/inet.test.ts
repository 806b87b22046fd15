import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AF_INET, AF_INET6, AF_UNIX } from '../../src/socket/constants.js';
import { SocketError } from '../../src/socket/errors.js';
import { inetAton, inetNtoa, inetNtop, inetPton } from '../../src/socket/inet.js';

/** Checks that `fn` throws a SocketError with this code and message, as Python's OSError. */
function assertSocketError(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SocketError, `expected SocketError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    return true;
  });
}

const ATON_BAD = 'illegal IP address string passed to inet_aton (EINVAL)';
const PTON_BAD = 'illegal IP address string passed to inet_pton (EINVAL)';

// Each pair is what CPython 3.11 on glibc returns for socket.inet_aton(text).
const atonCases: ReadonlyArray<readonly [string, string]> = [
  ['1', '00000001'],
  ['1.2', '01000002'],
  ['1.2.3', '01020003'],
  ['1.2.3.4', '01020304'],
  ['0x7f.1', '7f000001'],
  ['0X1F.1', '1f000001'],
  ['0177.0.0.1', '7f000001'],
  ['1.2.3.4 junk', '01020304'],
  ['1.2.3.4\tx', '01020304'],
  ['1.2.3.4\n', '01020304'],
  ['4294967295', 'ffffffff'],
  ['0xffffffff', 'ffffffff'],
  ['1.16777215', '01ffffff'],
  ['1.2.65535', '0102ffff'],
  ['0', '00000000'],
  ['000000000000000000000001', '00000001'],
];

test('inetAton() accepts the classic inet_aton(3) forms as Python does', () => {
  for (const [text, hex] of atonCases) {
    assert.equal(inetAton(text).toString('hex'), hex, JSON.stringify(text));
  }
});

test('inetAton() rejects what inet_aton(3) rejects with EINVAL', () => {
  const bad = [
    '',
    ' 1.2.3.4',
    '1.2.3.4x',
    '1.2.3.4.',
    '0x',
    '09',
    '4294967296',
    '99999999999999999999999',
    '1.16777216',
    '256.1.1.1',
    '1.2.65536',
    '1.2.3.256',
    '+1',
    '-1',
    '1..2',
    '1.2.3.4.5',
    'localhost',
    '１.2.3.4',
  ];
  for (const text of bad) assertSocketError(() => inetAton(text), 'EINVAL', ATON_BAD);
});

test('inetAton() refuses a non-string with TypeError and a NUL with RangeError', () => {
  assert.throws(() => inetAton(1 as unknown as string), TypeError);
  assert.throws(() => inetAton('1\u00002'), { name: 'RangeError', message: /embedded null/ });
});

test('inetNtoa() formats 4 bytes and rejects other lengths as Python does', () => {
  assert.equal(inetNtoa(Buffer.from([127, 0, 0, 1])), '127.0.0.1');
  assert.equal(inetNtoa(new Uint8Array([255, 255, 255, 255])), '255.255.255.255');
  const wrong = 'packed IP wrong length for inet_ntoa (EINVAL)';
  assertSocketError(() => inetNtoa(Buffer.from('123')), 'EINVAL', wrong);
  assertSocketError(() => inetNtoa(Buffer.alloc(16)), 'EINVAL', wrong);
  assert.throws(() => inetNtoa('1234' as unknown as Uint8Array), TypeError);
});

test('inetPton(AF_INET) accepts only the strict dotted quad', () => {
  assert.equal(inetPton(AF_INET, '1.2.3.4').toString('hex'), '01020304');
  assert.equal(inetPton(AF_INET, '0.0.0.0').toString('hex'), '00000000');
  assert.equal(inetPton(AF_INET, '255.255.255.255').toString('hex'), 'ffffffff');
  for (const text of ['01.2.3.4', '1.2.3', '256.0.0.0', '1.2.3.4 ', '1.2.3.04', '1', '0x1.2.3.4']) {
    assertSocketError(() => inetPton(AF_INET, text), 'EINVAL', PTON_BAD);
  }
});

// Each pair is what CPython 3.11 on glibc returns for socket.inet_pton(AF_INET6, text).
const pton6Cases: ReadonlyArray<readonly [string, string]> = [
  ['::', '00000000000000000000000000000000'],
  ['::1', '00000000000000000000000000000001'],
  ['1::', '00010000000000000000000000000000'],
  ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
  ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
  ['::ffff:1.2.3.4', '00000000000000000000ffff01020304'],
  ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
  ['ABCD::EF', 'abcd00000000000000000000000000ef'],
  ['::12.1.2.3', '0000000000000000000000000c010203'],
  ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
  ['2001:DB8::0001', '20010db8000000000000000000000001'],
];

test('inetPton(AF_INET6) accepts every RFC 4291 form as Python does', () => {
  for (const [text, hex] of pton6Cases) {
    assert.equal(inetPton(AF_INET6, text).toString('hex'), hex, text);
  }
});

test('inetPton(AF_INET6) rejects malformed text and zone ids with EINVAL', () => {
  const bad = [
    '',
    ':',
    ':::',
    '1:::2',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1::2::3',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3.04',
    'fe80::1%eth0',
    ':1::',
    '1:',
    '00000::1',
    '12345::',
    '::ffff:1.2.3',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    'g::1',
    '::1.2.3.4.5',
  ];
  for (const text of bad) assertSocketError(() => inetPton(AF_INET6, text), 'EINVAL', PTON_BAD);
});

test('inetPton() rejects other families with EAFNOSUPPORT and wrong shapes with TypeError', () => {
  const message = 'address family not supported by protocol (EAFNOSUPPORT)';
  assertSocketError(() => inetPton(AF_UNIX, '1.2.3.4'), 'EAFNOSUPPORT', message);
  assertSocketError(() => inetPton(99, 'x'), 'EAFNOSUPPORT', message);
  assert.throws(() => inetPton(2.5, '1.2.3.4'), TypeError);
  assert.throws(() => inetPton(AF_INET, null as unknown as string), TypeError);
  assert.throws(() => inetPton(AF_INET6, '::\u0000'), RangeError);
});

// Each pair is what CPython 3.11 on glibc returns for socket.inet_ntop(AF_INET6, bytes).
const ntop6Cases: ReadonlyArray<readonly [string, string]> = [
  ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
  ['00000000000000000000000000000001', '::1'],
  ['00000000000000000000000000000000', '::'],
  ['00000000000000000000ffff01020304', '::ffff:1.2.3.4'],
  ['00000000000000000000000001020304', '::1.2.3.4'],
  ['00000000000000000000000000020003', '::0.2.0.3'],
  ['00000000000000000000ffff00000000', '::ffff:0.0.0.0'],
  ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
  ['20010db8000000000001000000000000', '2001:db8:0:0:1::'],
  ['0001000000000000000000000000000a', '1::a'],
  ['00010000000100000000000000000001', '1:0:1::1'],
  ['fe800000000000000000000000000001', 'fe80::1'],
  ['00000000000000000000000000000100', '::100'],
  ['000000000000000000010000ffff0102', '::1:0:ffff:102'],
  ['20010db80000000000000000ABCD0000', '2001:db8::abcd:0'],
  ['00010000000000010000000000000001', '1:0:0:1::1'],
  ['00010000000000000001000000000001', '1::1:0:0:1'],
  ['ffffffffffffffffffffffffffffffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
];

test('inetNtop(AF_INET6) gives the RFC 5952 text Python gives', () => {
  for (const [hex, text] of ntop6Cases) {
    assert.equal(inetNtop(AF_INET6, Buffer.from(hex, 'hex')), text, hex);
  }
});

test('inetNtop(AF_INET) formats a dotted quad', () => {
  assert.equal(inetNtop(AF_INET, Buffer.from([1, 2, 3, 4])), '1.2.3.4');
});

test('inetNtop() rejects a wrong length or family with RangeError as Python rejects with ValueError', () => {
  const length = { name: 'RangeError', message: 'invalid length of packed IP address string' };
  assert.throws(() => inetNtop(AF_INET, Buffer.from([1, 2, 3])), length);
  assert.throws(() => inetNtop(AF_INET6, Buffer.from([1, 2, 3])), length);
  assert.throws(() => inetNtop(AF_INET6, Buffer.alloc(4)), length);
  const family = { name: 'RangeError', message: 'unknown address family 99' };
  assert.throws(() => inetNtop(99, Buffer.from([1, 2, 3])), family);
  assert.throws(() => inetNtop(AF_INET, '1234' as unknown as Uint8Array), TypeError);
  assert.throws(() => inetNtop('2' as unknown as number, Buffer.alloc(4)), TypeError);
});

test('inetPton() undoes inetNtop() for every 4- and 16-byte address', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes) => {
      assert.deepEqual(inetPton(AF_INET, inetNtop(AF_INET, bytes)), Buffer.from(bytes));
      assert.deepEqual(inetAton(inetNtoa(bytes)), Buffer.from(bytes));
    }),
  );
  // Zero-heavy words exercise the `::` and embedded-IPv4 rules far more than uniform bytes.
  const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
  fc.assert(
    fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
      const bytes = Buffer.alloc(16);
      for (const [i, w] of words.entries()) bytes.writeUInt16BE(w, i * 2);
      const text = inetNtop(AF_INET6, bytes);
      assert.deepEqual(inetPton(AF_INET6, text), bytes);
      assert.equal(text, text.toLowerCase());
      assert.ok(!/(^|:)0[0-9a-f]/.test(text), `leading zero in ${text}`);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      assert.deepEqual(inetPton(AF_INET6, inetNtop(AF_INET6, bytes)), Buffer.from(bytes));
    }),
  );
});

test('inetAton() and inetPton() answer random text with a result or EINVAL, never a crash', () => {
  const alphabet = fc.constantFrom(...'0123456789abcdefxX.: \t%-+'.split(''));
  const text = fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 45 }));
  fc.assert(
    fc.property(text, (t) => {
      for (const call of [
        () => inetAton(t),
        () => inetPton(AF_INET, t),
        () => inetPton(AF_INET6, t),
      ]) {
        try {
          const out = call();
          assert.ok(out.length === 4 || out.length === 16);
        } catch (err) {
          const nul = err instanceof RangeError && t.includes('\0');
          assert.ok(nul || (err instanceof SocketError && err.code === 'EINVAL'), String(err));
        }
      }
    }),
    { numRuns: 3000 },
  );
});

test('inetPton(AF_INET6) agrees with a reference parser on random RFC 4291 text', () => {
  // The reference expands `::` by counting groups, a different route to the same bytes.
  const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
  fc.assert(
    fc.property(
      fc.array(group, { minLength: 0, maxLength: 7 }),
      fc.nat(7),
      fc.boolean(),
      (groups, cut, upper) => {
        const at = Math.min(cut, groups.length);
        let text = `${groups.slice(0, at).join(':')}::${groups.slice(at).join(':')}`;
        if (upper) text = text.toUpperCase();
        const missing = 8 - groups.length;
        const full = [...groups.slice(0, at), ...Array(missing).fill('0'), ...groups.slice(at)];
        const expected = Buffer.from(full.map((g) => g.padStart(4, '0')).join(''), 'hex');
        assert.deepEqual(inetPton(AF_INET6, text), expected);
      },
    ),
  );
});
