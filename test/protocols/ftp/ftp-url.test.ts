import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isLoopbackHost, parseFtpUrl } from '../../../src/protocols/ftp/index.js';

test('parseFtpUrl() reads user, password, host, port and a decoded path', () => {
  assert.deepEqual(parseFtpUrl('ftp://de%40mo:p%3Ass@[::1]:2121/pub/a%20b.txt;type=i', 10021), {
    host: '::1',
    port: 2121,
    user: 'de@mo',
    password: 'p:ss',
    path: 'pub/a b.txt',
  });
});

test('parseFtpUrl() uses the default port and no user when none is given', () => {
  assert.deepEqual(parseFtpUrl('ftp://127.0.0.1', 10021), {
    host: '127.0.0.1',
    port: 10021,
    user: null,
    password: null,
    path: '',
  });
});

test('parseFtpUrl() rejects other schemes, bad escapes and port 0', () => {
  assert.throws(() => parseFtpUrl('http://x/', 21), SyntaxError);
  assert.throws(() => parseFtpUrl('ftp://x/%zz', 21), SyntaxError);
  assert.throws(() => parseFtpUrl('ftp://x:0/', 21), RangeError);
});

test('parseFtpUrl() throws only SyntaxError or RangeError on random text', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      try {
        parseFtpUrl(`ftp://${s}`, 21);
      } catch (err) {
        assert.ok(err instanceof SyntaxError || err instanceof RangeError);
      }
    }),
  );
});

test('isLoopbackHost() knows localhost, 127/8 and ::1', () => {
  assert.ok(isLoopbackHost('localhost'));
  assert.ok(isLoopbackHost('127.3.2.1'));
  assert.ok(isLoopbackHost('::1'));
  assert.ok(!isLoopbackHost('192.0.2.1'));
});
