import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeTime, encodeTime, timeSeconds } from '../../../src/protocols/small/codec/time.js';

test('encodeTime() sends seconds since 1900 as 4 big-endian bytes', () => {
  const date = new Date('2026-11-24T15:17:31Z');
  assert.equal(timeSeconds(date), 4_004_522_251);
  assert.deepEqual([...encodeTime(date)], [0xee, 0xb0, 0x29, 0x0b]);
});

test('encodeTime() counts from 1900-01-01 00:00 UTC and drops fractions of a second', () => {
  assert.deepEqual([...encodeTime(new Date('1900-01-01T00:00:00Z'))], [0, 0, 0, 0]);
  assert.equal(timeSeconds(new Date('1970-01-01T00:00:00.999Z')), 2_208_988_800);
  // RFC 868's own examples.
  assert.equal(timeSeconds(new Date('1976-01-01T00:00:00Z')), 2_398_291_200);
  assert.equal(timeSeconds(new Date('1980-01-01T00:00:00Z')), 2_524_521_600);
  assert.equal(timeSeconds(new Date('1983-05-01T00:00:00Z')), 2_629_584_000);
});

test('encodeTime() wraps to 0 at 2036-02-07 06:28:16 UTC', () => {
  assert.deepEqual([...encodeTime(new Date('2036-02-07T06:28:15Z'))], [0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual([...encodeTime(new Date('2036-02-07T06:28:16Z'))], [0, 0, 0, 0]);
  assert.equal(timeSeconds(new Date('2036-02-07T06:28:17Z')), 1);
});

test('encodeTime() wraps dates before 1900 into the 32-bit range too', () => {
  assert.equal(timeSeconds(new Date('1899-12-31T23:59:59Z')), 2 ** 32 - 1);
});

test('decodeTime() places the answer in the era nearest the client clock', () => {
  const zero = Buffer.from([0, 0, 0, 0]);
  assert.equal(decodeTime(zero).toISOString(), '1900-01-01T00:00:00.000Z');
  assert.equal(
    decodeTime(zero, new Date('2040-01-01T00:00:00Z')).toISOString(),
    '2036-02-07T06:28:16.000Z',
  );
  assert.equal(
    decodeTime(Buffer.from([0xee, 0xb0, 0x29, 0x0b]), new Date('2030-01-01Z')).toISOString(),
    '2026-11-24T15:17:31.000Z',
  );
});

test('decodeTime() rejects an answer that is not 4 bytes', () => {
  assert.throws(() => decodeTime(Buffer.from([1, 2, 3])), RangeError);
  assert.throws(() => decodeTime(Buffer.alloc(5)), RangeError);
});

test('encodeTime() rejects an invalid Date', () => {
  assert.throws(() => encodeTime(new Date(Number.NaN)), RangeError);
});

test('decodeTime() reverses encodeTime() to the second for dates near the clock', () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('1800-01-01Z'), max: new Date('2200-01-01Z'), noInvalidDate: true }),
      (date) => {
        const back = decodeTime(encodeTime(date), date);
        assert.equal(back.getTime(), Math.floor(date.getTime() / 1000) * 1000);
      },
    ),
  );
});
