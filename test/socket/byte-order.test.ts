import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { test } from 'node:test';
import fc from 'fast-check';
import { htonl, htons, ntohl, ntohs } from '../../src/socket/byte-order.js';

const LE = endianness() === 'LE';

test('htons() and htonl() give the values Python gives on this host', () => {
  // Python on a little-endian host: htons(1) == 256, htonl(1) == 16777216.
  assert.equal(htons(1), LE ? 256 : 1);
  assert.equal(htons(0), 0);
  assert.equal(htons(65535), 65535);
  assert.equal(htons(0x1234), LE ? 0x3412 : 0x1234);
  assert.equal(htonl(1), LE ? 16777216 : 1);
  assert.equal(htonl(0), 0);
  assert.equal(htonl(4294967295), 4294967295);
  assert.equal(htonl(0x12345678), LE ? 0x78563412 : 0x12345678);
  assert.equal(htonl(0xff), LE ? 0xff000000 : 0xff, 'the result stays unsigned');
  assert.equal(ntohs(256), LE ? 1 : 256);
  assert.equal(ntohl(16777216), LE ? 1 : 16777216);
});

test('htons(), ntohs(), htonl() and ntohl() agree with big-endian Buffer writes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), (x) => {
      const be = Buffer.alloc(2);
      be.writeUInt16BE(x);
      assert.equal(htons(x), LE ? be.readUInt16LE() : x);
      assert.equal(ntohs(htons(x)), x);
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => {
      const be = Buffer.alloc(4);
      be.writeUInt32BE(x);
      assert.equal(htonl(x), LE ? be.readUInt32LE() : x);
      assert.equal(ntohl(htonl(x)), x);
    }),
  );
});

test('the byte-order functions reject values outside their width with RangeError', () => {
  for (const fn of [htons, ntohs]) {
    assert.throws(() => fn(65536), { name: 'RangeError', message: /16-bit unsigned/ });
    assert.throws(() => fn(-1), RangeError);
  }
  for (const fn of [htonl, ntohl]) {
    assert.throws(() => fn(2 ** 32), { name: 'RangeError', message: /32-bit unsigned/ });
    assert.throws(() => fn(-1), RangeError);
  }
});

test('the byte-order functions reject non-integers with TypeError', () => {
  for (const fn of [htons, ntohs, htonl, ntohl]) {
    assert.throws(() => fn(1.5), { name: 'TypeError', message: /expects an integer, got 1.5/ });
    assert.throws(() => fn(Number.NaN), TypeError);
    assert.throws(() => fn('1' as unknown as number), { name: 'TypeError', message: /string/ });
  }
});
