import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseIpAddress, sameIpAddress, unmapIpv4 } from '../../../src/protocols/ftp/ip-address.js';

test('parseIpAddress() reads dotted quads and refuses out-of-range or zero-padded parts', () => {
  assert.deepEqual(parseIpAddress('192.0.2.255'), {
    family: 4,
    bytes: Uint8Array.from([192, 0, 2, 255]),
  });
  for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.4 ', '', 'a.b.c.d']) {
    assert.equal(parseIpAddress(bad), null, bad);
  }
});

test('parseIpAddress() reads IPv6 with ::, an IPv4 tail and a zone', () => {
  const one = new Uint8Array(16);
  one[15] = 1;
  assert.deepEqual(parseIpAddress('::1')?.bytes, one);
  assert.deepEqual(parseIpAddress('0:0:0:0:0:0:0:1')?.bytes, one);
  assert.deepEqual(parseIpAddress('::')?.bytes, new Uint8Array(16));
  assert.deepEqual(
    [...(parseIpAddress('::ffff:1.2.3.4')?.bytes ?? [])].slice(10),
    [255, 255, 1, 2, 3, 4],
  );
  assert.deepEqual(
    [...(parseIpAddress('1:2:3:4:5:6:1.2.3.4')?.bytes ?? [])].slice(12),
    [1, 2, 3, 4],
  );
  assert.equal(parseIpAddress('fe80::1%eth0')?.family, 6);
  for (const bad of [
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    ':1',
    '1:',
    'g::1',
    '1:2:3:4:5:6:7',
  ]) {
    assert.equal(parseIpAddress(bad), null, bad);
  }
});

test('parseIpAddress() accepts every address fast-check generates', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
      assert.notEqual(parseIpAddress(text), null, text);
    }),
  );
});

test('sameIpAddress() compares bytes, treating IPv4-mapped IPv6 as IPv4', () => {
  assert.equal(sameIpAddress('::FFFF:127.0.0.1', '127.0.0.1'), true);
  assert.equal(sameIpAddress('::ffff:7f00:1', '127.0.0.1'), true);
  assert.equal(sameIpAddress('2001:DB8::1', '2001:db8:0:0:0:0:0:1'), true);
  assert.equal(sameIpAddress('::1', '127.0.0.1'), false);
  assert.equal(sameIpAddress('x', 'x'), false);
});

test('unmapIpv4() unwraps IPv4-mapped addresses and leaves others alone', () => {
  assert.equal(unmapIpv4('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(unmapIpv4('10.0.0.1'), '10.0.0.1');
  assert.equal(unmapIpv4('::1'), '::1');
  assert.equal(unmapIpv4('nonsense'), 'nonsense');
});
