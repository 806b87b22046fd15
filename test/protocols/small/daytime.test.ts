import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDaytime } from '../../../src/protocols/small/codec/daytime.js';

test('formatDaytime() formats the RFC 867 line in UTC with CRLF', () => {
  assert.equal(
    formatDaytime(new Date('2026-11-24T15:17:31Z')),
    'Tuesday, November 24, 2026 15:17:31-UTC\r\n',
  );
});

test('formatDaytime() pads the time but not the day of the month', () => {
  assert.equal(
    formatDaytime(new Date('2027-03-07T04:05:06.999Z')),
    'Sunday, March 7, 2027 04:05:06-UTC\r\n',
  );
  assert.equal(
    formatDaytime(new Date('2000-01-01T00:00:00Z')),
    'Saturday, January 1, 2000 00:00:00-UTC\r\n',
  );
});

test('formatDaytime() does not depend on the local time zone', () => {
  const date = new Date('2026-12-31T23:59:59Z');
  assert.equal(formatDaytime(date), 'Thursday, December 31, 2026 23:59:59-UTC\r\n');
});

test('formatDaytime() rejects an invalid Date', () => {
  assert.throws(() => formatDaytime(new Date(Number.NaN)), RangeError);
});
