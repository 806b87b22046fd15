import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  isIPv4,
  isIPv6,
  isListenAddress,
  isLoopbackAddress,
  isMailbox,
} from '../../../src/host/config/index.js';

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

test('isListenAddress() accepts addresses and host names only', () => {
  for (const a of ['0.0.0.0', '::', 'localhost', 'mail.example.test', 'example.test.'])
    assert.ok(isListenAddress(a), a);
  for (const a of ['', 'not an address', '-bad.test', 'a..b', 'x'.repeat(64)])
    assert.equal(isListenAddress(a), false, a);
});

test('isLoopbackAddress() knows 127.0.0.0/8, ::1 and localhost, and no wildcard', () => {
  for (const a of [
    '127.0.0.1',
    '127.255.255.254',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
    'LOCALHOST',
  ]) {
    assert.ok(isLoopbackAddress(a), a);
  }
  for (const a of [
    '0.0.0.0',
    '::',
    '128.0.0.1',
    '10.0.0.1',
    '::2',
    '::ffff:10.0.0.1',
    'localhost.example',
    'example.test',
  ]) {
    assert.equal(isLoopbackAddress(a), false, a);
  }
});

test('isMailbox() accepts dot-atom mailboxes', () => {
  assert.ok(isMailbox('demo@example.test'));
  assert.ok(isMailbox('first.last+tag@localhost'));
  for (const a of ['demo', '@example.test', 'a@', 'a..b@example.test', 'a b@example.test']) {
    assert.equal(isMailbox(a), false, a);
  }
});

test('the address checks never throw on random text', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      isIPv4(text);
      isIPv6(text);
      isListenAddress(text);
      isLoopbackAddress(text);
      isMailbox(text);
    }),
  );
});
