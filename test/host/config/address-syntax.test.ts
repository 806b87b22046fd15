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
