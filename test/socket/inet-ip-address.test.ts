import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  formatIPv4,
  formatIPv6,
  isIPv4,
  isIPv6,
  parseIPv4,
  parseIPv6,
  parseIpAddress,
  sameIpAddress,
  unmapIpv4,
} from '../../src/socket/inet.js';

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
  assert.equal(parseIpAddress('fe80::1%eth0')?.zone, 'eth0');
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

// From the DNS codec's record parser, which this one replaced.

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

// From the config's address checks, which this one replaced.

test('isIPv4() accepts dotted quads and refuses short forms and leading zeros', () => {
  for (const a of ['0.0.0.0', '127.0.0.1', '255.255.255.255', '192.0.2.10'])
    assert.ok(isIPv4(a), a);
  for (const a of ['127.1', '256.0.0.1', '01.2.3.4', '1.2.3.4.', '1.2.3', '', 'a.b.c.d']) {
    assert.equal(isIPv4(a), false, a);
  }
});

test('isIPv6() accepts RFC 4291 text forms and refuses malformed ones', () => {
  for (const a of [
    '::',
    '::1',
    '2001:db8::10',
    'fe80::1:2',
    '1:2:3:4:5:6:7:8',
    '::ffff:192.0.2.1',
    '64:ff9b::192.0.2.1',
    '1:2:3:4:5:6::',
  ]) {
    assert.ok(isIPv6(a), a);
  }
  for (const a of [
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7',
    '::1.2.3',
    '1:2:3:4:5:6:7:1.2.3.4',
  ]) {
    assert.equal(isIPv6(a), false, a);
  }
});

test('parseIpAddress() keeps a zone apart from the bytes and refuses an empty one or one on IPv4', () => {
  const scoped = parseIpAddress('fe80::1%2');
  assert.equal(scoped?.zone, '2');
  assert.deepEqual(scoped?.bytes, parseIPv6('fe80::1'));
  assert.equal('zone' in (parseIpAddress('fe80::1') ?? {}), false);
  for (const bad of ['fe80::1%', '127.0.0.1%eth0', 'fe80::1%a%b', '%eth0']) {
    assert.equal(parseIpAddress(bad), null, bad);
  }
  // inet_pton never takes a zone: where one may appear, parseIpAddress() is the entry.
  assert.equal(parseIPv6('fe80::1%eth0'), null);
  assert.equal(isIPv6('fe80::1%eth0'), false);
});

test('formatIPv4() and formatIPv6() read the address in place at an offset', () => {
  const wire = Uint8Array.of(9, 9, 192, 0, 2, 1, ...parseIPv6('2001:db8::1')!);
  assert.equal(formatIPv4(wire, 2), '192.0.2.1');
  assert.equal(formatIPv6(wire, 6), '2001:db8::1');
  assert.equal(formatIPv6(parseIPv6('::ffff:0:0')!), '::ffff:0.0.0.0');
});

test('formatIPv6() writes an IPv4-compatible address with its dotted quad, as inet_ntop and dig do', () => {
  assert.equal(formatIPv6(parseIPv6('::102:304')!), '::1.2.3.4');
  assert.equal(formatIPv6(parseIPv6('::1')!), '::1');
  assert.equal(formatIPv6(parseIPv6('::102')!), '::102');
});

test('DNS, FTP and the host config export the socket layer parser itself, not a copy', async () => {
  const inet = await import('../../src/socket/inet.js');
  const dns = await import('../../src/protocols/dns/index.js');
  const ftp = await import('../../src/protocols/ftp/index.js');
  const config = await import('../../src/host/config/index.js');
  assert.equal(dns.parseIPv4, inet.parseIPv4);
  assert.equal(dns.parseIPv6, inet.parseIPv6);
  assert.equal(dns.formatIPv6, inet.formatIPv6);
  assert.equal(ftp.parseIpAddress, inet.parseIpAddress);
  assert.equal(ftp.sameIpAddress, inet.sameIpAddress);
  assert.equal(ftp.unmapIpv4, inet.unmapIpv4);
  assert.equal(config.isIPv4, inet.isIPv4);
  assert.equal(config.isIPv6, inet.isIPv6);
});
