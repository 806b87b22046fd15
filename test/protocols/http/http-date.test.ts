import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  formatHttpDate,
  parseHttpDate,
  tryParseHttpDate,
} from '../../../src/protocols/http/codec/http-date.js';

const example = new Date(Date.UTC(1994, 10, 6, 8, 49, 37));

test('formatHttpDate() writes an IMF-fixdate', () => {
  assert.equal(formatHttpDate(example), 'Sun, 06 Nov 1994 08:49:37 GMT');
  assert.throws(() => formatHttpDate(new Date(Number.NaN)), RangeError);
});

test('parseHttpDate() reads IMF-fixdate, RFC 850 and asctime forms', () => {
  assert.deepEqual(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), example);
  assert.deepEqual(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), example);
  assert.deepEqual(parseHttpDate('Sun Nov  6 08:49:37 1994'), example);
});

test('parseHttpDate() puts a two-digit year at most 50 years after now', () => {
  const now = new Date(Date.UTC(2030, 0, 1));
  assert.equal(parseHttpDate('Monday, 01-Jan-80 00:00:00 GMT', now).getUTCFullYear(), 2080);
  assert.equal(parseHttpDate('Monday, 01-Jan-81 00:00:00 GMT', now).getUTCFullYear(), 1981);
  assert.equal(parseHttpDate('Monday, 01-Jan-69 00:00:00 GMT').getUTCFullYear(), 2069);
});

test('parseHttpDate() throws SyntaxError for invalid dates and tryParseHttpDate() gives null', () => {
  for (const bad of [
    '',
    'yesterday',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Xyz, 06 Nov 1994 08:49:37 GMT',
    'sun, 06 nov 1994 08:49:37 GMT',
    'Sun, 6 Nov 1994 08:49:37 GMT',
  ]) {
    assert.throws(() => parseHttpDate(bad), SyntaxError, bad);
    assert.equal(tryParseHttpDate(bad), null);
  }
});

test('formatHttpDate() and parseHttpDate() round-trip any second from 1000 to 9999', () => {
  fc.assert(
    fc.property(fc.integer({ min: -30610224000, max: 253402300799 }), (seconds) => {
      const date = new Date(seconds * 1000);
      assert.equal(parseHttpDate(formatHttpDate(date)).getTime(), date.getTime());
    }),
  );
});
