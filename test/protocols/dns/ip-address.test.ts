import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatIPv6,
  parseIPv4,
  parseIPv6,
  reverseName,
} from '../../../src/protocols/dns/ip-address.js';

test('parseIPv4() accepts dotted quads and rejects shorthand, leading zeros and overflow', () => {
  assert.deepEqual([...parseIPv4('192.0.2.1')!], [192, 0, 2, 1]);
  for (const bad of ['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '1.2.3.a', '', '1..2.3']) {
    assert.equal(parseIPv4(bad), null, bad);
  }
});

test('formatIPv6() writes the RFC 5952 canonical form', () => {
  const cases: Array<[string, string]> = [
    ['::1', '::1'],
    ['::', '::'],
    ['2001:DB8:0:0:0:0:0:2', '2001:db8::2'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:1:1:1:1:0:1', '2001:db8:1:1:1:1:0:1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['fe80::', 'fe80::'],
  ];
  for (const [input, expected] of cases) {
    assert.equal(formatIPv6(parseIPv6(input)!, 0), expected, input);
  }
});

test('parseIPv6() rejects malformed addresses', () => {
  for (const bad of [
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::',
    '1.2.3.4::',
    ':1',
  ]) {
    assert.equal(parseIPv6(bad), null, bad);
  }
  assert.deepEqual(parseIPv6('1:2:3:4:5:6:7::'), parseIPv6('1:2:3:4:5:6:7:0'));
});

test('reverseName() builds in-addr.arpa and ip6.arpa names as dig -x does', () => {
  assert.equal(reverseName('127.0.0.1'), '1.0.0.127.in-addr.arpa');
  assert.equal(
    reverseName('2001:db8::567:89ab'),
    'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
  );
  assert.throws(() => reverseName('example.test'), RangeError);
});
